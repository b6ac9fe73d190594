import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lms.services.practice import create_mentorship
from talent.models import Role
from tests.assertions import assert_admin_refused, assert_sent_to_login
from tests.lms.factories_practice import PracticeLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(mentoring):
    inside = PracticeLogFactory(mentorship=mentoring["mentorships"][0], activity="盘龙走访")
    outsider_mentorship = mentoring["outsider"].mentorships.get()
    outside = PracticeLogFactory(mentorship=outsider_mentorship, activity="西郊走访")
    return inside, outside


def test_hr_lists_and_exports_only_logs_in_scope(client, jl_hr, logs):
    client.force_login(jl_hr)
    page = client.get("/admin/lms/practice-logs/").content.decode()
    assert "盘龙走访" in page and "西郊走访" not in page
    export = client.get("/admin/lms/practice-logs/?export=csv")
    body = b"".join(export.streaming_content).decode()
    assert "盘龙走访" in body and "西郊走访" not in body


def test_typed_url_to_a_log_outside_scope_is_404(client, jl_hr, logs):
    inside, outside = logs
    client.force_login(jl_hr)
    assert client.get(f"/admin/lms/practice-logs/inspect/{inside.pk}/").status_code == 200
    assert client.get(f"/admin/lms/practice-logs/inspect/{outside.pk}/").status_code == 404


def test_practice_logs_are_read_only_in_the_admin(client, jl_hr, logs, admin_user):
    for user in (jl_hr, admin_user):
        client.force_login(user)
        response = client.get(f"/admin/lms/practice-logs/edit/{logs[0].pk}/")
        assert_admin_refused(response)


def test_hr_creates_mentorships_only_in_scope(jl_hr, mentoring, district):
    from tests.factories import PersonFactory

    mentor = mentoring["mentor"]
    inside = PersonFactory(unit=district["panlong"])
    created = create_mentorship(
        actor=jl_hr, mentor=mentor, mentee=inside, started_on=timezone.localdate()
    )
    assert created.pk
    with pytest.raises(PermissionDenied):
        create_mentorship(
            actor=jl_hr,
            mentor=mentor,
            mentee=mentoring["outsider"],
            started_on=timezone.localdate(),
        )


def test_organiser_sees_salons_of_own_centre_only(client, centre, district, user_with_role):
    from lms.services.salons import draft_next_salon
    from talent.models import UnitKind
    from tests.factories import make_unit

    other_centre = make_unit("杨家坪社工中心", parent=district["yjp"], kind=UnitKind.CENTRE)
    mine, _ = draft_next_salon(centre=centre["centre"])
    theirs, _ = draft_next_salon(centre=other_centre)
    theirs.title = "杨家坪沙龙"
    theirs.save()
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    client.force_login(organiser)
    page = client.get("/admin/lms/salons/").content.decode()
    assert mine.title in page and "杨家坪沙龙" not in page
    assert client.get(f"/admin/lms/salons/edit/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/lms/salons/edit/{mine.pk}/").status_code == 200


def test_learner_cannot_open_the_practice_admin(client, mentoring):
    client.force_login(mentoring["mentees"][0].user)
    assert_sent_to_login(client.get("/admin/lms/practice-logs/"), "/admin/login/")


def test_me_page_links_practice_and_mentor_pages(client, mentoring):
    client.force_login(mentoring["mentor_user"])
    page = client.get("/me/").content.decode()
    assert "/learn/practice/" in page and "/learn/mentor/" in page
    client.force_login(mentoring["mentees"][0].user)
    page = client.get("/me/").content.decode()
    assert "/learn/practice/" in page and "/learn/mentor/" not in page


def test_organiser_publishes_a_drafted_salon_from_the_admin(
    client, centre, district, user_with_role
):
    from lms.models import SalonStatus
    from lms.services.salons import draft_next_salon

    salon, _ = draft_next_salon(centre=centre["centre"])
    outsider = user_with_role(Role.ORGANISER, district["yjp"])
    client.force_login(outsider)
    assert client.post(f"/admin/lms/salons/publish/{salon.pk}/").status_code == 404
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    client.force_login(organiser)
    edit = client.get(f"/admin/lms/salons/edit/{salon.pk}/").content.decode()
    assert f"/admin/lms/salons/publish/{salon.pk}/" in edit
    assert "发布并开启签到" in client.get(f"/admin/lms/salons/publish/{salon.pk}/").content.decode()
    response = client.post(f"/admin/lms/salons/publish/{salon.pk}/")
    assert response.status_code == 302
    salon.refresh_from_db()
    assert salon.status == SalonStatus.PUBLISHED
    assert salon.check_in_session.owner == organiser
