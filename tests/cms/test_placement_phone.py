"""Trainee and supervisor phone pages: hours, self and mentor evaluations."""

import datetime

import pytest
from django.urls import reverse

from talent.services import placements as svc
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
SCORES = {"ethics": 5, "skills": 4, "communication": 4, "records": 4, "reflection": 4}


@pytest.fixture
def running(bases, students, district):
    student = students[0]
    student.user = UserFactory(username="intern_phone")
    student.save()
    mentor = PersonFactory(unit=district["panlong"], name="盘龙督导", user=UserFactory())
    p = svc.propose_placement(
        actor=bases["swu_partner"],
        person=student,
        base=bases["panlong"],
        start=datetime.date(2026, 3, 2),
        end=datetime.date(2026, 6, 26),
        required_hours=120,
    )
    svc.approve_placement(actor=bases["coordinator"], placement=p, supervisor=mentor)
    return svc.start_placement(actor=bases["coordinator"], placement=p), student, mentor


def test_trainee_sees_own_placement_and_evaluates_self(client, running):
    placement, student, _mentor = running
    client.force_login(student.user)
    page = client.get(reverse("my_placements")).content.decode()
    assert "盘龙社区" in page and "填写本人自评" in page
    url = reverse("evaluate_placement", args=[placement.pk, "self"])
    assert client.post(url, {**SCORES, "comment": "收获很大"}).status_code == 302
    assert placement.evaluations.get().party == "self"
    assert "填写本人自评" not in client.get(reverse("my_placements")).content.decode()


def test_supervisor_evaluates_as_mentor(client, running):
    placement, _student, mentor = running
    client.force_login(mentor.user)
    evaluate = reverse("evaluate_placement", args=[placement.pk, "mentor"])
    assert evaluate in client.get(reverse("my_placements")).content.decode()
    client.post(reverse("evaluate_placement", args=[placement.pk, "mentor"]), SCORES)
    assert placement.evaluations.get().party == "mentor"


@pytest.mark.parametrize("party", ["mentor", "host", "university"])
def test_trainee_cannot_speak_for_another_party(client, running, party):
    placement, student, _mentor = running
    client.force_login(student.user)
    response = client.post(reverse("evaluate_placement", args=[placement.pk, party]), SCORES)
    assert response.status_code == 404
    assert not placement.evaluations.exists()


def test_someone_elses_placement_is_404(client, running, district):
    placement, *_ = running
    stranger = PersonFactory(unit=district["panlong"], user=UserFactory())
    client.force_login(stranger.user)
    for party in ("self", "mentor"):
        url = reverse("evaluate_placement", args=[placement.pk, party])
        assert client.get(url).status_code == 404
