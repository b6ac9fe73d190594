"""HR imports on the shared framework (talent.imports): certificates and exam
results. Each keeps every fact its template has a column for; the dry run checks
everything the services would refuse, so the commit (one bulk service call, the
same rules as typing it in) cannot fail on anything the dry run could see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.imports.base import Problem
from talent.models import (
    Certificate,
    CertificateStatus,
    CertLevel,
    ExamAttempt,
    ExamSubject,
    Person,
)
from talent.selectors.access import scope_for
from talent.selectors.duties import Decision, self_decision_refusal
from talent.selectors.people import people_by_staff_no, staff_no_not_found
from talent.services.certification import record_exam_results, register_certificates


def staff_no_column() -> imports.Column:
    return imports.Column(
        "staff_no", _("工号"), imports.code(), example="JL0001", help=_("须为您管辖范围内的人员。")
    )


# What these imports read of a person: who it is (messages, audit labels), where
# (scope) and whose account (separation of duties). The rest is not loaded: 20,000
# rows load their people twice (dry run and commit).
PERSON_FIELDS = ("staff_no", "name", "unit", "user")


def people_problems(actor, rows, decision) -> tuple[dict[str, Person], list[Problem]]:
    """The rows' people in the actor's scope, and a problem for each row whose 工号
    is unknown or outside it (both read the same) or is the actor's own person
    (separation of duties: ``decision`` names the fact nobody records about themselves)."""
    people = people_by_staff_no(
        scope_for(actor), (r.values["staff_no"] for r in rows), fields=PERSON_FIELDS
    )
    problems = []
    for row in rows:
        if not row.has("staff_no"):
            continue
        person = people.get(row.values["staff_no"])
        row.refs["person"] = person
        if person is None:
            problems.append(
                Problem(row.number, "staff_no", staff_no_not_found(row.values["staff_no"]))
            )
        elif refusal := self_decision_refusal(actor, person, decision):
            problems.append(Problem(row.number, "staff_no", refusal))
    return people, problems


def commit_rows(rows, write) -> str:
    """Call one bulk service; a refusal the dry run could not foresee (the database
    moved in between) becomes a RowError, which rolls the whole import back."""
    try:
        return write()
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise imports.RowError(rows[0].number, "；".join(messages)) from error


def people_for(rows, actor) -> dict[str, Person]:
    """The rows' people by 工号: those the dry-run rule found in this run, else
    looked up again (within the actor's scope)."""
    if all(r.refs.get("person") is not None for r in rows):
        return {r.values["staff_no"]: r.refs["person"] for r in rows}
    return people_by_staff_no(
        scope_for(actor), (r.values["staff_no"] for r in rows), fields=PERSON_FIELDS
    )


# Certificates ------------------------------------------------------------------

IMPORT_STATUSES = [
    (CertificateStatus.VALID, CertificateStatus.VALID.label),
    (CertificateStatus.EXPIRED, CertificateStatus.EXPIRED.label),
    (CertificateStatus.REVOKED, CertificateStatus.REVOKED.label),
]
CURRENT = (CertificateStatus.PROPOSED, CertificateStatus.VALID)


def _status(values) -> str:
    return values["status"] or CertificateStatus.VALID


def validate_certificate(values) -> list[tuple[str, str]]:
    problems = []
    obtained, status = values["obtained_on"], _status(values)
    if values["valid_until"] and obtained and values["valid_until"] <= obtained:
        problems.append(("valid_until", _("有效期至应晚于取得日期")))
    if status == CertificateStatus.REVOKED:
        if values["revoked_on"] is None:
            problems.append(("revoked_on", _("状态为“已注销”时必须填写注销日期")))
        elif obtained and values["revoked_on"] < obtained:
            problems.append(("revoked_on", _("注销日期不能早于取得日期")))
    else:
        for key in ("revoked_on", "revoked_reason"):
            if values[key]:
                problems.append(
                    (key, _("只有状态为“已注销”的证书才填写此列，请清空或把状态改为“已注销”"))
                )
    return problems


def certificate_spec(*, actor) -> imports.ImportSpec:
    def check_rows(rows):
        people, problems = people_problems(actor, rows, Decision.CERTIFICATE)
        # The number: unique in the file (a column rule) and in the database.
        numbers = {r.values["number"]: r.number for r in rows if r.has("number")}
        taken = dict(
            Certificate.objects.filter(number__in=list(numbers)).values_list("number", "person_id")
        )
        problems += [
            Problem(
                numbers[n],
                "number",
                _("证书编号 %(n)s 已登记过，请核对编号，不要重复导入") % {"n": n},
            )
            for n in taken
        ]
        # One current certificate per person and level: within the file …
        problems += imports.duplicates(
            (r for r in rows if _status(r.values) == CertificateStatus.VALID),
            ("staff_no", "level"),
            "level",
            _(
                "与第 %(row)d 行是同一人同一等级的有效证书，一人每个等级只能有一张有效证书；"
                "旧证书请把状态填为“已失效”或“已注销”"
            ),
        )
        # … and against what is stored.
        stored = {
            (person_id, level): (status, number)
            for person_id, level, status, number in Certificate.objects.filter(
                person_id__in=[p.pk for p in people.values()], status__in=CURRENT
            ).values_list("person_id", "level", "status", "number")
        }
        for row in rows:
            person = people.get(row.values["staff_no"])
            if person is None or not row.has("level") or _status(row.values) not in CURRENT:
                continue
            found = stored.get((person.pk, row.values["level"]))
            if found is None:
                continue
            status, number = found
            if status == CertificateStatus.PROPOSED:
                message = _(
                    "该人员已有一张待确认的同等级证书（由考试成绩生成），"
                    "请在“职业资格证书”中确认那一张，不要再导入"
                )
            else:
                message = _(
                    "该人员已登记同等级的有效证书（编号 %(n)s），一人每个等级只能有一张有效证书"
                ) % {"n": number}
            problems.append(Problem(row.number, "level", message))
        return problems

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
            imports.Column(
                "obtained_on",
                _("取得日期"),
                imports.past_date,
                example="2025-03-01",
                help=_("不能晚于今天。"),
            ),
            imports.Column("valid_until", _("有效期至"), imports.date, required=False),
            imports.Column("authority", _("发证机关"), imports.text(100), required=False),
            imports.Column(
                "status",
                _("证书状态"),
                imports.choice(IMPORT_STATUSES),
                required=False,
                aliases=(_("状态"),),
                example=CertificateStatus.VALID.label,
                help=_("有效、已失效或已注销；不填视为有效。"),
            ),
            imports.Column(
                "revoked_on",
                _("注销日期"),
                imports.past_date,
                required=False,
                help=_("状态为“已注销”时必填。"),
            ),
            imports.Column("revoked_reason", _("注销原因"), imports.text(200), required=False),
        ],
        validate_row=validate_certificate,
        check_rows=check_rows,
    )


