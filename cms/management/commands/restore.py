"""Restore a backup made by ``manage.py backup``: the database (replacing its
contents) and the uploaded files (replacing both media folders).

    manage.py restore [PATH]        (PATH defaults to the newest backup)

Stop the app and workers first; run ``migrate`` afterwards when restoring into
a newer release.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import FILE_ROOTS, backup_root, pg_env


class Command(BaseCommand):
    help = "Restore the database and uploaded files from a backup."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None)
        parser.add_argument("--dir", default=None)

    def handle(self, *args, **options):
        if options["path"]:
            source = Path(options["path"])
        else:
            root = backup_root(options["dir"])
            found = sorted(p for p in root.glob("*") if p.is_dir() and not p.name.startswith("."))
            if not found:
                raise CommandError(f"No backup under {root}")
            source = found[-1]
        if connection.vendor == "postgresql":
            connection.close()
            args, env = pg_env()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    source / "db.dump",
                ],
                check=True,
                env=env,
            )
        else:
            connection.ensure_connection()
            backup = sqlite3.connect(source / "db.sqlite3")
            with backup:
                backup.backup(connection.connection)
            backup.close()
        with tarfile.open(source / "files.tar.gz") as tar:
            members = tar.getmembers()
            for name, setting in FILE_ROOTS.items():
                folder = Path(getattr(settings, setting))
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True, exist_ok=True)
                prefix = name + "/"
                chosen = []
                for member in members:
                    if member.name.startswith(prefix):
                        member.name = member.name[len(prefix) :]
                        chosen.append(member)
                tar.extractall(folder, members=chosen, filter="data")
        self.stdout.write(f"restored {source}")
