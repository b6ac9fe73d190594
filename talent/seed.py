"""The default ladder 三岗二十一级 and policies (docs/decisions/0006-career-ladder.md).

Used by the data migration and after every ``migrate``/test flush (post_migrate), so a
database always has a ladder; ``get_or_create`` never overwrites edited numbers."""

from decimal import Decimal

CHINESE_NUMBERS = "一二三四五六七八九"

POSTS = [
    # code, name, rank, min grade, max grade
    ("other", "其他社区工作者", 1, 1, 15),
    ("deputy", "社区副职", 2, 4, 18),
    ("head", "社区正职", 3, 7, 21),
]


def grade_name(number: int) -> str:
    tens, ones = divmod(number, 10)
    word = {0: "", 1: "十", 2: "二十"}[tens] + (CHINESE_NUMBERS[ones - 1] if ones else "")
    return f"{word}级"


def ensure_default_ladder(apps=None) -> None:
    if apps is None:
        from django.apps import apps
    Grade = apps.get_model("talent", "Grade")
    Post = apps.get_model("talent", "Post")
    if not Grade.objects.exists():
        # 1.00 at grade 1, +0.05 per grade: grade 21 earns twice grade 1.
        Grade.objects.bulk_create(
            Grade(
                number=n,
                name=grade_name(n),
                pay_coefficient=Decimal("1.00") + Decimal("0.05") * (n - 1),
            )
            for n in range(1, 22)
        )
    if not Post.objects.exists():
        Post.objects.bulk_create(
            Post(code=code, name=name, rank=rank, min_grade=low, max_grade=high)
            for code, name, rank, low, high in POSTS
        )
    for model in ("PromotionPolicy", "CertificationPolicy"):
        policy = apps.get_model("talent", model)
        if not policy.objects.exists():
            policy.objects.create()


# level -> subjects, consecutive exam years to pass them in, review after the exam
EXAM_RULES = [
    (1, ["comprehensive", "practice"], 1, False),
    (2, ["comprehensive", "practice", "regulations"], 2, False),
    (3, ["practice"], 1, True),
]


def ensure_exam_rules(apps=None) -> None:
    """The national exam's rules as data (助理: both subjects in one year; 中级: three
    subjects within two consecutive years; 高级: 实务 then a review); never overwrites."""
    if apps is None:
        from django.apps import apps
    ExamRule = apps.get_model("talent", "ExamRule")
    for level, subjects, window, by_review in EXAM_RULES:
        ExamRule.objects.get_or_create(
            level=level,
            defaults={"subjects": subjects, "window_years": window, "by_review": by_review},
        )
