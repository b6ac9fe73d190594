"""Ladder imports on the shared framework: annual assessments 年度考核导入,
through the bulk service with the admin form's rules."""

from __future__ import annotations

from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.imports.base import Problem
from talent.imports.certification import (
    commit_rows,
    people_for,
    people_problems,
    staff_no_column,
)
from talent.models import AnnualAssessment, AssessmentResult
from talent.selectors.duties import Decision
from talent.services.ladder import record_assessments


def assessment_spec(*, actor) -> imports.ImportSpec:
    def check_rows(rows):
        people, problems = people_problems(actor, rows, Decision.ASSESSMENT)
        problems += imports.duplicates(
            rows, ("staff_no", "year"), "year", _("与第 %(row)d 行是同一人同一年度的考核")
        )
        stored = {
            (no, year): result
            for no, year, result in AnnualAssessment.objects.filter(
                person__in=list(people.values()),
                year__in={r.values["year"] for r in rows if r.has("year")},
            ).values_list("person__staff_no", "year", "result")
        }
        for row in rows:
            if not row.has("staff_no", "year"):
                continue
            result = stored.get((row.values["staff_no"], row.values["year"]))
            if result is not None:
                problems.append(
                    Problem(
                        row.number,
                        "year",
                        _(
                            "%(no)s %(year)s 年已有考核结果（%(result)s），"
                            "如需更正请在“年度考核”中修改，或删除本行"
                        )
                        % {
                            "no": row.values["staff_no"],
                            "year": row.values["year"],
                            "result": AssessmentResult(result).label,
                        },
                    )
                )
        return problems

    return imports.ImportSpec(
        name="assessments",
        title=_("年度考核导入"),
        columns=[
            staff_no_column(),
            imports.Column(
                "year",
                _("考核年度"),
                imports.past_year(2000),
                example=2025,
                help=_("不能晚于今年。"),
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
    people = people_for(rows, actor)
    assessments = [
        AnnualAssessment(
            person=people[r.values["staff_no"]],
            year=r.values["year"],
            result=r.values["result"],
            note=r.values["note"] or "",
        )
        for r in rows
    ]
    commit_rows(rows, lambda: record_assessments(actor=actor, assessments=assessments))
    return _("登记年度考核 %(n)d 条") % {"n": len(assessments)}


ASSESSMENTS = imports.Importer(spec=assessment_spec, apply=apply_assessments)
