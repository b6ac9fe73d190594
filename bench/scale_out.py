"""Scale-out: the production stack (deploy/prod.sh) with 1 and with 2 gunicorn
processes, loaded through nginx.

Starts its own stack in var/prod-bench (ports 1818x), makes people, logins and
open check-in sessions in-process, then alternates rounds with one app process
and with two (gunicorn's TTOU/TTIN signals change the count without a restart,
so both run on the same stack and warm database). Two loads:

- check-in: CLIENTS phones each posting check-ins to sessions of their own;
- mixed: the same phones checking in while HR users open the certification
  report, learners open their session list and a 3,000-row roster import runs in
  django-q2 (dry run, then commit: a big import as HR starts it from the admin).

Prints requests/s for each, the ratio 2 ÷ 1 (goal >= 1.6 on 2 cores), errors
(goal 0) and that every check-in row was written exactly once. The load
generator, nginx, PostgreSQL and Redis share the machine's cores with gunicorn,
so the ratio is of the whole stack, as an operator would see it.

SCALE_CLIENTS / SCALE_REQUESTS / SCALE_ROUNDS / SCALE_IMPORT_ROWS change the load.
"""

from __future__ import annotations

import datetime
import http.client
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("SCALE_CLIENTS", "16"))
REQUESTS = int(os.environ.get("SCALE_REQUESTS", "25"))  # per client per round
ROUNDS = int(os.environ.get("SCALE_ROUNDS", "3"))
IMPORT_ROWS = int(os.environ.get("SCALE_IMPORT_ROWS", "3000"))
ROSTER_HEADER = ["工号", "姓名", "人员类别", "所在单位", "性别", "手机号", "参加工作日期", "在职"]
GOAL = 1.6
PROD_DIR = ROOT / "var" / "prod-bench"
STACK = {
    "PROD_DIR": str(PROD_DIR),
    "NGINX_PORT": os.environ.get("SCALE_NGINX_PORT", "18182"),
    "GUNICORN_PORT": os.environ.get("SCALE_GUNICORN_PORT", "18103"),
    "PG_PORT": os.environ.get("SCALE_PG_PORT", "18134"),
    "APP_WORKERS": "1",
    "APP_THREADS": "4",
    "Q_WORKERS": "1",
}
PORT = int(STACK["NGINX_PORT"])
# check-in sessions: one per (round, workers, kind, request) so every post is new
KINDS = ("checkin", "mixed")
SESSIONS = ROUNDS * 2 * len(KINDS) * REQUESTS


def prod(*args):
    env = {**os.environ, **STACK}
    subprocess.run([str(ROOT / "deploy" / "prod.sh"), *args], check=True, env=env)


