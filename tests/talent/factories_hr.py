"""Factories for certification and ladder tests."""

import datetime

from talent.models import (
    Certificate,
    CertificateStatus,
    CertificationTarget,
    Grade,
    GradeChange,
    GradeChangeReason,
    Post,
)

_serial = iter(range(1, 10**9))


def certificate(person, level=1, *, obtained_on=datetime.date(2024, 6, 30), **kwargs):
    kwargs.setdefault("status", CertificateStatus.VALID)
    kwargs.setdefault("number", f"TC{next(_serial):07d}")
    return Certificate.objects.create(person=person, level=level, obtained_on=obtained_on, **kwargs)


def target(unit, rate=89, **kwargs):
    kwargs.setdefault("name", f"{unit.name}持证目标")
    kwargs.setdefault("person_kind", "community_worker")
    kwargs.setdefault("deadline", datetime.date(2026, 12, 31))
    return CertificationTarget.objects.create(unit=unit, rate=rate, **kwargs)


def place(person, grade: int, *, post="other", on=datetime.date(2020, 1, 1), reason=None):
    post_obj = Post.objects.get(code=post)
    if person.post_id != post_obj.pk:
        person.post = post_obj
        person.save(update_fields=["post"])
    return GradeChange.objects.create(
        person=person,
        post=post_obj,
        grade=Grade.objects.get(number=grade),
        effective_on=on,
        reason=reason or GradeChangeReason.INITIAL,
    )
