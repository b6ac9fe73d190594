"""Separation of duties 职责分离: nobody decides on themselves.

The one rule behind every write that records a fact about a person — a promotion,
a grade change, a certificate, an exam result, an annual assessment, CE hours, a
practice-log sign-off, a mentorship — and behind every screen that offers one. The
services raise the refusal (``talent.checks.require_not_self``); the screens ask
``may_decide_about`` so that no button leads to it.

"Themselves" is exact and costs no query: the Person linked to the acting login
(``Person.user`` is one-to-one). Superusers are no exception.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talent.models import Person, Role, ScopeGrant
from talent.selectors.access import scope_for


class Decision(models.TextChoices):
    """The decisions the rule covers; the label completes "职责分离：不能…"."""

    PROMOTION = "promotion", gettext_lazy("审批本人的晋级")
    ROUND_LIST = "round_list", gettext_lazy("将本人列入自己经办的晋级名单")
    OBJECTION = "objection", gettext_lazy("答复涉及本人的异议")
    GRADE = "grade", gettext_lazy("登记本人的等级变动")
    CERTIFICATE = "certificate", gettext_lazy("登记或确认本人的证书")
    EXAM = "exam", gettext_lazy("登记本人的考试成绩")
    ASSESSMENT = "assessment", gettext_lazy("登记本人的年度考核")
    CE_HOURS = "ce_hours", gettext_lazy("登记本人的继续教育学时")
    SIGN_OFF = "sign_off", gettext_lazy("签核本人的实践学时")
    MENTORSHIP = "mentorship", gettext_lazy("安排本人参与的导师帮带")


def is_self(user, person: Person) -> bool:
    """``person`` is the one linked to ``user`` (no query)."""
    user_id = getattr(user, "pk", None)
    return user_id is not None and person.user_id == user_id


def self_decision_refusal(
    user, people: Person | Iterable[Person], decision: Decision | str
) -> str | None:
    """The refusal, naming the rule, when ``people`` includes ``user``'s own
    person; ``None`` when ``user`` may decide. ``user=None`` is the system."""
    if isinstance(people, Person):
        people = [people]
    if not any(is_self(user, person) for person in people):
        return None
    return _("职责分离：不能%(what)s。") % {"what": Decision(decision).label}


def may_decide_about(user, person: Person, decision: Decision | str) -> bool:
    return self_decision_refusal(user, person, decision) is None


def others_only(people: QuerySet[Person], user) -> QuerySet[Person]:
    """``people`` without ``user``'s own person: what a screen offers for a
    decision about someone (the same rule as ``self_decision_refusal``)."""
    user_id = getattr(user, "pk", None)
    return people if user_id is None else people.exclude(user_id=user_id)


def holds_mentor_role(person: Person) -> bool:
    return (
        person.user_id is not None
        and ScopeGrant.objects.filter(user_id=person.user_id, role=Role.MENTOR).exists()
    )


def mentorship_refusal(actor, *, mentor: Person, mentee: Person) -> str | None:
    """Who may pair ``mentor`` with ``mentee``: not someone who is one of them,
    and only a mentor who holds the mentor role and lies in the actor's scope."""
    refusal = self_decision_refusal(actor, [mentor, mentee], Decision.MENTORSHIP)
    if refusal:
        return refusal
    if mentor.pk == mentee.pk:
        return _("导师和学员不能是同一人。")
    if not holds_mentor_role(mentor):
        return _("职责分离：%(name)s 未被授予导师角色，不能担任导师。") % {"name": mentor.name}
    if actor is not None and not scope_for(actor).contains_person(mentor):
        return _("该导师不在您的管辖范围内。")
    return None


def mentor_candidates(actor) -> QuerySet[Person]:
    """The people ``actor`` may name as a mentor: in scope, holding the mentor
    role, and not the actor themselves (what the admin form offers)."""
    mentors = scope_for(actor).people().filter(is_active=True, user__scope_grants__role=Role.MENTOR)
    return others_only(mentors, actor).distinct()
