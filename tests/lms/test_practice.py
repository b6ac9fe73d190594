import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms.models import LogStatus, PracticeLog, SignedLogError, SignMethod
from lms.selectors.practice import signed_mentor_hours
from lms.services import practice as services
from talent.models import CEHourEntry, Role
from tests.factories import PersonFactory
from tests.lms.factories_practice import MentorshipFactory, PracticeLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(mentoring):
    return [PracticeLogFactory(mentorship=m) for m in mentoring["mentorships"]]


def test_learner_logs_own_hours_as_pending(mentoring):
    mentee = mentoring["mentees"][0]
    log = services.log_practice(
        actor=mentee.user,
        date=timezone.localdate(),
        hours=Decimal("2.5"),
        activity="社区议事会",
        mentorship=mentoring["mentorships"][0],
    )
    assert log.status == LogStatus.PENDING
    assert log.person == mentee


def test_learner_cannot_log_under_someone_elses_mentorship(mentoring):
    with pytest.raises(PermissionDenied):
        services.log_practice(
            actor=mentoring["mentees"][0].user,
            date=timezone.localdate(),
            hours=Decimal(2),
            activity="x",
            mentorship=mentoring["mentorships"][1],
        )


def test_hours_must_fit_in_a_day(mentoring):
    with pytest.raises(ValidationError):
        services.log_practice(
            actor=mentoring["mentees"][0].user,
            date=timezone.localdate(),
            hours=Decimal(25),
            activity="x",
            mentorship=mentoring["mentorships"][0],
        )


def test_mentor_bulk_signs_own_mentees_logs(mentoring, pending):
    signed = services.sign_off(actor=mentoring["mentor_user"], log_ids=[p.pk for p in pending])
    assert {log.status for log in signed} == {LogStatus.SIGNED}
    assert all(log.sign_method == SignMethod.MANUAL for log in signed)
    for log in pending:
        assert log.person.user.notifications.filter(title__contains="已签核").count() == 1
        assert CEHourEntry.objects.get(
            person=log.person, source="mentoring", source_ref=f"practice_log:{log.pk}"
        ).hours == Decimal("2.0")
        assert ModelLogEntry.objects.filter(action="lms.practice.sign", object_id=log.pk).exists()


def test_other_mentor_cannot_sign_and_nothing_changes(mentoring, pending):
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=mentoring["other_mentor_user"], log_ids=[pending[0].pk])
    # one foreign log in a bulk request refuses the whole request
    unit = mentoring["outsider"].unit
    foreign = PracticeLogFactory(
        mentorship=MentorshipFactory(
            mentor=PersonFactory(unit=unit), mentee=PersonFactory(unit=unit)
        )
    )
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=mentoring["mentor_user"], log_ids=[pending[0].pk, foreign.pk])
    assert PracticeLog.objects.filter(status=LogStatus.SIGNED).count() == 0


def test_reject_needs_a_reason_and_tells_the_mentee(mentoring, pending):
    with pytest.raises(ValidationError):
        services.reject(actor=mentoring["mentor_user"], log_ids=[pending[0].pk], reason="  ")
    services.reject(actor=mentoring["mentor_user"], log_ids=[pending[0].pk], reason="请补充照片")
    pending[0].refresh_from_db()
    assert pending[0].status == LogStatus.REJECTED
    assert pending[0].reject_reason == "请补充照片"
    note = pending[0].person.user.notifications.get()
    assert "退回" in note.title and note.body == "请补充照片"


def test_signed_log_cannot_be_edited_or_deleted(mentoring, pending):
    services.sign_off(actor=mentoring["mentor_user"], log_ids=[pending[0].pk])
    log = PracticeLog.objects.get(pk=pending[0].pk)
    log.hours = Decimal(8)
    with pytest.raises(SignedLogError):
        log.save()
    with pytest.raises(SignedLogError):
        PracticeLog.objects.get(pk=log.pk).delete()
    with pytest.raises(ValidationError):
        services.sign_off(actor=mentoring["mentor_user"], log_ids=[log.pk])
    assert PracticeLog.objects.get(pk=log.pk).hours == Decimal("2.0")


def test_correction_is_audited_with_reason(mentoring, pending):
    services.sign_off(actor=mentoring["mentor_user"], log_ids=[pending[0].pk])
    with pytest.raises(ValidationError):
        services.correct_log(actor=mentoring["mentor_user"], log=pending[0], reason="", hours=3)
    corrected = services.correct_log(
        actor=mentoring["mentor_user"], log=pending[0], reason="签到时长记错", hours=Decimal(3)
    )
    assert corrected.hours == Decimal(3)
    entry = ModelLogEntry.objects.get(action="lms.practice.correct", object_id=pending[0].pk)
    assert entry.data["reason"] == "签到时长记错"
    assert entry.data["before"] == {"hours": "2.0"}
    assert entry.data["after"] == {"hours": "3"}


def test_hr_outside_scope_cannot_correct(mentoring, pending, district, user_with_role):
    services.sign_off(actor=mentoring["mentor_user"], log_ids=[pending[0].pk])
    yjp_hr = user_with_role(Role.HR, district["yjp"])
    with pytest.raises(PermissionDenied):
        services.correct_log(actor=yjp_hr, log=pending[0], reason="x", hours=Decimal(1))
    jl_hr = user_with_role(Role.HR, district["jl"])
    services.correct_log(actor=jl_hr, log=pending[0], reason="核对原始签到表", hours=Decimal(1))


