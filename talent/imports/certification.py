"""HR imports on the shared framework (talent.imports): certificates, exam
results and annual assessments. Each row goes through the same service the
admin forms use, so scope, rules and audit are the same as typing it in."""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.models import (
    Certificate,
    CertificateStatus,
    CertLevel,
    ExamSubject,
    Person,
)
from talent.selectors.access import scope_for
from talent.selectors.people import people_by_staff_no, staff_no_not_found
from talent.services.certification import record_exam_attempt, save_certificate

THIS_YEAR = datetime.date.today().year


def staff_no_column() -> imports.Column:
    return imports.Column(
        "staff_no", _("工号"), imports.code(), example="JL0001", help=_("须为您管辖范围内的人员。")
    )


def _people_errors(scope, rows) -> tuple[dict[str, Person], list[imports.CellError]]:
    people = people_by_staff_no(scope, (r.values["staff_no"] for r in rows))
    errors = [
        imports.CellError(r.number, "", _("工号"), staff_no_not_found(r.values["staff_no"]))
        for r in rows
        if r.values["staff_no"] not in people
    ]
    return people, errors


def _people_by_staff_no(rows, actor) -> dict[str, Person]:
    return people_by_staff_no(scope_for(actor), (r.values["staff_no"] for r in rows))


def _commit_rows(rows, write) -> int:
    """Run ``write(row)`` for every row; a service's ValidationError becomes a
    RowError, which rolls back the whole import."""
    for row in rows:
        try:
            write(row)
        except ValidationError as error:
            raise imports.RowError(row.number, "；".join(error.messages)) from error
    return len(rows)


# Certificates ------------------------------------------------------------------


def certificate_spec(*, actor) -> imports.ImportSpec:
    scope = scope_for(actor)

    def check_rows(rows):
        _people, errors = _people_errors(scope, rows)
        numbers = {r.values["number"]: r.number for r in rows}
        taken = Certificate.objects.filter(number__in=list(numbers)).values_list(
            "number", flat=True
        )
        errors += [
            imports.CellError(numbers[n], "", _("证书编号"), _("证书编号 %(n)s 已登记") % {"n": n})
            for n in taken
        ]
        return errors

    def validate_row(values):
        if values["valid_until"] and values["valid_until"] <= values["obtained_on"]:
            return [("valid_until", _("有效期至应晚于取得日期"))]
        return []

    return imports.ImportSpec(
        name="certificates",
        title=_("职业资格证书导入"),
        columns=[
            staff_no_column(),
            imports.Column(
                "level",
                _("证书等级"),
                imports.choice(CertLevel.choices),
                example=CertLevel.ASSISTANT.label,
            ),
            imports.Column(
                "number", _("证书编号"), imports.code(40), unique=True, example="2025CQ000123"
            ),
            imports.Column("obtained_on", _("取得日期"), imports.date, example="2025-03-01"),
            imports.Column("valid_until", _("有效期至"), imports.date, required=False),
            imports.Column("authority", _("发证机关"), imports.text(100), required=False),
        ],
        validate_row=validate_row,
        check_rows=check_rows,
    )


def apply_certificates(rows, *, actor) -> str:
    people = _people_by_staff_no(rows, actor)

    def write(row):
        v = row.values
        certificate = Certificate(
            person=people[v["staff_no"]],
            level=v["level"],
            number=v["number"],
            obtained_on=v["obtained_on"],
            valid_until=v["valid_until"],
            status=CertificateStatus.VALID,
        )
        if v["authority"]:
            certificate.authority = v["authority"]
        save_certificate(actor=actor, certificate=certificate)

    return _("登记证书 %(n)d 张") % {"n": _commit_rows(rows, write)}


# Exam results ------------------------------------------------------------------


def exam_spec(*, actor) -> imports.ImportSpec:
    scope = scope_for(actor)

    def check_rows(rows):
        _people, errors = _people_errors(scope, rows)
        keys = Counter(
            (r.values["staff_no"], r.values["year"], r.values["level"], r.values["subject"])
            for r in rows
        )
        errors += [
            imports.CellError(r.number, "", _("科目"), _("同一人同一年度同一科目出现多次"))
            for r in rows
            if keys[
                (r.values["staff_no"], r.values["year"], r.values["level"], r.values["subject"])
            ]
            > 1
        ]
        return errors

    return imports.ImportSpec(
        name="exam-results",
        title=_("考试成绩导入"),
        columns=[
            staff_no_column(),
            imports.Column(
                "year", _("考试年度"), imports.integer(2000, THIS_YEAR + 1), example=THIS_YEAR - 1
            ),
            imports.Column(
                "level",
                _("报考等级"),
                imports.choice([c for c in CertLevel.choices if c[0] != CertLevel.SENIOR]),
                example=CertLevel.ASSISTANT.label,
            ),
            imports.Column(
                "subject",
                _("科目"),
                imports.choice(ExamSubject.choices),
                example=ExamSubject.PRACTICE.label,
            ),
            imports.Column("score", _("成绩"), imports.decimal(0, 100, places=1), example=72.5),
        ],
        check_rows=check_rows,
    )


def apply_exam_results(rows, *, actor) -> str:
    people = _people_by_staff_no(rows, actor)
    proposed = 0

    def write(row):
        nonlocal proposed
        v = row.values
        _attempt, certificate = record_exam_attempt(
            actor=actor,
            person=people[v["staff_no"]],
            year=v["year"],
            level=v["level"],
            subject=v["subject"],
            score=v["score"],
        )
        proposed += certificate is not None

    count = _commit_rows(rows, write)
    return _("登记成绩 %(n)d 条，生成待确认证书 %(p)d 张") % {"n": count, "p": proposed}


# Annual assessments ----------------------------------------------------------
