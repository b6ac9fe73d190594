"""Back up the database and every uploaded file (public and private media).

    manage.py backup [--dir DIR] [--keep N]

Writes DIR/<UTC timestamp>/ with ``db.dump`` (pg_dump custom format, or an
SQLite online backup ``db.sqlite3``) and ``files.tar.gz`` (MEDIA_ROOT and
PRIVATE_MEDIA_ROOT), then deletes all but the newest N backups. DIR defaults to
BACKUP_DIR, else <var>/backups. Restore with ``manage.py restore``.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection


def backup_root(value: str | None) -> Path:
    return Path(value or os.environ.get("BACKUP_DIR") or settings.VAR_DIR / "backups")


def pg_env() -> tuple[list[str], dict]:
    """libpq arguments for the default database (no password on the command line)."""
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    options = db.get("OPTIONS", {})
    # dj-database-url keeps ?host=/socket/dir&port=N of a socket URL in OPTIONS
    host, port = db.get("HOST") or options.get("host"), db.get("PORT") or options.get("port")
    args = ["--dbname", db["NAME"]]
    if host:
        args += ["--host", host]
    if port:
        args += ["--port", str(port)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args, env


FILE_ROOTS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class Command(BaseCommand):
    help = "Back up the database and uploaded files; keep the newest --keep copies."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None)
        parser.add_argument("--keep", type=int, default=7)

    def handle(self, *args, **options):
        root = backup_root(options["dir"])
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = root / stamp
        partial = root / f".{stamp}.partial"
        partial.mkdir(parents=True)
        if connection.vendor == "postgresql":
            args, env = pg_env()
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", partial / "db.dump", *args],
                check=True,
                env=env,
            )
        else:
            connection.ensure_connection()
            destination = sqlite3.connect(partial / "db.sqlite3")
            with destination:
                connection.connection.backup(destination)
            destination.close()
        with tarfile.open(partial / "files.tar.gz", "w:gz") as tar:
            for name, setting in FILE_ROOTS.items():
                folder = Path(getattr(settings, setting))
                if folder.is_dir():
                    tar.add(folder, arcname=name)
        partial.rename(target)  # a backup either exists whole or not at all
        kept = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        for old in kept[: -options["keep"]] if options["keep"] > 0 else []:
            shutil.rmtree(old)
        self.stdout.write(str(target))