def test_mentor_scans_mentee_qr_to_sign_one_log(client, mentoring, pending):
    mentee = mentoring["mentees"][0]
    client.force_login(mentee.user)
    page = client.get(reverse("lms:log_qr", args=[pending[0].pk]))
    assert "<svg" in page.content.decode()
    scan_url = page.context["scan_url"]
    client.force_login(mentoring["mentor_user"])
    assert "签核这条学时" in client.get(scan_url).content.decode()
    response = client.post(scan_url)
    assert response.status_code == 302
    pending[0].refresh_from_db()
    assert pending[0].status == LogStatus.SIGNED
    assert pending[0].sign_method == SignMethod.QR
    assert PracticeLog.objects.get(pk=pending[1].pk).status == LogStatus.PENDING


def test_other_mentor_scanning_the_qr_is_refused(client, mentoring, pending):
    token = services.log_qr_token(actor=mentoring["mentees"][0].user, log=pending[0])
    client.force_login(mentoring["other_mentor_user"])
    response = client.post(reverse("lms:scan_log", args=[token]))
    assert response.status_code == 403
    assert "只能签核自己学员的学时" in response.content.decode()
    assert PracticeLog.objects.get(pk=pending[0].pk).status == LogStatus.PENDING


def test_a_learner_cannot_show_someone_elses_log_qr(client, mentoring, pending):
    client.force_login(mentoring["mentees"][1].user)
    assert client.get(reverse("lms:log_qr", args=[pending[0].pk])).status_code == 404


def test_forged_log_qr_is_refused(client, mentoring):
    client.force_login(mentoring["mentor_user"])
    response = client.get(reverse("lms:scan_log", args=["not-a-token"]))
    assert response.status_code == 400


def test_mentor_bulk_form(client, mentoring, pending):
    client.force_login(mentoring["mentor_user"])
    ids = [str(p.pk) for p in pending]
    client.post(reverse("lms:mentor_decide"), {"log": ids[:1], "action": "reject", "reason": ""})
    assert PracticeLog.objects.filter(status=LogStatus.PENDING).count() == 2
    client.post(reverse("lms:mentor_decide"), {"log": ids, "action": "sign"})
    assert PracticeLog.objects.filter(status=LogStatus.SIGNED).count() == 2


def test_signed_mentor_hours_counts_signed_mentoring_hours_only(mentoring, pending):
    a, b = mentoring["mentees"]
    services.sign_off(actor=mentoring["mentor_user"], log_ids=[pending[0].pk])
    old = PracticeLogFactory(
        mentorship=mentoring["mentorships"][0],
        date=timezone.localdate() - datetime.timedelta(days=400),
        status=LogStatus.SIGNED,
        signed_by=mentoring["mentor_user"],
        signed_at=timezone.now(),
        sign_method=SignMethod.MANUAL,
    )
    PracticeLogFactory(mentorship=None, person=a, status=LogStatus.PENDING)
    loner = PersonFactory(unit=a.unit)
    totals = signed_mentor_hours([a.pk, b.pk, loner.pk])
    assert totals == {a.pk: Decimal("2.0") + old.hours, b.pk: Decimal(0), loner.pk: Decimal(0)}
    recent = signed_mentor_hours([a.pk], start=timezone.localdate() - datetime.timedelta(days=30))
    assert recent == {a.pk: Decimal("2.0")}


def test_signed_mentor_hours_is_one_query(mentoring, django_assert_num_queries):
    ids = [m.pk for m in mentoring["mentees"]]
    with django_assert_num_queries(1):
        signed_mentor_hours(ids)


def test_mentor_home_queries_do_not_grow(client, mentoring, django_assert_max_num_queries):
    client.force_login(mentoring["mentor_user"])
    counts = []
    for extra in (1, 40):
        for _ in range(extra):
            mentee = PersonFactory(unit=mentoring["mentees"][0].unit)
            PracticeLogFactory(
                mentorship=MentorshipFactory(mentor=mentoring["mentor"], mentee=mentee)
            )
        with django_assert_max_num_queries(12) as captured:
            assert client.get(reverse("lms:mentor_home")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_my_practice_page_queries_do_not_grow(client, mentoring, django_assert_max_num_queries):
    mentee = mentoring["mentees"][0]
    client.force_login(mentee.user)
    counts = []
    for extra in (1, 40):
        PracticeLogFactory.create_batch(extra, mentorship=mentoring["mentorships"][0])
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse("lms:my_practice"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert "出示二维码给导师签核" in response.content.decode()


def test_learner_logs_hours_with_a_photo_and_its_exif_time(client, mentoring, private_media):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[306] = "2026:11:20 15:42:10"
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("visit.jpg", buffer.getvalue(), content_type="image/jpeg")
    mentee = mentoring["mentees"][0]
    client.force_login(mentee.user)
    response = client.post(
        reverse("lms:my_practice"),
        {
            "mentorship": mentoring["mentorships"][0].pk,
            "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "hours": "2",
            "activity": "独居老人走访",
            "photo": photo,
            "place": "盘龙社区 3 栋",
        },
    )
    assert response.status_code == 302
    evidence = PracticeLog.objects.get(person=mentee).evidence.get()
    assert evidence.place == "盘龙社区 3 栋"
    assert timezone.localtime(evidence.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 15:42"
    client.force_login(mentoring["mentor_user"])
    assert "佐证照片" in client.get(reverse("lms:mentor_home")).content.decode()


def test_a_non_image_upload_is_refused(client, mentoring):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(mentoring["mentees"][0].user)
    response = client.post(
        reverse("lms:my_practice"),
        {
            "mentorship": mentoring["mentorships"][0].pk,
            "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "hours": "2",
            "activity": "走访",
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert not PracticeLog.objects.filter(person=mentoring["mentees"][0]).exists()
