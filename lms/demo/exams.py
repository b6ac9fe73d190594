"""Demo question bank (from lms.demo.questions) and the mock papers drawn from it."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import combinations

from lms.demo.questions import BANK
from lms.models import (
    CoursePage,
    ExamBlueprint,
    ExamLevel,
    Question,
    QuestionKind,
)
from lms.models.exams import OPTION_LETTERS

SEED = 20260372
QUIZ = "综合能力随堂小测"


def _questions_for(subject: str, level: str, topic: str, trues, falses, rng) -> list[Question]:
    made = []
    wrongs = [f for f, _ in falses]
    notes = "；".join(f"“{f}”错误，{c}" for f, c in falses)

    def question(kind, stem, options, answer_indices, explanation):
        order = list(range(len(options)))
        rng.shuffle(order)
        shuffled = [options[i] for i in order]
        answer = "".join(sorted(OPTION_LETTERS[order.index(i)] for i in answer_indices))
        return Question(
            level=level,
            subject=subject,
            topic=topic,
            kind=kind,
            stem=stem,
            options=shuffled,
            answer=answer,
            explanation=explanation,
        )

    for true in trues:  # one right among three wrong
        made.append(
            question(
                QuestionKind.SINGLE,
                f"关于{topic}，下列说法正确的是（  ）。",
                [true, *wrongs],
                [0],
                f"正确说法：{true}。{notes}。",
            )
        )
    for index, (wrong, correction) in enumerate(falses):  # one wrong among three right
        rights = [trues[(index + k) % len(trues)] for k in range(3)]
        made.append(
            question(
                QuestionKind.SINGLE,
                f"关于{topic}，下列说法错误的是（  ）。",
                [wrong, *rights],
                [0],
                f"“{wrong}”错误，{correction}。",
            )
        )
    combos = [c for n in (2, 3, 4) for c in combinations(range(4), n)]
    for combo in rng.sample(combos, 6):  # several right, the rest wrong, five options
        rights = [trues[i] for i in combo]
        options = rights + wrongs[: 5 - len(rights)]
        made.append(
            question(
                QuestionKind.MULTIPLE,
                f"关于{topic}，下列说法正确的有（  ）。",
                options,
                list(range(len(rights))),
                f"正确的有：{'；'.join(rights)}。{notes}。",
            )
        )
    return made


def build_question_bank() -> int:
    if Question.objects.exists():
        return 0
    rng = random.Random(SEED)
    questions = []
    for subject, topics in BANK.items():
        level = ExamLevel.INTERMEDIATE if subject == "law" else ExamLevel.ASSISTANT
        for topic, trues, falses in topics:
            questions += _questions_for(subject, level, topic, trues, falses, rng)
    Question.objects.bulk_create(questions)
    return len(questions)


def build_blueprints() -> dict[str, ExamBlueprint]:
    specs = [
        (QUIZ, ExamLevel.ASSISTANT, "comprehensive", 10, "1", 5, "2", 15),
        (
            "助理社会工作师·综合能力模拟卷",
            ExamLevel.ASSISTANT,
            "comprehensive",
            40,
            "1.5",
            20,
            "2",
            90,
        ),
        ("助理社会工作师·实务模拟卷", ExamLevel.ASSISTANT, "practice", 40, "1.5", 20, "2", 90),
        ("社会工作师·法规与政策模拟卷", ExamLevel.INTERMEDIATE, "law", 40, "1.5", 20, "2", 90),
    ]
    # A drill 专项练习 per 助理 topic: the study plan offers it beside a weak topic.
    for subject in ("comprehensive", "practice"):
        for topic, _trues, _falses in BANK[subject]:
            ExamBlueprint.objects.get_or_create(
                name=f"专项练习·{topic}",
                defaults={
                    "level": ExamLevel.ASSISTANT,
                    "subject": subject,
                    "topic": topic,
                    "single_count": 6,
                    "single_points": Decimal("2"),
                    "multiple_count": 4,
                    "multiple_points": Decimal("2"),
                    "time_limit_minutes": 15,
                },
            )
    result = {}
    for name, level, subject, singles, sp, multiples, mp, minutes in specs:
        result[name], _ = ExamBlueprint.objects.get_or_create(
            name=name,
            defaults={
                "level": level,
                "subject": subject,
                "single_count": singles,
                "single_points": Decimal(sp),
                "multiple_count": multiples,
                "multiple_points": Decimal(mp),
                "time_limit_minutes": minutes,
            },
        )
    return result


# Learning records ------------------------------------------------------------


def tag_course_topics() -> None:
    """Which exam topics the demo's courses cover (the study plan links them)."""
    covers = {
        "exam-comprehensive": [t for t, _a, _b in BANK["comprehensive"]],
        "exam-practice": [t for t, _a, _b in BANK["practice"]],
        "exam-law": [t for t, _a, _b in BANK["law"]],
        "role-and-ethics": ["社会工作价值观与专业伦理"],
    }
    for slug, topics in covers.items():
        CoursePage.objects.filter(slug=slug, exam_topics="").update(exam_topics="、".join(topics))
