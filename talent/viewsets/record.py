"""HR's one page per person (the Wagtail inspect view of Person): the whole record in
sections, each linking to its full list filtered to the person.

A section is a ``PersonSection`` component built from ``(request, person)``; talent
adds its own, and other apps add theirs through the ``register_person_section`` hook
(a function returning a section class), as lms does for programme stage, mentoring
and mock exams. Sections are shown in ``order``, only when ``is_shown()``. Every
section reads a fixed number of queries, so the page costs the same for a person
with one year of history as for one with twenty.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic

from talent.models import Person, PlacementStatus
from talent.selectors import record
from talent.selectors.ladder import current_grade
from talent.selectors.people import display_name
from talent.selectors.placements import can_coordinate

SECTION_HOOK = "register_person_section"


class PersonSection(Component):
    """One section of the person page. Subclasses set ``heading``, ``order`` and
    ``template_name`` and return their data from ``get_context_data``; ``links``
    are (label, url) pairs to the full lists, already filtered to the person."""

    heading = ""
    order = 100
    template_name = ""

    def __init__(self, request, person):
        self.request = request
        self.person = person
        self.today = timezone.localdate()

    def is_shown(self) -> bool:
        return True

    def links(self) -> list[tuple[str, str]]:
        return []

    def list_link(self, label, url_name: str, perm: str) -> list[tuple[str, str]]:
        """A link to ``url_name``'s list searched by the person's 工号, if the user may
        see that list (which is scoped like every list)."""
        if not self.request.user.has_perm(perm):
            return []
        return [(label, f"{reverse(url_name)}?{urlencode({'q': self.person.staff_no})}")]

    def get_context_data(self, parent_context=None):
        return {"section": self, "person": self.person, "today": self.today}


class CareerSection(PersonSection):
    heading = _("岗位与等级")
    order = 10
    template_name = "talent/record/career.html"

    def links(self):
        return self.list_link(
            _("等级变动"), "talent_gradechange:index", "talent.view_gradechange"
        ) + self.list_link(_("年度考核"), "talent_assessment:index", "talent.view_annualassessment")

    def get_context_data(self, parent_context=None):
        timeline = record.grade_timeline(self.person)
        return {
            **super().get_context_data(parent_context),
            "timeline": list(reversed(timeline)),
            "current": timeline[-1] if timeline else None,
            "moves": record.unit_moves(self.person),
            "assessments": record.assessments(self.person),
        }


class CertificationSection(PersonSection):
    heading = _("证书、登记与继续教育")
    order = 20
    template_name = "talent/record/certification.html"

    def links(self):
        return (
            self.list_link(_("证书"), "talent_certificate:index", "talent.view_certificate")
            + self.list_link(
                _("登记期"), "talent_registration:index", "talent.view_registrationperiod"
            )
            + self.list_link(_("继续教育学时"), "talent_cehours:index", "talent.view_cehourentry")
            + self.list_link(_("考试成绩"), "talent_examattempt:index", "talent.view_examattempt")
        )

    def get_context_data(self, parent_context=None):
        return {
            **super().get_context_data(parent_context),
            "certificates": record.certificates(self.person),
            "periods": record.registration_hours(self.person, self.today),
            "entries": record.ce_entries(self.person),
            "exams": record.exam_results(self.person),
        }


class PlacementsSection(PersonSection):
    heading = _("实习与轮岗")
    order = 40
    template_name = "talent/record/placements.html"

    @cached_property
    def rows(self):
        return record.placements(self.person)

    def is_shown(self) -> bool:
        return bool(self.rows)

    def links(self):
        return self.list_link(_("实践安排"), "talent_placement:index", "talent.view_placement")

    def get_context_data(self, parent_context=None):
        user = self.request.user
        return {
            **super().get_context_data(parent_context),
            "rows": [(p, can_coordinate(user, p.host_unit)) for p in self.rows],
            "active": PlacementStatus.ACTIVE,
        }


TALENT_SECTIONS = (CareerSection, CertificationSection, PlacementsSection)


def person_sections(request, person) -> list[PersonSection]:
    classes = list(TALENT_SECTIONS)
    for hook in hooks.get_hooks(SECTION_HOOK):
        classes.append(hook())
    sections = [cls(request, person) for cls in classes]
    return sorted((s for s in sections if s.is_shown()), key=lambda s: s.order)


class PersonRecordView(generic.InspectView):
    """The person page: who, where, which post and grade, and every section."""

    template_name = "talent/person_record.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Person.objects.select_related("unit", "post", "user"), pk=unquote(str(self.pk))
        )

    def get_fields_context(self):
        return []  # the page lays the person out itself

    def get_page_title(self):
        return self.object.name

    def get_page_subtitle(self):
        return f"{self.object.staff_no} · {self.object.unit.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            person=person,
            ancestors=person.unit.get_ancestors(),
            grade=current_grade(person),
            account=display_name(person.user) if person.user_id else "",
            sections=person_sections(self.request, person),
        )
        return context
