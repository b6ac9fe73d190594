"""Evidence photos and case attachments are records: unguessable names, served
only to those who may see the record, by nginx in production.

The rule for every refusal is 404, the same answer as an unknown id, for the
anonymous visitor too: a file URL must not tell a prober that a record exists
(a 403 would, and a login redirect would tell an anonymous one the same).
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from lms.models import PracticeEvidence
from lms.services.cases import submit_case
from lms.services.practice import log_practice
from talent.models import Role
from talent.services.access import grant_role
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import MentorshipFactory

pytestmark = pytest.mark.django_db

TEXT = "服务对象为独居老人，行动不便，我在两次入户走访后完成了需求评估并链接了助餐服务。"


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: DateTimeOriginal with its offset, and GPS."""
    exif = Image.Exif()
    exif[306] = "2026:11:21 09:00:00"
    exif.get_ifd(0x8769).update({36867: "2026:11:20 15:42:10", 36881: "+08:00"})
    exif.get_ifd(0x8825).update(
        {
            1: "N",
            2: (IFDRational(29), IFDRational(30), IFDRational(3600, 100)),
            3: "E",
            4: (IFDRational(106), IFDRational(27), IFDRational(0)),
        }
    )
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def evidence(mentoring, private_media):
    """A photo logged by 学员0 (盘龙社区, 九龙街道) under 周导师's mentorship."""
    mentee = mentoring["mentees"][0]
    photo = phone_photo()
    log = log_practice(
        actor=mentee.user,
        date=timezone.localdate() - datetime.timedelta(days=1),
        hours=Decimal("2"),
        activity="独居老人走访",
        mentorship=mentoring["mentorships"][0],
        photo=SimpleUploadedFile("张三家门口.jpg", photo, content_type="image/jpeg"),
        place="盘龙社区 3 栋",
    )
    return {"item": log.evidence.get(), "bytes": photo, "owner": mentee}


@pytest.fixture
def viewers(district, mentoring, user_with_role):
    return {
        "owner": mentoring["mentees"][0].user,
        "mentor": mentoring["mentor_user"],
        "hr_jl": user_with_role(Role.HR, district["jl"], "hr_jl"),
        "hr_panlong": user_with_role(Role.HR, district["panlong"], "hr_panlong"),
        "organiser_jl": user_with_role(Role.ORGANISER, district["jl"], "org_jl"),
        "district_admin": user_with_role(Role.DISTRICT_ADMIN, district["district"], "admin_d"),
        # refused
        "another_learner": mentoring["mentees"][1].user,
        "outsider_learner": mentoring["outsider"].user,
        "other_mentor": mentoring["other_mentor_user"],
        "hr_yjp": user_with_role(Role.HR, district["yjp"], "hr_yjp"),
        "hr_longquan": user_with_role(Role.HR, district["longquan"], "hr_longquan"),
        "organiser_yjp": user_with_role(Role.ORGANISER, district["yjp"], "org_yjp"),
        "partner_swu": user_with_role(Role.PARTNER, district["swu"], "partner_swu"),
        "no_role": UserFactory(username="plain"),
    }


ALLOWED = ["owner", "mentor", "hr_jl", "hr_panlong", "organiser_jl", "district_admin"]
REFUSED = [
    "another_learner",
    "outsider_learner",
    "other_mentor",
    "hr_yjp",
    "hr_longquan",
    "organiser_yjp",
    "partner_swu",
    "no_role",
]


def get_as(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_without_request_echo(response) -> str:
    """The 404 page minus what differs per request anyway: the masked CSRF
    token and the requested path echoed in the language switcher."""
    text = body(response).decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)
    return text.replace(response.wsgi_request.path, "PATH")


def test_photo_is_stored_under_an_unguessable_name_outside_media(evidence, private_media):
    item = evidence["item"]
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.jpg", item.photo.name)
    assert str(evidence["owner"].pk) not in item.photo.name.split("/")[0]
    assert (private_media / item.photo.name).read_bytes() == evidence["bytes"]
    assert not (private_media.parent / "media").exists()


def test_photo_time_and_place_are_kept_for_the_mentor(client, evidence, mentoring):
    item = evidence["item"]
    assert item.taken_at == datetime.datetime(
        2026, 11, 20, 7, 42, 10, tzinfo=datetime.UTC
    )  # DateTimeOriginal at +08:00, not the later DateTime
    assert (item.latitude, item.longitude) == (Decimal("29.51"), Decimal("106.45"))
    client.force_login(mentoring["mentor_user"])
    page = client.get(reverse("lms:mentor_home")).content.decode()
    assert "拍摄于 2026-11-20 15:42" in page
    assert "定位 29.51000, 106.45000" in page
    assert reverse("lms:evidence_photo", args=[item.pk]) in page
    assert item.photo.name not in page


@pytest.mark.parametrize("who", ALLOWED)
def test_those_who_may_see_the_log_get_the_photo(client, evidence, viewers, who):
    response = get_as(
        client, viewers[who], reverse("lms:evidence_photo", args=[evidence["item"].pk])
    )
    assert response.status_code == 200
    assert body(response) == evidence["bytes"]
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", [*REFUSED, "anonymous"])
def test_everyone_else_gets_the_same_404_as_an_unknown_photo(client, evidence, viewers, who):
    user = viewers.get(who)
    url = reverse("lms:evidence_photo", args=[evidence["item"].pk])
    unknown = get_as(client, user, reverse("lms:evidence_photo", args=[evidence["item"].pk + 999]))
    response = get_as(client, user, url)
    assert response.status_code == 404
    assert unknown.status_code == 404
    assert page_without_request_echo(response) == page_without_request_echo(unknown)
    assert "Content-Disposition" not in response
    assert "X-Accel-Redirect" not in response


