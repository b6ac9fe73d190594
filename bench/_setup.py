"""Shared start-up for the benchmarks: a throwaway SQLite database, migrated."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_temp_db() -> str:
    var = tempfile.mkdtemp(prefix="academy-bench-")
    os.environ["ACADEMY_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var


def report(name: str, value: float, goal: float, unit: str = "") -> bool:
    ok = value <= goal
    print(f"{name}: {value:.2f}{unit} (goal <= {goal}{unit}) {'OK' if ok else 'MISSED'}")
    return ok
