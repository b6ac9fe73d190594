"""Clear refusals instead of server errors (issue 13, finding 6), and no national
ID in clear text in the audit log (finding 7)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.models import CaseSubmission, PracticeLog, Question
from lms.services.cases import review_submission, submit_case
from lms.services.exams import start_attempt, submit_attempt
from talent.models import Person, Role
from tests.factories import PersonFactory
from tests.lms.factories_practice import PracticeLogFactory
from tests.lms.factories_programme import make_blueprint, make_questions

pytestmark = pytest.mark.django_db

TEXT = "服务对象为独居老人，行动不便，我在两次入户走访后完成了需求评估并链接了助餐服务。"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_deleting_a_person_with_practice_logs_is_refused_in_words(client, district, user_with_role):
    log = PracticeLogFactory(
        mentorship__mentee=PersonFactory(unit=district["panlong"]),
        mentorship__mentor=PersonFactory(unit=district["jl"], kind="social_worker"),
    )
    person = log.person
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["jl"]))
    response = client.post(reverse("talent_person:delete", args=[person.pk]))
    assert response.status_code == 302
    assert any("不能删除" in m and "实践学时" in m for m in messages_of(response))
    assert Person.objects.filter(pk=person.pk).exists()
    assert PracticeLog.objects.filter(pk=log.pk).exists()


def test_a_person_without_records_can_be_deleted(client, district, user_with_role):
    person = PersonFactory(unit=district["panlong"])
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["jl"]))
    response = client.post(reverse("talent_person:delete", args=[person.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_deleting_a_question_used_in_past_exams_is_refused_in_words(
    client, district_organiser, learner_user, learner
):
    make_questions()
    blueprint = make_blueprint(singles=2, multiples=0)
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    submit_attempt(actor=learner_user, attempt=attempt, answers={})
    used = attempt.answers.first().question
    client.force_login(district_organiser)
    response = client.post(reverse("lms_question:delete", args=[used.pk]))
    assert response.status_code == 302
    assert any("不能删除" in m for m in messages_of(response))
    assert Question.objects.filter(pk=used.pk).exists()


def test_a_case_task_whose_reviewed_submission_lost_its_reviewer_still_opens(
    client, cohort, learner_user, learner, programme, mentor_user
):
    task = programme["task"]
    submission = submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    review_submission(
        actor=mentor_user, submission=submission, approve=False, comment="请补充风险评估。"
    )
    CaseSubmission.objects.filter(pk=submission.pk).update(reviewer=None)
    client.force_login(learner_user)
    response = client.get(reverse("lms:case_task", args=[task.pk]))
    assert response.status_code == 200
    assert "请补充风险评估。" in response.content.decode()


def test_the_audit_log_never_holds_a_national_id_in_clear(client, district, jl_hr):
    person = PersonFactory(unit=district["panlong"], name="张身份证")
    client.force_login(jl_hr)
    response = client.post(
        reverse("talent_person:edit", args=[person.pk]),
        {
            "staff_no": person.staff_no,
            "name": person.name,
            "kind": person.kind,
            "unit": person.unit_id,
            "is_active": "on",
            "new_national_id": "500107199001011234",
        },
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action="talent.person.edit")
    assert "500107199001011234" not in str(entry.data)
    assert entry.data["after"]["national_id"] == "500*************34"
