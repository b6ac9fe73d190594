"""Ladder imports on the shared framework: annual assessments 年度考核导入,
through the same service the admin form uses."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.imports.certification import (
    THIS_YEAR,
    _commit_rows,
    _people_by_staff_no,
    _people_errors,
    staff_no_column,
)
from talent.models import (
    AnnualAssessment,
    AssessmentResult,
)
from talent.selectors.access import scope_for
from talent.services.ladder import record_assessment


def assessment_spec(*, actor) -> imports.ImportSpec:
    scope = scope_for(actor)

    def check_rows(rows):
        people, errors = _people_errors(scope, rows)
        keys = Counter((r.values["staff_no"], r.values["year"]) for r in rows)
        errors += [
            imports.CellError(r.number, "", _("考核年度"), _("同一人同一年度出现多次"))
            for r in rows
            if keys[(r.values["staff_no"], r.values["year"])] > 1
        ]
        existing = set(
            AnnualAssessment.objects.filter(
                person__in=people.values(), year__in={r.values["year"] for r in rows}
            ).values_list("person__staff_no", "year")
        )
        errors += [
            imports.CellError(
                r.number,
                "",
                _("考核年度"),
                _("%(no)s %(year)s 年已有考核结果")
                % {"no": r.values["staff_no"], "year": r.values["year"]},
            )
            for r in rows
            if (r.values["staff_no"], r.values["year"]) in existing
        ]
        return errors

    return imports.ImportSpec(
        name="assessments",
        title=_("年度考核导入"),
        columns=[
            staff_no_column(),
            imports.Column(
                "year", _("考核年度"), imports.integer(2000, THIS_YEAR), example=THIS_YEAR - 1
            ),
            imports.Column(
                "result",
                _("考核结果"),
                imports.choice(AssessmentResult.choices),
                example=AssessmentResult.COMPETENT.label,
            ),
            imports.Column("note", _("备注"), imports.text(200), required=False),
        ],
        check_rows=check_rows,
    )


def apply_assessments(rows, *, actor) -> str:
    people = _people_by_staff_no(rows, actor)

    def write(row):
        v = row.values
        record_assessment(
            actor=actor,
            person=people[v["staff_no"]],
            year=v["year"],
            result=v["result"],
            note=v["note"] or "",
        )

    return _("登记年度考核 %(n)d 条") % {"n": _commit_rows(rows, write)}
