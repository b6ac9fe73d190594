import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lms.models import CohortMembership, Enrollment
from lms.selectors.progress import cohort_progress, programmes_of, summarise
from lms.services.cases import review_submission, submit_case
from lms.services.courses import complete_lesson
from lms.services.exams import start_attempt, submit_attempt
from lms.services.practice import log_practice, sign_off
from talent.models import Person
from tests.lms.factories_practice import MentorshipFactory
from tests.lms.factories_programme import lessons_of, make_blueprint, make_questions

pytestmark = pytest.mark.django_db

TEXT = "服务对象为独居老人，行动不便，我在两次入户走访后完成了需求评估并链接了助餐服务。"


def progress_of(person):
    [mine] = programmes_of(person)
    return mine.progress


def test_stages_advance_with_facts(cohort, learner_user, learner, programme, mentor_user):
    progress = progress_of(learner)
    assert progress.stage_label == "理论培训"
    assert progress.missing == ["完成课程：课程1、课程2"]
    assert progress.percent == 0

    for course in programme["courses"]:
        for lesson in lessons_of(course):
            complete_lesson(actor=learner_user, person=learner, lesson=lesson)
    progress = progress_of(learner)
    assert progress.stage_label == "案例实操"
    assert progress.missing == ["案例通过评阅：社区走访报告"]
    assert progress.percent == 50  # 2 courses of 4 units (2 courses, 1 task, mentor hours)

    submission = submit_case(actor=learner_user, person=learner, task=programme["task"], text=TEXT)
    assert progress_of(learner).stage_label == "案例实操"  # waiting is not approved
    task = programme["task"]
    review_submission(
        actor=mentor_user,
        submission=submission,
        approve=True,
        comment="",
        scores={c.pk: 85 for c in task.criteria.all()},
    )
    progress = progress_of(learner)
    assert progress.stage_label == "导师帮带"
    assert progress.missing == ["导师帮带学时还差 8 小时"]
    assert not progress.is_complete

    # Mentor hours count only once the mentor signs them.
    mentorship = MentorshipFactory(mentor=mentor_user.person, mentee=learner)
    today = timezone.localdate()
    logs = [
        log_practice(
            actor=learner_user,
            date=today - datetime.timedelta(days=d),
            hours=Decimal("3"),
            activity="入户走访",
            mentorship=mentorship,
        )
        for d in (1, 2, 3)
    ]
    assert progress_of(learner).missing == ["导师帮带学时还差 8 小时"]  # pending is not signed
    sign_off(actor=mentor_user, log_ids=[logs[0].pk, logs[1].pk])
    assert progress_of(learner).missing == ["导师帮带学时还差 2 小时"]
    sign_off(actor=mentor_user, log_ids=[logs[2].pk])
    progress = progress_of(learner)
    assert progress.is_complete and progress.stage_label == "已结业"


def test_a_tier_without_mentor_hours_completes(
    cohort, learner_user, learner, programme, mentor_user
):
    programme["mentor"].required_mentor_hours = Decimal("0")
    programme["mentor"].save()
    programme["case"].case_tasks.all().delete()
    for course in programme["courses"]:
        for lesson in lessons_of(course):
            complete_lesson(actor=learner_user, person=learner, lesson=lesson)
    progress = progress_of(learner)
    assert progress.is_complete and progress.stage_label == "已结业" and progress.percent == 100


def test_typed_in_values_do_not_count(cohort, learner, programme):
    # An enrolment is not a completion; a course outside the stage does not count.
    assert progress_of(learner).stages[0].courses_done == set()


def test_cohort_summary(cohort, learner_user, learner, programme):
    for course in programme["courses"]:
        for lesson in lessons_of(course):
            complete_lesson(actor=learner_user, person=learner, lesson=lesson)
    summary = summarise(cohort_progress(cohort))
    assert summary.members == 2
    assert summary.by_stage == {"案例实操": 1, "理论培训": 1}


def grow(cohort, district, programme, count: int) -> None:
    """Add ``count`` members with some completed courses, in bulk."""
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            staff_no=f"G{start + i:06d}",
            name=f"学员{i}",
            kind="community_worker",
            unit=district["panlong"],
        )
        for i in range(count)
    )
    CohortMembership.objects.bulk_create(CohortMembership(cohort=cohort, person=p) for p in people)
    now = timezone.now()
    Enrollment.objects.bulk_create(
        Enrollment(person=p, course=programme["courses"][0], completed_at=now if i % 2 else None)
        for i, p in enumerate(people)
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_cohort_progress_query_count_does_not_grow(
    size, cohort, district, programme, django_assert_max_num_queries
):
    grow(cohort, district, programme, size)
    with django_assert_max_num_queries(7):
        progress = cohort_progress(cohort)
        summarise(progress)
    assert len(progress) == size + 2


@pytest.mark.parametrize("size", [10, 1000])
def test_admin_progress_report_query_count(
    size, client, cohort, district, programme, organiser, django_assert_max_num_queries
):
    grow(cohort, district, programme, size)
    client.force_login(organiser)
    with django_assert_max_num_queries(17):
        response = client.get(f"/admin/lms/cohorts/{cohort.pk}/progress/")
    assert response.status_code == 200
    with django_assert_max_num_queries(17):
        response = client.get(f"/admin/lms/cohorts/{cohort.pk}/progress/?export=xlsx")
    assert response.status_code == 200


@pytest.mark.parametrize("attempts", [1, 8])
def test_my_learning_query_count(
    attempts, client, cohort, learner_user, learner, programme, django_assert_max_num_queries
):
    make_questions()
    blueprint = make_blueprint()
    for _ in range(attempts):
        attempt = start_attempt(
            actor=learner_user,
            person=learner,
            blueprint=blueprint,
            now=timezone.now() - datetime.timedelta(hours=1),
        )
        submit_attempt(actor=learner_user, attempt=attempt)
    for course in programme["courses"]:
        complete_lesson(actor=learner_user, person=learner, lesson=lessons_of(course)[0])
    client.force_login(learner_user)
    with django_assert_max_num_queries(31):  # 23 before the readiness card (issue 18)
        response = client.get("/learn/")
    assert response.status_code == 200
    assert "课程1" in response.content.decode()


@pytest.mark.parametrize("courses", [2, 12])
def test_catalogue_query_count(
    courses, client, learner_user, programme, django_assert_max_num_queries
):
    from tests.lms.factories_programme import make_course

    for i in range(courses):
        make_course(f"选修{i}", lessons=3)
    client.force_login(learner_user)
    url = programme["courses"][0].get_parent().url
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("course-card-title") == courses + 2
