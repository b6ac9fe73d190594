"""`make demo` runs `manage.py serve_demo`: Ctrl-C or a SIGTERM to its process group
ends the web server and the whole django-q2 cluster within 10 seconds."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

STOP_WITHIN_SECONDS = 10


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}&port={db['PORT']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_of(supervisor: int) -> list[int]:
    """The supervisor, its children, and everything in the children's sessions."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if fields[0] != "Z":  # a zombie has ended; it only waits to be reaped
                stats[int(entry.name)] = (int(fields[1]), int(fields[3]))  # ppid, session
    children = {pid for pid, (ppid, _) in stats.items() if ppid == supervisor}
    sessions = children | {supervisor}
    return [pid for pid, (ppid, sid) in stats.items() if pid in sessions or sid in sessions]


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="make demo runs on SQLite; the PostgreSQL test database is not reachable by URL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_the_demo_ends_every_process_it_started(tmp_path, signum):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database_url(),
        "Q_WORKERS": "2",
    }
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "serve_demo"]
    demo = subprocess.Popen(
        [*command, f"127.0.0.1:{port}", "--qcluster-log", str(tmp_path / "qcluster.log")],
        env=env,
        start_new_session=True,  # its own group, as `make demo` has in a terminal
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/accounts/login/"), 60, "the site")
        # supervisor + web server + qcluster master, sentinel, pusher, monitor, 2 workers
        wait_until(lambda: len(processes_of(demo.pid)) >= 8, 60, "the django-q2 cluster")
        started = time.monotonic()
        os.killpg(demo.pid, signum)  # what a terminal's Ctrl-C or `kill -TERM -PGID` does
        wait_until(lambda: not processes_of(demo.pid), STOP_WITHIN_SECONDS, "every process")
        assert time.monotonic() - started < STOP_WITHIN_SECONDS
        assert demo.wait(timeout=1) == 0
    finally:
        for pid in processes_of(demo.pid):
            os.kill(pid, signal.SIGKILL)
        demo.wait()