def apply_certificates(rows, *, actor) -> str:
    people = people_for(rows, actor)

    def certificate(row) -> Certificate:
        v = row.values
        result = Certificate(
            person=people[v["staff_no"]],
            level=v["level"],
            number=v["number"],
            obtained_on=v["obtained_on"],
            valid_until=v["valid_until"],
            status=_status(v),
            revoked_on=v["revoked_on"],
            revoked_reason=v["revoked_reason"] or "",
        )
        if v["authority"]:
            result.authority = v["authority"]
        return result

    certificates = [certificate(r) for r in rows]
    commit_rows(rows, lambda: register_certificates(actor=actor, certificates=certificates))
    summary = _("登记证书 %(n)d 张") % {"n": len(certificates)}
    revoked = sum(c.status == CertificateStatus.REVOKED for c in certificates)
    if revoked:
        summary += _("（其中已注销 %(n)d 张）") % {"n": revoked}
    return summary


CERTIFICATES = imports.Importer(spec=certificate_spec, apply=apply_certificates)


# Exam results ------------------------------------------------------------------

ATTEMPT_KEY = ("staff_no", "year", "level", "subject")


def validate_attempt(values) -> list[tuple[str, str]]:
    sat_on, year = values["sat_on"], values["year"]
    if sat_on and year and sat_on.year != year:
        return [("sat_on", _("考试日期不在考试年度 %(year)d 年内") % {"year": year})]
    return []


def exam_spec(*, actor) -> imports.ImportSpec:
    def check_rows(rows):
        people, problems = people_problems(actor, rows, Decision.EXAM)
        problems += imports.duplicates(
            rows, ATTEMPT_KEY, "subject", _("与第 %(row)d 行是同一人同一年度同一科目的成绩")
        )
        stored = {
            (no, year, level, subject): score
            for no, year, level, subject, score in ExamAttempt.objects.filter(
                person__in=list(people.values()),
                year__in={r.values["year"] for r in rows if r.has("year")},
            ).values_list("person__staff_no", "year", "level", "subject", "score")
        }
        for row in rows:
            if not row.has(*ATTEMPT_KEY, "score"):
                continue
            score = stored.get(tuple(row.values[k] for k in ATTEMPT_KEY))
            if score is not None and score != row.values["score"]:
                problems.append(
                    Problem(
                        row.number,
                        "score",
                        _(
                            "该科目已登记 %(stored)s 分，与本行不同；如需更正请在“考试成绩”中修改，"
                            "或删除本行"
                        )
                        % {"stored": score},
                    )
                )
        return problems

    return imports.ImportSpec(
        name="exam-results",
        title=_("考试成绩导入"),
        columns=[
            staff_no_column(),
            imports.Column(
                "year",
                _("考试年度"),
                imports.past_year(2000),
                example=2025,
                help=_("不能晚于今年。"),
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
            imports.Column(
                "sat_on",
                _("考试日期"),
                imports.past_date,
                required=False,
                aliases=(_("考试场次"),),
                example="2025-06-14",
                help=_("该科目的考试日期；不能晚于今天。"),
            ),
        ],
        validate_row=validate_attempt,
        check_rows=check_rows,
    )


def apply_exam_results(rows, *, actor) -> str:
    people = people_for(rows, actor)
    stored = set(
        ExamAttempt.objects.filter(person__in=list(people.values())).values_list(
            "person__staff_no", "year", "level", "subject"
        )
    )
    attempts = [
        ExamAttempt(
            person=people[r.values["staff_no"]],
            year=r.values["year"],
            level=r.values["level"],
            subject=r.values["subject"],
            score=r.values["score"],
            sat_on=r.values["sat_on"],
        )
        for r in rows
        # the dry run refused a different stored score; the same one is already there
        if tuple(r.values[k] for k in ATTEMPT_KEY) not in stored
    ]
    done: dict = {}

    def write():
        done["attempts"], done["proposed"] = record_exam_results(actor=actor, attempts=attempts)

    commit_rows(rows, write)
    summary = _("登记成绩 %(n)d 条，生成待确认证书 %(p)d 张") % {
        "n": len(attempts),
        "p": len(done["proposed"]),
    }
    if len(rows) > len(attempts):
        summary += _("；%(n)d 条此前已登记，未重复登记") % {"n": len(rows) - len(attempts)}
    return summary


EXAM_RESULTS = imports.Importer(spec=exam_spec, apply=apply_exam_results)
