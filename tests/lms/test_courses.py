import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lms.models import Enrollment, EnrollmentSource, LessonCompletion
from lms.services.courses import complete_lesson, enrol
from talent.models import CEHourEntry
from tests.lms.factories_programme import lessons_of, make_course

pytestmark = pytest.mark.django_db


def test_cohort_members_are_enrolled_in_the_tier_courses(cohort, learner, programme):
    enrollments = Enrollment.objects.filter(person=learner)
    assert {e.course_id for e in enrollments} == {c.pk for c in programme["courses"]}
    assert {e.source for e in enrollments} == {EnrollmentSource.COHORT}


def test_learner_enrols_themself_once(learner_user, learner):
    course = make_course("自选课")
    first = enrol(actor=learner_user, person=learner, course=course)
    again = enrol(actor=learner_user, person=learner, course=course)
    assert first.pk == again.pk
    assert first.source == EnrollmentSource.SELF


def test_nobody_enrols_someone_else(learner_user, other_learner):
    with pytest.raises(PermissionDenied):
        enrol(actor=learner_user, person=other_learner, course=make_course("自选课"))


def test_lesson_needs_an_enrolment(learner_user, learner):
    course = make_course("未报名课程")
    with pytest.raises(ValidationError):
        complete_lesson(actor=learner_user, person=learner, lesson=lessons_of(course)[0])
    assert not LessonCompletion.objects.exists()


def test_nobody_completes_lessons_for_someone_else(cohort, learner_user, other_learner, programme):
    lesson = lessons_of(programme["courses"][0])[0]
    with pytest.raises(PermissionDenied):
        complete_lesson(actor=learner_user, person=other_learner, lesson=lesson)


def test_course_completes_with_its_last_lesson_and_credits_hours_once(
    cohort, learner_user, learner, programme
):
    course = programme["courses"][0]
    first, second = lessons_of(course)
    assert complete_lesson(actor=learner_user, person=learner, lesson=first) == (True, False)
    assert not Enrollment.objects.get(person=learner, course=course).completed_at
    assert complete_lesson(actor=learner_user, person=learner, lesson=second) == (True, True)
    assert Enrollment.objects.get(person=learner, course=course).completed_at
    entry = CEHourEntry.objects.get(person=learner)
    assert (entry.source, entry.source_ref, entry.hours) == ("course", f"course:{course.pk}", 2)

    # Doing a lesson again, or the course growing a new lesson later, never credits twice.
    assert complete_lesson(actor=learner_user, person=learner, lesson=second) == (False, False)
    course.add_child(instance=type(first)(title="补充课时", slug="extra"))
    assert CEHourEntry.objects.filter(person=learner).count() == 1


def test_unpublished_lessons_do_not_block_completion(cohort, learner_user, learner, programme):
    course = programme["courses"][0]
    draft = lessons_of(course)[-1]
    draft.unpublish()
    lesson = lessons_of(course)[0]
    assert complete_lesson(actor=learner_user, person=learner, lesson=lesson) == (True, True)


def test_enrol_and_complete_through_the_phone_pages(client, cohort, learner_user, learner):
    course = make_course("自选课", lessons=1, hours="1.5")
    client.force_login(learner_user)
    response = client.post(f"/learn/courses/{course.pk}/enrol/")
    assert response.status_code == 302
    lesson = lessons_of(course)[0]
    response = client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert response.status_code == 302
    assert CEHourEntry.objects.get(person=learner).hours == 1.5
    page = client.get(course.url)
    assert "学时已计入" in page.content.decode()


def test_catalogue_filters_by_tier_subject_and_format(client, programme, learner_user):
    make_course("实务精讲", exam_subject="practice", course_format="online")
    client.force_login(learner_user)
    index_url = programme["courses"][0].get_parent().url
    body = client.get(index_url + "?subject=practice").content.decode()
    assert "实务精讲" in body and "课程1" not in body
    body = client.get(index_url + f"?tier={programme['tier'].pk}").content.decode()
    assert "课程1" in body and "实务精讲" not in body
    body = client.get(index_url + "?format=classroom").content.decode()
    assert "没有符合条件的课程" in body