def test_partner_sees_own_students_photos_only(client, district, mentoring, viewers, private_media):
    user = UserFactory(username="intern1")
    student = PersonFactory(unit=district["swu"], name="赵实习", kind="intern", user=user)
    mentorship = MentorshipFactory(mentor=mentoring["mentor"], mentee=student)
    log = log_practice(
        actor=user,
        date=timezone.localdate(),
        hours=Decimal("3"),
        activity="实习",
        mentorship=mentorship,
        photo=SimpleUploadedFile("a.png", phone_photo(), content_type="image/jpeg"),
    )
    url = reverse("lms:evidence_photo", args=[log.evidence.get().pk])
    assert get_as(client, viewers["partner_swu"], url).status_code == 200
    other_partner = UserFactory(username="partner_cqcm")
    grant_role(actor=None, user=other_partner, role=Role.PARTNER, unit=district["cqcm"])
    assert get_as(client, other_partner, url).status_code == 404
    assert get_as(client, viewers["hr_jl"], url).status_code == 404  # a university is no 街道's


def test_media_url_does_not_reach_the_photo(client, evidence, settings):
    name = evidence["item"].photo.name
    assert client.get(settings.MEDIA_URL + name).status_code == 404
    assert client.get(settings.SENDFILE_URL + name).status_code == 404


def test_production_hands_the_bytes_to_nginx_after_the_check(client, evidence, viewers, settings):
    from django_sendfile.utils import _get_sendfile

    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()
    url = reverse("lms:evidence_photo", args=[evidence["item"].pk])
    response = get_as(client, viewers["mentor"], url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected/" + evidence["item"].photo.name
    assert response.content == b""
    refused = get_as(client, viewers["hr_yjp"], url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_the_stored_photo_keeps_its_exif_for_those_allowed(evidence, private_media):
    """The stored file is the phone's own: the time and GPS stay in it for
    those who may open it."""
    with Image.open(private_media / evidence["item"].photo.name) as image:
        assert image.getexif().get_ifd(0x8825)[1] == "N"


# Case submission attachments -------------------------------------------------


@pytest.fixture
def attachment(cohort, learner_user, learner, programme, private_media):
    data = b"%PDF-1.4 case notes"
    submission = submit_case(
        actor=learner_user,
        person=learner,
        task=programme["task"],
        text=TEXT,
        attachment=SimpleUploadedFile("入户评估-张盘龙.pdf", data, content_type="application/pdf"),
    )
    return {"submission": submission, "bytes": data}


def test_attachment_is_stored_under_an_unguessable_name(attachment, private_media):
    submission = attachment["submission"]
    assert re.fullmatch(r"case-submissions/[0-9a-f]{32}\.pdf", submission.attachment.name)
    assert submission.attachment_name == "入户评估-张盘龙.pdf"
    assert (private_media / submission.attachment.name).read_bytes() == attachment["bytes"]


@pytest.mark.parametrize("who", ["learner", "mentor", "organiser", "hr_jl"])
def test_attachment_goes_to_the_author_mentor_and_scope(
    client, attachment, learner_user, mentor_user, organiser, jl_hr, who
):
    user = {"learner": learner_user, "mentor": mentor_user, "organiser": organiser}.get(who, jl_hr)
    url = reverse("lms:submission_attachment", args=[attachment["submission"].pk])
    response = get_as(client, user, url)
    assert response.status_code == 200
    assert body(response) == attachment["bytes"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["other_learner", "stranger_mentor", "yjp_organiser", "anonymous"])
def test_attachment_refusals_look_like_an_unknown_submission(client, attachment, request, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    if who == "other_learner":
        user = user.user
    pk = attachment["submission"].pk
    response = get_as(client, user, reverse("lms:submission_attachment", args=[pk]))
    unknown = get_as(client, user, reverse("lms:submission_attachment", args=[pk + 999]))
    assert response.status_code == unknown.status_code == 404
    assert page_without_request_echo(response) == page_without_request_echo(unknown)
    assert "Content-Disposition" not in response


def test_learner_and_mentor_pages_link_to_the_checked_view(
    client, attachment, learner_user, mentor_user, programme
):
    submission = attachment["submission"]
    url = reverse("lms:submission_attachment", args=[submission.pk])
    client.force_login(learner_user)
    page = client.get(reverse("lms:case_task", args=[programme["task"].pk])).content.decode()
    assert url in page and submission.attachment.name not in page
    client.force_login(mentor_user)
    page = client.get(reverse("lms:review_submission", args=[submission.pk])).content.decode()
    assert url in page


def test_old_files_move_into_private_storage(evidence, private_media, settings):
    """The migration's mover: a file left under MEDIA_ROOT by the previous
    release is moved to a random private name."""
    import importlib

    from django.apps import apps

    item = evidence["item"]
    old_name = f"practice/{evidence['owner'].pk}/visit.jpg"
    media = private_media.parent / "media"
    (media / "practice" / str(evidence["owner"].pk)).mkdir(parents=True)
    (media / old_name).write_bytes(b"old photo")
    PracticeEvidence.objects.filter(pk=item.pk).update(photo=old_name)
    migration = importlib.import_module("lms.migrations.0009_private_evidence_files")
    migration.move_to_private(apps, None)
    item.refresh_from_db()
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.jpg", item.photo.name)
    assert (private_media / item.photo.name).read_bytes() == b"old photo"
    assert not (media / old_name).exists()
