"""Spreadsheet imports of the lms app, on the shared framework (``talent.imports``):
the question bank 题库导入 and cohort members 班级学员导入."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lms.models import Cohort, ExamLevel, ExamSubject, Question, QuestionKind
from lms.models.exams import OPTION_LETTERS
from lms.permissions import organiser_scope
from lms.services.programme import add_members
from talent import api as talent

imports = talent.imports
OPTION_KEYS = [f"option_{letter.lower()}" for letter in OPTION_LETTERS]


def _answer(value) -> str:
    raw = imports.clean_text(value).upper().replace(",", "").replace("、", "").replace(" ", "")
    if not raw or any(c not in OPTION_LETTERS for c in raw) or len(set(raw)) != len(raw):
        raise imports.CellValueError(_("答案应为 A–E 中的字母，如 B 或 ACD"))
    return "".join(sorted(raw))


def _check_question(values) -> list[tuple[str, str]]:
    options = [values[k] for k in OPTION_KEYS if values.get(k)]
    answer = values["answer"]
    problems = []
    present = OPTION_LETTERS[: len(options)]
    if any(not values.get(k) for k in OPTION_KEYS[: len(options)]):
        problems.append(("option_a", _("选项需从 A 开始连续填写，中间不能空缺")))
    if any(c not in present for c in answer):
        problems.append(("answer", _("答案中的选项不存在")))
    elif values["kind"] == QuestionKind.SINGLE and len(answer) != 1:
        problems.append(("answer", _("单项选择题只能有一个正确答案")))
    elif values["kind"] == QuestionKind.MULTIPLE and len(answer) < 2:
        problems.append(("answer", _("多项选择题至少有两个正确答案")))
    return problems


def _no_duplicate_stems(rows: list[imports.ParsedRow]) -> list[imports.Problem]:
    """A stem already in the bank (same subject) is refused, so importing the same
    file twice does not double the bank."""
    stems = {(r.values["subject"], r.values["stem"]): r.number for r in rows if r.has("stem")}
    existing = Question.objects.filter(stem__in=[stem for _s, stem in stems]).values_list(
        "subject", "stem"
    )
    return [
        imports.Problem(stems[key], "stem", _("题库中已有相同题干的试题，请删除本行"))
        for key in existing
        if key in stems
    ]


def question_spec() -> imports.ImportSpec:
    option_columns = [
        imports.Column(
            key,
            _("选项%(letter)s") % {"letter": letter},
            imports.text(500),
            required=index < 2,
            example=["家庭成员的收入", "家庭财产状况", "户籍", None, None][index],
        )
        for index, (key, letter) in enumerate(zip(OPTION_KEYS, OPTION_LETTERS, strict=True))
    ]
    return imports.ImportSpec(
        name="questions",
        title=_("题库导入"),
        columns=[
            imports.Column(
                "level",
                _("级别"),
                imports.choice(ExamLevel.choices),
                example=ExamLevel.ASSISTANT.label,
            ),
            imports.Column(
                "subject",
                _("科目"),
                imports.choice(ExamSubject.choices),
                example=ExamSubject.LAW.label,
            ),
            imports.Column("topic", _("知识点"), imports.text(60), example="社会救助法规与政策"),
            imports.Column(
                "kind",
                _("题型"),
                imports.choice(QuestionKind.choices),
                example=QuestionKind.MULTIPLE.label,
            ),
            imports.Column(
                "stem",
                _("题干"),
                imports.text(2000),
                unique=True,
                example="审核低保申请时，需要核查的内容有（  ）。",
            ),
            *option_columns,
            imports.Column(
                "answer",
                _("正确答案"),
                _answer,
                example="AB",
                help=_("填写选项字母：单选如 B，多选如 ACD。"),
            ),
            imports.Column("explanation", _("解析"), imports.text(2000), required=False),
        ],
        max_rows=5_000,
        validate_row=_check_question,
        check_rows=_no_duplicate_stems,
    )


def apply_questions(rows: list[imports.ParsedRow]) -> str:
    Question.objects.bulk_create(
        [
            Question(
                level=r.values["level"],
                subject=r.values["subject"],
                topic=r.values["topic"],
                kind=r.values["kind"],
                stem=r.values["stem"],
                options=[r.values[k] for k in OPTION_KEYS if r.values.get(k)],
                answer=r.values["answer"],
                explanation=r.values["explanation"] or "",
            )
            for r in rows
        ],
        batch_size=500,
    )
    return _("新增试题 %(n)d 道") % {"n": len(rows)}


def members_spec(*, actor, **_context) -> imports.ImportSpec:
    scope = organiser_scope(actor)

    def check_rows(rows: list[imports.ParsedRow]) -> list[imports.Problem]:
        """Every 工号 must be a person in the organiser's scope (an unknown number and
        one outside the scope read the same); a 姓名, when given, must match, which
        catches a mistyped number."""
        people = talent.people_by_staff_no(scope, (r.values["staff_no"] for r in rows))
        errors = []
        for row in rows:
            if not row.has("staff_no"):
                continue
            person = people.get(row.values["staff_no"])
            if person is None:
                errors.append(
                    imports.Problem(
                        row.number, "staff_no", talent.staff_no_not_found(row.values["staff_no"])
                    )
                )
            elif row.values["name"] and row.values["name"] != person.name:
                errors.append(
                    imports.Problem(
                        row.number,
                        "name",
                        _("与工号对应的姓名“%(name)s”不一致") % {"name": person.name},
                    )
                )
        return errors

    return imports.ImportSpec(
        name="cohort-members",
        title=_("班级学员导入"),
        columns=[
            imports.Column("staff_no", _("工号"), imports.code(), unique=True, example="JL0001"),
            imports.Column(
                "name",
                _("姓名"),
                imports.text(50),
                required=False,
                example="",
                help=_("选填；填写后会与工号核对，防止工号填错。"),
            ),
        ],
        check_rows=check_rows,
    )


def cohort_for(*, actor, cohort: int) -> Cohort:
    """The cohort of a members import, refused unless the organiser manages it."""
    found = Cohort.objects.select_related("unit").filter(pk=cohort).first()
    if found is None or not organiser_scope(actor).contains_unit(found.unit):
        raise PermissionDenied
    return found


def apply_members(rows: list[imports.ParsedRow], *, actor, cohort) -> str:
    if not isinstance(cohort, Cohort):
        cohort = cohort_for(actor=actor, cohort=cohort)
    people = talent.Person.objects.filter(
        staff_no__in=[r.values["staff_no"] for r in rows]
    ).select_related("unit")
    added = add_members(actor=actor, cohort=cohort, people=people)
    return _("新加入 %(added)d 人，已在班级中 %(same)d 人") % {
        "added": added,
        "same": len(rows) - added,
    }


QUESTIONS = imports.Importer(
    spec=lambda *, actor: question_spec(),
    apply=lambda rows, *, actor: apply_questions(rows),
)
MEMBERS = imports.Importer(spec=members_spec, apply=apply_members, audit_object=cohort_for)
