"""The production smoke test, run by ``make prod-smoke`` on a stack that
``deploy/prod.sh up`` started (deploy/smoke.sh starts and stops it).

Through nginx: a phone checks in, HR opens a report, a learner downloads their
evidence photo (X-Accel-Redirect after Django's check) and another is refused
with 404. Then a django-q2 worker is killed with SIGKILL in the middle of a
long job: the job is delivered again and its effect happens exactly once.
Last, a backup is taken, the database and files are wiped, the backup is
restored, and every row of every table and every file is found again.

Reads the stack's environment from PROD_DIR/env. Exits non-zero on the first
failure, saying which step failed.
"""

from __future__ import annotations

import datetime
import hashlib
import http.client
import io
import os
import re
import shutil
import signal
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROD_DIR = Path(os.environ.get("PROD_DIR", ROOT / "var" / "prod"))
NGINX_PORT = int(os.environ.get("NGINX_PORT", "18180"))

for line in (PROD_DIR / "env").read_text().splitlines():
    if line and not line.startswith("#") and "=" in line:
        key, value = line.split("=", 1)
        os.environ[key] = value
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

STEPS: list[str] = []


def step(name: str) -> None:
    STEPS.append(name)
    print(f"-- {name}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"prod-smoke FAILED at '{STEPS[-1]}': {message}")


def get(path: str, cookie: str = "", method: str = "GET", body: str | None = None):
    """One request to nginx. Cookies are sent by hand: the session cookie is
    Secure (production settings) and this stack speaks HTTP on loopback."""
    conn = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=60)
    headers = {"Host": f"127.0.0.1:{NGINX_PORT}"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def build():
    """People, a session, a practice log with its photo (in-process, through
    the services and the test factories the suite uses)."""
    from lms.models import CheckInSession, SessionKind
    from lms.services.practice import log_practice
    from talent.models import Role, UnitKind
    from talent.services.access import grant_role
    from tests.factories import PersonFactory, UserFactory, make_unit
    from tests.lms.factories_practice import MentorshipFactory

    district = make_unit("九龙坡区", kind=UnitKind.DISTRICT, code="smoke-jlp")
    jl = make_unit("九龙街道", parent=district, kind=UnitKind.SUBDISTRICT, code="smoke-jl")
    panlong = make_unit("盘龙社区", parent=jl, code="smoke-panlong")
    hr = UserFactory(username="smoke_hr")
    grant_role(actor=None, user=hr, role=Role.HR, unit=jl)
    learner = PersonFactory(unit=panlong, name="张盘龙", user=UserFactory(username="smoke_a"))
    other = PersonFactory(unit=panlong, name="李龙泉", user=UserFactory(username="smoke_b"))
    mentorship = MentorshipFactory(
        mentee=learner, mentor=PersonFactory(unit=panlong, user=UserFactory(username="smoke_m"))
    )
    photo = b"\xff\xd8\xff\xe0" + os.urandom(20000) + b"\xff\xd9"
    log = log_practice(
        actor=learner.user,
        date=timezone.localdate() - datetime.timedelta(days=1),
        hours=Decimal("2"),
        activity="独居老人走访",
        mentorship=mentorship,
        photo=ContentFile(photo, name="门口.jpg"),
    )
    start = timezone.now() - datetime.timedelta(minutes=5)
    session = CheckInSession.objects.create(
        kind=SessionKind.CLASS,
        title="冒烟测试课堂",
        owner=hr,
        unit=jl,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
    )
    return {
        "hr": hr,
        "learner": learner,
        "other": other,
        "evidence": log.evidence.get(),
        "photo": photo,
        "session": session,
    }


def check_in(data) -> None:
    from lms.models import CheckIn
    from lms.services.checkin import DEVICE_COOKIE, current_window, ticket_for

    session = data["session"]
    # the ticket a scan yields is bound to the scanning browser and user (issue 14)
    device, user = "smoke-phone-000001", data["learner"].user
    ticket = ticket_for(session, current_window(), device=device, user_id=user.pk)
    url = reverse("lms:checkin_confirm", args=[session.pk, ticket])
    cookie = f"{session_cookie(user)}; {DEVICE_COOKIE}={device}"
    status, headers, body = get(url, cookie)
    check(status == 200, f"confirm page answered {status}")
    csrf = re.search(r"csrftoken=([^;]+)", dict(headers).get("Set-Cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    check(bool(csrf and token), "no CSRF token on the confirm page")
    status, _, body = get(
        url,
        f"{cookie}; csrftoken={csrf.group(1)}",
        "POST",
        f"csrfmiddlewaretoken={token.group(1).decode()}",
    )
    check(status == 200 and "签到成功".encode() in body, f"check-in answered {status}")
    rows = CheckIn.objects.filter(session=session, person=data["learner"]).count()
    check(rows == 1, f"{rows} check-in rows")
    print(f"   checked in through nginx: 1 row for {data['learner'].name}")


def hr_report(data) -> None:
    status, _, body = get(reverse("talent_reports:certification"), session_cookie(data["hr"]))
    check(status == 200 and "持证率".encode() in body, f"HR report answered {status}")
    print(f"   HR certification report: {status}, {len(body)} bytes")


def private_files(data) -> None:
    url = reverse("lms:evidence_photo", args=[data["evidence"].pk])
    owner = session_cookie(data["learner"].user)
    status, headers, body = get(url, owner)
    check(status == 200, f"owner got {status}")
    check(body == data["photo"], "owner got other bytes than the photo")
    check("X-Accel-Redirect" not in dict(headers), "nginx leaked X-Accel-Redirect")
    # gunicorn itself answers with the header only: the bytes come from nginx
    upstream = http.client.HTTPConnection("127.0.0.1", int(os.environ["GUNICORN_PORT"]))
    upstream.request("GET", url, headers={"Host": "127.0.0.1", "Cookie": owner})
    answer = upstream.getresponse()
    accel = answer.getheader("X-Accel-Redirect", "")
    upstream.close()  # without reading: the body is nginx's to send
    check(accel.startswith("/protected/"), f"gunicorn answered {accel!r}")
    status, _, _ = get(url, session_cookie(data["other"].user))
    check(status == 404, f"another learner got {status}")
    status, _, _ = get(url)
    check(status == 404, f"anonymous got {status}")
    stored = data["evidence"].photo.name
    status, _, _ = get(f"/protected/{stored}")
    check(status == 404, f"the internal location answered {status} to a direct request")
    print(f"   owner 200 ({len(body)} bytes, X-Accel-Redirect); other, anonymous, direct: 404")


def worker_kill(data) -> None:
    from django.core.cache import cache
    from django_q.tasks import async_task

    from cms.models import TaskReceipt
    from talent.models import Notification

    key, title = "smoke-kill-1", "冒烟测试：任务只执行一次"
    cache.delete(f"smoke-probe:{title}")
    async_task(
        "cms.tasks.run_once",
        key=key,
        job="cms.tasks.smoke_probe",
        username=data["hr"].username,
        title=title,
        seconds=6,
    )
    pid = None
    for _ in range(300):
        pid = cache.get(f"smoke-probe:{title}")
        if pid:
            break
        time.sleep(0.1)
    check(bool(pid), "no worker picked the job up within 30 s")
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    print(f"   worker {pid} killed with SIGKILL mid-job")
    cache.delete(f"smoke-probe:{title}")
    retry = int(os.environ["Q_RETRY"])
    for _ in range((retry + 40) * 5):
        if Notification.objects.filter(title=title).exists():
            break
        time.sleep(0.2)
    took = time.monotonic() - killed_at
    check(Notification.objects.filter(title=title).exists(), "the job was not delivered again")
    again = cache.get(f"smoke-probe:{title}")
    check(again and again != pid, "the redelivery did not run in another worker")
    # One more lease period: the acknowledged job must not come back.
    time.sleep(retry + 3)
    notes = Notification.objects.filter(title=title).count()
    receipts = TaskReceipt.objects.filter(key=key).count()
    check(notes == 1 and receipts == 1, f"{notes} notifications, {receipts} receipts")
    print(f"   redelivered to worker {again} after {took:.1f} s; effect once (1 notice, 1 receipt)")


def inventory() -> dict:
    """Every table's row count and a digest of its rows, and every file."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(
                f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)), count(*)"
                f' FROM "{table}" t'
            )
            tables[table] = cursor.fetchone()
    from django.conf import settings

    files = {}
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"tables": tables, "files": files}


def backup_restore(data) -> None:
    from django.conf import settings

    from cms.models import TaskReceipt

    out = io.StringIO()
    call_command("backup", stdout=out)
    before = inventory()
    rows = sum(count for _, count in before["tables"].values())
    check(len(before["files"]) >= 1, "no files to back up")
    # wipe: every row (flush) and every file
    call_command("flush", interactive=False, verbosity=0)
    TaskReceipt.objects.all().delete()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        shutil.rmtree(root, ignore_errors=True)
    wiped = inventory()
    check(wiped["files"] == {} and wiped["tables"] != before["tables"], "the wipe left data")
    call_command("restore", stdout=out)
    after = inventory()
    missing = [t for t in before["tables"] if before["tables"][t] != after["tables"].get(t)]
    check(not missing, f"tables differ after restore: {missing[:5]}")
    check(after["files"] == before["files"], "files differ after restore")
    # and the restored stack still serves the file to its owner
    url = reverse("lms:evidence_photo", args=[data["evidence"].pk])
    status, _, body = get(url, session_cookie(data["learner"].user))
    check(status == 200 and body == data["photo"], f"after restore the owner got {status}")
    print(
        f"   backup -> wipe -> restore: {len(after['tables'])} tables, {rows} rows, "
        f"{len(after['files'])} files identical"
    )


def main() -> int:
    began = time.monotonic()
    step("health")
    check(get("/healthz")[0] == 200, "nginx -> gunicorn /healthz")
    status, _, _ = get("/static/" + next(iter(_manifest())))
    check(status == 200, f"a collected static file answered {status}")
    step("data")
    data = build()
    step("check-in through nginx")
    check_in(data)
    step("HR report")
    hr_report(data)
    step("private files")
    private_files(data)
    step("worker killed mid-job")
    worker_kill(data)
    step("backup, wipe, restore")
    backup_restore(data)
    print(f"prod-smoke: all steps passed in {time.monotonic() - began:.0f} s")
    return 0


def _manifest():
    import json

    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    return json.loads(manifest.read_text())["paths"].values()


if __name__ == "__main__":
    sys.exit(main())
