"""我的学习 and the course actions (enrol, complete a lesson)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talent import api as talent

from ..models import CoursePage, LessonPage
from ..permissions import person_of
from ..selectors import cases as case_selectors
from ..selectors import courses as course_selectors
from ..selectors import exams as exam_selectors
from ..selectors import readiness as readiness_selectors
from ..selectors.progress import programmes_of
from ..services import courses as course_services


def learner_or_404(request) -> talent.Person:
    person = person_of(request.user)
    if person is None:
        raise Http404(_("此账号尚未关联人员档案。"))
    return person


@login_required
def dashboard(request):
    if person_of(request.user) is None:
        # partner staff, district officers: no learning record of their own
        messages.info(request, _("学习记录属于人员档案；此账号没有关联人员档案。"))
        return redirect("me")
    person = learner_or_404(request)
    ce_total, ce_recent = course_selectors.ce_summary(person)
    return render(
        request,
        "lms/dashboard.html",
        {
            "person": person,
            "programmes": programmes_of(person),
            "enrollments": course_selectors.my_courses(person),
            "exam_stats": exam_selectors.exam_stats(person),
            "weak_topics": exam_selectors.weak_topics(person, limit=3),
            "readiness": readiness_selectors.person_readiness(person),
            "tasks": case_selectors.tasks_for(person),
            "ce_total": ce_total,
            "ce_recent": ce_recent,
            "catalogue_url": course_selectors.catalogue_url(),
            "tab": "learn",
        },
    )


@login_required
@require_POST
def enrol(request, pk: int):
    person = learner_or_404(request)
    course = get_object_or_404(CoursePage.objects.live(), pk=pk)
    try:
        course_services.enrol(actor=request.user, person=person, course=course)
    except ValidationError as error:
        talent.flash_error(request, error)
    else:
        messages.success(request, _("已报名《%(title)s》，开始学习吧。") % {"title": course.title})
    return redirect(course.url)


@login_required
@require_POST
def complete_lesson(request, pk: int):
    person = learner_or_404(request)
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    try:
        _new, course_done = course_services.complete_lesson(
            actor=request.user, person=person, lesson=lesson
        )
    except ValidationError as error:
        talent.flash_error(request, error)
        return redirect(lesson.url)
    if course_done:
        course = lesson.get_parent().specific
        messages.success(
            request,
            _("恭喜完成课程《%(title)s》，已计入 %(hours)s 继续教育学时。")
            % {"title": course.title, "hours": floatformat(course.ce_hours, -1)},
        )
        return redirect(course.url)
    following = lesson.get_next_siblings().live().first()
    messages.success(request, _("本课时已完成。"))
    return redirect(following.url if following else lesson.get_parent().url)
