"""The learning parts of HR's person page (``talent.api.PersonSection``): programme
stage, mentoring and practice hours, and the latest mock exam in each subject. Each
is a fixed number of queries; ``lms.wagtail_hooks`` registers them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from talent import api as talent

from ..models import LogStatus, Mentorship
from ..selectors import exams as exam_selectors
from ..selectors import practice as practice_selectors
from ..selectors.progress import current_programme
from ..selectors.readiness import person_readiness


class ProgrammeSection(talent.PersonSection):
    heading = _("分层培养")
    order = 30
    template_name = "lms/record/programme.html"

    @cached_property
    def programme(self):
        return current_programme(self.person)

    def is_shown(self) -> bool:
        return self.programme is not None

    def links(self):
        if not self.request.user.has_perm("lms.view_cohort"):
            return []
        url = reverse("lms_cohort:progress", args=[self.programme.cohort.pk])
        return [(_("班级进度"), url)]

    def get_context_data(self, parent_context=None):
        return {**super().get_context_data(parent_context), "programme": self.programme}


class MentoringSection(talent.PersonSection):
    heading = _("导师帮带与实践学时")
    order = 35
    template_name = "lms/record/mentoring.html"

    @cached_property
    def mentorships(self):
        return list(
            Mentorship.objects.filter(mentee=self.person)
            .select_related("mentor__unit")
            .order_by("-started_on")[:5]
        )

    @cached_property
    def totals(self):
        return practice_selectors.hour_totals(self.person)

    @cached_property
    def mentee_count(self) -> int:
        return Mentorship.objects.current().filter(mentor=self.person).count()

    def is_shown(self) -> bool:
        return bool(self.mentorships or any(self.totals.values()) or self.mentee_count)

    def links(self):
        return self.list_link(
            _("实践学时"), "lms_practicelog:index", "lms.view_practicelog"
        ) + self.list_link(_("帮带关系"), "lms_mentorship:index", "lms.view_mentorship")

    def get_context_data(self, parent_context=None):
        return {
            **super().get_context_data(parent_context),
            "mentorships": self.mentorships,
            "signed": self.totals[LogStatus.SIGNED],
            "pending": self.totals[LogStatus.PENDING],
            "mentee_count": self.mentee_count,
        }


class MockExamSection(talent.PersonSection):
    """Exam readiness for the level the person prepares for (the same estimate the
    learner and the gap plan see) and the latest mock exam per subject against the
    pass mark."""

    heading = _("备考与模拟考试")
    order = 50
    template_name = "lms/record/mock_exams.html"

    @cached_property
    def results(self):
        return exam_selectors.latest_by_subject(self.person)

    @cached_property
    def readiness(self):
        return person_readiness(self.person, self.today)

    def is_shown(self) -> bool:
        return bool(self.results) or any(
            s.readiness is not None or s.carried for s in self.readiness.subjects
        )

    def get_context_data(self, parent_context=None):
        return {
            **super().get_context_data(parent_context),
            "results": self.results,
            "readiness": self.readiness,
            # HR who watch a certification target reach the plan that ranks by readiness
            "gap_plan_url": reverse("lms_gap_plan")
            if self.request.user.has_perm("talent.view_certificationtarget")
            else "",
        }


SECTIONS = (ProgrammeSection, MentoringSection, MockExamSection)
