"""Serve the demo: the web server and a django-q2 cluster, started and stopped together.

`make demo` used to start both from one shell line with ``trap 'kill 0'``. A SIGTERM
sent to the whole process group reaches django-q2's sentinel at the same moment as
the cluster's master; the sentinel dies holding the lock of the stop event the master
is about to set, and the master then waits on it for ever. So this command starts each
child in a session of its own, where a Ctrl-C or a SIGTERM to `make`'s group cannot
reach it, and stops them itself: SIGTERM to each child's leader (the qcluster master
then stops its sentinel and workers in order), and after a grace period SIGKILL to
whatever is left of each child's group. Children also get SIGTERM if this process
dies without cleaning up (Linux's parent-death signal).
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 6.0
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _child_setup() -> None:
    """In the child, before exec: die with the supervisor, and take stop signals by default."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    with contextlib.suppress(AttributeError, OSError):  # not Linux: _stop() still runs
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Command(BaseCommand):
    help = "Run the development web server and a django-q2 cluster; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--qcluster-log",
            default=str(Path(settings.BASE_DIR) / "var" / "qcluster.log"),
            help="File the django-q2 cluster writes its log (and console e-mails) to.",
        )

    def handle(self, *args, addrport, qcluster_log, **options):
        self._stopping = False
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        Path(qcluster_log).parent.mkdir(parents=True, exist_ok=True)
        children: list[subprocess.Popen] = []
        try:
            with open(qcluster_log, "ab") as log:
                children.append(self._start(manage + ["qcluster"], stdout=log))
            children.append(self._start(manage + ["runserver", addrport, "--noreload"]))
            while not self._stopping:
                ended = [child for child in children if child.poll() is not None]
                if ended:
                    raise CommandError(
                        f"{ended[0].args[2]} stopped (exit {ended[0].returncode});"
                        " stopping the rest"
                    )
                time.sleep(0.2)
        finally:
            self._stop(children)

    def _on_signal(self, signum, frame):
        self._stopping = True

    def _start(self, command, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(
            command,
            start_new_session=True,
            preexec_fn=_child_setup,  # no threads in this process, so safe
            stdin=subprocess.DEVNULL,
            **kwargs,
        )

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(_group_alive(c.pid) for c in children):
            for child in children:
                child.poll()  # reap the leader so its group can empty
            time.sleep(0.1)
        for child in children:
            if _group_alive(child.pid):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        self.stdout.write("Stopped the web server and the django-q2 cluster.")
