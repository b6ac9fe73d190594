import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from lms.models import LogStatus, PracticeLog, SignMethod
from talent.models import Placement
from talent.services import placements as svc
from tests.assertions import assert_sent_to_login
from tests.factories import PersonFactory, UserFactory

SPRING = (datetime.date(2026, 3, 2), datetime.date(2026, 6, 26))


@pytest.fixture
def active(bases, students):
    """Two running placements of 西南大学 students and one of 城管学院, with
    signed shift logs."""
    cqcm_student = PersonFactory(unit=bases["cqcm"].unit, kind="intern", name="钱城管")
    made = []
    for person, base, partner in [
        (students[0], "panlong", "swu_partner"),
        (students[1], "panlong", "swu_partner"),
        (cqcm_student, "cqcm_panlong", "cqcm_partner"),
    ]:
        p = svc.propose_placement(
            actor=bases[partner],
            person=person,
            base=bases[base],
            start=SPRING[0],
            end=SPRING[1],
            required_hours=120,
        )
        svc.approve_placement(actor=bases["coordinator"], placement=p)
        made.append(svc.start_placement(actor=bases["coordinator"], placement=p))
    signer = UserFactory(username="shift_owner")
    for p, hours in zip(made, ["4", "3.5", "6"], strict=True):
        for day in (3, 5, 10):
            PracticeLog.objects.create(
                person=p.person,
                placement=p,
                date=datetime.date(2026, 3, day),
                hours=Decimal(hours),
                activity="社区走访",
                status=LogStatus.SIGNED,
                signed_by=signer,
                sign_method=SignMethod.SESSION,
                signed_at=timezone.now(),
            )
    # a pending log never counts
    PracticeLog.objects.create(
        person=made[0].person,
        placement=made[0],
        date=datetime.date(2026, 3, 12),
        hours=8,
        activity="待签核",
    )
    return made


def partner_client(client, bases, who="swu_partner"):
    client.force_login(bases[who])
    return client


def test_partner_sees_only_own_students_placements(client, bases, active):
    page = partner_client(client, bases).get("/partner/placements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert active[0].person.name in html and active[1].person.name in html
    assert "钱城管" not in html
    assert "12 / 120" in html, html[html.find("progress") : html.find("progress") + 400]


@pytest.mark.parametrize(
    "url",
    [
        "/partner/placements/{other}/",
        "/partner/students/{other_person}/",
        "/partner/transcript.xlsx?person={other_person}",
    ],
)
def test_another_universitys_placement_is_404_by_typed_url(client, bases, active, url):
    other = active[2]
    response = partner_client(client, bases).get(
        url.format(other=other.pk, other_person=other.person_id)
    )
    assert response.status_code == 404


def test_partner_cannot_withdraw_another_universitys_placement(client, bases, active):
    response = partner_client(client, bases).post(
        f"/partner/placements/{active[2].pk}/withdraw/", {"reason": "x"}
    )
    assert response.status_code == 404
    active[2].refresh_from_db()
    assert active[2].status == "active"


@pytest.mark.parametrize("who", ["coordinator", None])
def test_portal_is_403_for_non_partners(client, bases, active, who):
    if who:
        client.force_login(bases[who])
    response = client.get("/partner/placements/")
    if who:
        assert response.status_code == 403
    else:
        assert_sent_to_login(response)


def test_partner_cannot_open_the_admin(client, bases):
    response = partner_client(client, bases).get("/admin/talent/placements/")
    assert_sent_to_login(response, "/admin/login/")


def test_partner_proposes_through_the_portal(client, bases, students):
    c = partner_client(client, bases)
    response = c.post(
        "/partner/placements/new/",
        {
            "person": students[3].pk,
            "base": bases["longquan"].pk,
            "start": "2026-09-07",
            "end": "2026-12-25",
            "required_hours": "100",
        },
    )
    placement = Placement.objects.get(person=students[3])
    assert response.status_code == 302 and placement.status == "proposed"


def test_partner_cannot_propose_for_another_universitys_student_by_post(client, bases, people):
    response = partner_client(client, bases).post(
        "/partner/placements/new/",
        {
            "person": people["cqcm_student"].pk,
            "base": bases["panlong"].pk,
            "start": "2026-09-07",
            "end": "2026-12-25",
            "required_hours": "100",
        },
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Placement.objects.filter(person=people["cqcm_student"]).exists()


def test_transcript_matches_signed_logs(client, bases, active):
    response = partner_client(client, bases).get("/partner/transcript.xlsx?term=2026-spring")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary, detail = book.worksheets
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[8], r[9]) for r in rows] == [
        (active[0].person.name, 120, 12),
        (active[1].person.name, 120, 10.5),
    ]
    details = list(detail.iter_rows(min_row=2, values_only=True))
    assert len(details) == 6
    assert sum(Decimal(str(r[4])) for r in details) == Decimal("22.5")
    assert "钱城管" not in {r[1] for r in details}