def load_env():
    for line in (PROD_DIR / "env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare():
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from lms.models import CheckInSession, SessionKind
    from lms.services.checkin import DEVICE_COOKIE, current_window, ticket_for
    from talent.models import Role, UnitKind
    from talent.services.access import grant_role
    from tests.factories import PersonFactory, UserFactory, make_unit

    district = make_unit("九龙坡区", kind=UnitKind.DISTRICT, code="bench-jlp")
    jl = make_unit("九龙街道", parent=district, kind=UnitKind.SUBDISTRICT, code="bench-jl")
    panlong = make_unit("盘龙社区", parent=jl, code="bench-panlong")
    for i in range(200):
        PersonFactory(unit=panlong if i % 2 else jl)
    owner = UserFactory(username="bench_owner")
    start = timezone.now() - datetime.timedelta(minutes=5)
    sessions = CheckInSession.objects.bulk_create(
        CheckInSession(
            kind=SessionKind.CLASS,
            title=f"扩容测试课堂{i}",
            owner=owner,
            unit=jl,
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=3),
        )
        for i in range(SESSIONS)
    )
    window = current_window()

    def login(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    # Tickets are bound to the scanning browser and user (issue 14): each phone has
    # its own device cookie and its own ticket for every session.
    phones, urls = [], []
    for i in range(CLIENTS):
        user = UserFactory(username=f"bench_phone{i}")
        PersonFactory(unit=panlong, user=user)
        device = f"bench-device-{i:04d}"
        phones.append(f"sessionid={login(user)}; {DEVICE_COOKIE}={device}")
        urls.append(
            [
                reverse(
                    "lms:checkin_confirm",
                    args=[s.pk, ticket_for(s, window, device=device, user_id=user.pk)],
                )
                for s in sessions
            ]
        )
    hr = UserFactory(username="bench_hr")
    grant_role(actor=None, user=hr, role=Role.HR, unit=jl)
    return {
        "hr_user": hr,
        "urls": urls,
        "phones": phones,
        "hr": f"sessionid={login(hr)}",
        "report": reverse("talent_reports:certification"),
        "sessions": reverse("lms:sessions"),
    }


class Phone:
    """One client with a kept-alive connection to nginx."""

    def __init__(self, session: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookie = session
        self.token = ""

    def send(self, method, path, body=None):
        headers = {"Host": f"127.0.0.1:{PORT}", "Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.getheader("Set-Cookie") or "", response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # nginx closed an idle keep-alive connection; a fresh one, once
                self.conn.close()
                if attempt:
                    raise

    def warm(self, url):
        status, set_cookie, body = self.send("GET", url)
        cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert status == 200 and cookie and token, f"warm-up {status}"
        self.cookie += f"; csrftoken={cookie.group(1)}"
        self.token = token.group(1).decode()

    def check_in(self, url, errors):
        status, _, body = self.send("POST", url, f"csrfmiddlewaretoken={self.token}")
        if status != 200 or "签到成功".encode() not in body:
            errors.append(f"check-in {status}")

    def get(self, path, errors):
        status, _, _ = self.send("GET", path)
        if status != 200:
            errors.append(f"{path} {status}")


def run(phones, work) -> tuple[float, int, list[str]]:
    errors: list[str] = []
    done = [0]
    barrier = threading.Barrier(len(phones) + 1)
    lock = threading.Lock()

    def target(i):
        barrier.wait()
        try:
            n = work(i, phones[i], errors)
        except Exception as error:  # noqa: BLE001 - counted
            errors.append(repr(error))
            n = 0
        with lock:
            done[0] += n

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(phones))]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join(timeout=300)
    return time.perf_counter() - began, done[0], errors


class Upload(io.BytesIO):
    name = "bench-roster.xlsx"


def roster(prefix: str) -> Upload:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(ROSTER_HEADER)
    for i in range(IMPORT_ROWS):
        sheet.append(
            [
                f"{prefix}{i:05d}",
                f"导入{i}",
                "社区工作者",
                "盘龙社区",
                "女",
                13900000000 + i,
                "2020-03-01",
                "是",
            ]
        )
    upload = Upload()
    book.save(upload)
    upload.seek(0)
    return upload


class BigImport:
    """A roster import started in the background (django-q2 on the stack's Redis
    broker) and confirmed once its dry run is clean, as HR would from the job page."""

    def __init__(self, owner, prefix: str):
        from talent.imports import jobs

        self.jobs = jobs
        self.job = jobs.start_import(
            owner=owner, handler="talent.imports.people.ROSTER", upload=roster(prefix)
        )
        assert self.job.background, "the bench import must run in django-q2"
        self.began = time.perf_counter()
        self.seconds = None

    def poll(self) -> bool:
        """Confirm a clean dry run; True once the commit is done."""
        from talent.models import JobState

        self.job.refresh_from_db()
        if self.job.state == JobState.CHECKED:
            assert not self.job.error_count, self.job.errors[:3]
            self.jobs.confirm_import(self.job)
        elif self.job.state == JobState.DONE:
            self.seconds = self.seconds or time.perf_counter() - self.began
            return True
        elif self.job.state == JobState.FAILED:
            raise AssertionError(f"bench import failed: {self.job.errors[:3]}")
        return False

    def run_beside(self, stop: threading.Event):
        while not stop.is_set() and not self.poll():
            time.sleep(0.5)


def set_workers(n: int):
    master = int((PROD_DIR / "run" / "gunicorn.pid").read_text())

    def children():
        out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
        return out.stdout.split()

    while len(children()) != n:
        os.kill(master, signal.SIGTTIN if len(children()) < n else signal.SIGTTOU)
        for _ in range(100):
            time.sleep(0.2)
            if len(children()) == n:
                break
    # every process answers before the round starts
    time.sleep(2)


def main() -> int:
    prod("down")
    subprocess.run(["rm", "-rf", str(PROD_DIR)], check=True)
    prod("up")
    try:
        load_env()
        data = prepare()
        from django.db import connections

        connections.close_all()
        slot = [0]  # which REQUESTS sessions this round's phones check in to
        phones = [Phone(s) for s in data["phones"]]
        hr = [Phone(data["hr"]) for _ in range(CLIENTS // 4)]
        learners = [Phone(s) for s in data["phones"][: CLIENTS // 4]]
        for i, p in enumerate(phones):
            p.warm(data["urls"][i][0])

        def next_urls(i, n):
            return data["urls"][i][slot[0] * n : (slot[0] + 1) * n]

        def checkin_work(i, phone, errors):
            for url in next_urls(i, REQUESTS):
                phone.check_in(url, errors)
            return REQUESTS

        def mixed_work(i, phone, errors):
            if i < CLIENTS:
                for url in next_urls(i, REQUESTS):
                    phone.check_in(url, errors)
            elif i < CLIENTS + len(hr):
                for _ in range(REQUESTS // 5):
                    phone.get(data["report"], errors)
                return REQUESTS // 5
            else:
                for _ in range(REQUESTS):
                    phone.get(data["sessions"], errors)
            return REQUESTS

        rates = {(kind, n): [] for kind in KINDS for n in (1, 2)}
        errors: list[str] = []
        imports: list[BigImport] = []
        posts = 0
        for r in range(ROUNDS):
            for n in (1, 2) if r % 2 == 0 else (2, 1):
                set_workers(n)
                for kind in KINDS:
                    clients = phones if kind == "checkin" else phones + hr + learners
                    work = checkin_work if kind == "checkin" else mixed_work
                    big = stop = None
                    if kind == "mixed":
                        big, stop = BigImport(data["hr_user"], f"S{slot[0]:02d}"), threading.Event()
                        watcher = threading.Thread(target=big.run_beside, args=(stop,))
                        watcher.start()
                    seconds, done, round_errors = run(clients, work)
                    if big:
                        stop.set()
                        watcher.join()
                        imports.append(big)
                    slot[0] += 1
                    rates[kind, n].append(done / seconds)
                    errors += round_errors
                    posts += CLIENTS * REQUESTS
                    print(f"round {r + 1}, {n} app process(es), {kind}: {done / seconds:.0f} req/s")

        from django.db.models import Count

        from lms.models import CheckIn

        rows = CheckIn.objects.filter(person__user__username__startswith="bench_phone")
        twice = rows.values("session", "person").annotate(n=Count("pk")).filter(n__gt=1).count()
        count = rows.count()
        ok = True
        print(f"check-in rows: {count} for {posts} posts, written twice: {twice}")
        ok &= count == posts and twice == 0
        for kind in KINDS:
            one, two = max(rates[kind, 1]), max(rates[kind, 2])
            ratio = two / one
            ok &= ratio >= GOAL
            print(
                f"scale_out {kind}: 1 process {one:.0f} req/s, 2 processes {two:.0f} req/s, "
                f"ratio {ratio:.2f} (goal >= {GOAL})"
            )
        for big in imports:  # every import finishes, with all its people written
            while not big.poll():
                time.sleep(0.5)
        from talent.models import Person

        imported = Person.objects.filter(staff_no__regex=r"^S[0-9]{2}[0-9]{5}$").count()
        print(
            f"background imports: {len(imports)} × {IMPORT_ROWS} rows, {imported} people written, "
            f"each done in {min(b.seconds for b in imports):.0f}–"
            f"{max(b.seconds for b in imports):.0f} s"
        )
        ok &= imported == len(imports) * IMPORT_ROWS
        print(f"scale_out errors: {len(errors)} (goal 0) {errors[:3]}")
        ok &= not errors
        return 0 if ok else 1
    finally:
        prod("down")
        subprocess.run(["rm", "-rf", str(PROD_DIR)], check=False)


if __name__ == "__main__":
    sys.exit(main())