def test_partner_submits_the_university_evaluation(client, bases, active):
    c = partner_client(client, bases)
    scores = {"ethics": 5, "skills": 4, "communication": 4, "records": 4, "reflection": 3}
    response = c.post(f"/partner/placements/{active[0].pk}/", {**scores, "comment": "良好"})
    assert response.status_code == 302
    assert active[0].evaluations.get().score == Decimal("80.0")
    page = c.get(f"/partner/placements/{active[0].pk}/").content.decode()
    assert "80.0" in page and "高校评价" in page


def test_placement_list_query_count_does_not_grow(
    client, bases, students, django_assert_max_num_queries
):
    from tests.talent.factories_placements import PlacementFactory

    c = partner_client(client, bases)
    PlacementFactory(person=students[0], base=bases["panlong"])
    with django_assert_max_num_queries(12) as few:
        c.get("/partner/placements/")
    for _i in range(25):
        PlacementFactory(
            person=PersonFactory(unit=bases["swu"].unit, kind="intern"), base=bases["panlong"]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get("/partner/placements/")


def test_transcript_query_count_does_not_grow(client, bases, active, django_assert_max_num_queries):
    c = partner_client(client, bases)
    with django_assert_max_num_queries(12) as few:
        c.get("/partner/transcript.xlsx")
    for _i in range(10):
        person = PersonFactory(unit=bases["swu"].unit, kind="intern")
        p = svc.propose_placement(
            actor=bases["swu_partner"],
            person=person,
            base=bases["longquan"],
            start=datetime.date(2026, 9, 7),
            end=datetime.date(2026, 12, 25),
            required_hours=80,
        )
        Placement.objects.filter(pk=p.pk).update(status="active")
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get("/partner/transcript.xlsx")


def test_coordinator_report_and_export(client, bases, active, django_assert_max_num_queries):
    client.force_login(bases["coordinator"])
    with django_assert_max_num_queries(30):
        page = client.get("/admin/reports/placements/?term=2026-spring")
    html = page.content.decode()
    assert page.status_code == 200 and "盘龙社区实践基地" in html
    response = client.get("/admin/reports/placements/?term=2026-spring&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    usage = {r[0]: (r[4], r[5]) for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert usage["盘龙社区实践基地"] == (2, 2)


def test_coordinator_outside_scope_gets_404_on_decide(client, bases, active):
    client.force_login(bases["yjp_coordinator"])
    assert client.get(f"/admin/talent/placements/{active[0].pk}/decide/").status_code == 404
    assert client.get(f"/admin/talent/placements/inspect/{active[0].pk}/").status_code == 404


def test_coordinator_approves_in_the_admin(client, bases, students):
    p = svc.propose_placement(
        actor=bases["swu_partner"],
        person=students[2],
        base=bases["longquan"],
        start=SPRING[0],
        end=SPRING[1],
        required_hours=100,
    )
    client.force_login(bases["coordinator"])
    response = client.post(f"/admin/talent/placements/{p.pk}/decide/", {"action": "approve"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "approved"


def test_coordinator_names_a_supervisor_through_the_service(client, bases, active, district):
    mentor = PersonFactory(unit=district["panlong"], name="盘龙督导")
    outsider = PersonFactory(unit=district["xijiao"], name="西郊社工")
    client.force_login(bases["coordinator"])
    url = f"/admin/talent/placements/edit/{active[0].pk}/"
    assert client.post(url, {"supervisor": outsider.pk}).status_code == 200  # not a choice
    client.post(url, {"supervisor": mentor.pk})
    active[0].refresh_from_db()
    assert active[0].supervisor == mentor
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="talent.placement.supervisor").exists()


def test_coordinator_report_queries_do_not_grow(
    client, bases, active, students, django_assert_max_num_queries
):
    from tests.talent.factories_placements import PlacementFactory

    client.force_login(bases["coordinator"])
    with django_assert_max_num_queries(40) as few:
        client.get("/admin/reports/placements/?term=2026-spring")
    for _i in range(15):
        PlacementFactory(
            person=PersonFactory(unit=bases["swu"].unit, kind="intern"),
            base=bases["longquan"],
            status="active",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/admin/reports/placements/?term=2026-spring")


def test_a_large_transcript_is_written_in_the_background(
    client, bases, active, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from cms.views import partner
    from talent.models import Notification, SpreadsheetJob

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(partner, "TRANSCRIPT_BACKGROUND_PLACEMENTS", 1)
    c = partner_client(client, bases)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.get("/partner/transcript.xlsx?term=2026-spring")
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and response.url == f"/partner/jobs/{job.token}/"
    assert Notification.objects.filter(recipient=job.owner, url=response.url).exists()
    assert "下载文件" in c.get(response.url).content.decode()
    download = c.get(f"/partner/jobs/{job.token}/download/")
    summary, detail = openpyxl.load_workbook(
        io.BytesIO(b"".join(download.streaming_content))
    ).worksheets
    assert summary.max_row == 1 + 2 and detail.max_row == 1 + 6
    # Another university's partner finds nothing there.
    other = UserFactory(username="someone_else")
    client.force_login(other)
    assert client.get(f"/partner/jobs/{job.token}/download/").status_code == 404
