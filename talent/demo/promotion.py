"""Demo promotion round for 九龙街道, in progress: drafted and published by the
street's HR officer (renshi) two working days ago, so its 公示 runs for a few
more days; one objection answered, one waiting. The district admin (quji) is the
second approver once the period ends. Also a believable, fixed career for the
learner login (xueyuan): one year short in grade and a 基本称职 in the window, so
My career shows what is missing. The HR officer (renshi) has a clean record, so
their own row shows as eligible yet not listable by themselves.

Idempotent: nothing is added once the round exists.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from talent.models import (
    AnnualAssessment,
    AssessmentResult,
    CalendarDay,
    CEHourEntry,
    Certificate,
    CESource,
    Grade,
    GradeChange,
    GradeChangeReason,
    ObjectionOutcome,
    OrgUnit,
    PayPolicy,
    Person,
    Post,
    PromotionReview,
    RegistrationPeriod,
)
from talent.selectors import promotion as rounds
from talent.selectors.calendar import is_working_day
from talent.services import promotion as services

LEARNER_STAFF_NO = "JL0001"


def _title(today: datetime.date) -> str:
    return f"{today.year}年度九龙街道晋级评审"


def _working_days_back(today: datetime.date, count: int) -> datetime.date:
    day, seen = today, 0
    while seen < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day, {}):
            seen += 1
    return day


def _learner_career(today: datetime.date) -> None:
    """xueyuan: 其他社区工作者, placed at 3 in 2019, promoted to 4 two years ago;
    2 of the last 3 assessments 称职, one 基本称职; some training hours and no
    certificate yet: she is in this year's 考试专班 (``lms.demo.exam_cycle``) for
    her first, 助理社会工作师."""
    person = Person.objects.filter(staff_no=LEARNER_STAFF_NO).first()
    if person is None:
        return
    other = Post.objects.get(code="other")
    grades = {g.number: g for g in Grade.objects.filter(number__in=[3, 4])}
    person.post, person.education = other, "bachelor"
    person.joined_on = datetime.date(2016, 7, 1)
    person.save(update_fields=["post", "education", "joined_on"])
    GradeChange.objects.filter(person=person).delete()
    GradeChange.objects.bulk_create(
        [
            GradeChange(
                person=person,
                post=other,
                grade=grades[3],
                effective_on=datetime.date(2019, 7, 1),
                reason=GradeChangeReason.INITIAL,
                note="2019 年三岗二十一级套改",
            ),
            GradeChange(
                person=person,
                post=other,
                grade=grades[4],
                effective_on=datetime.date(today.year - 2, 9, 1),
                reason=GradeChangeReason.PROMOTION,
                note=f"{today.year - 2}年度晋级",
            ),
        ]
    )
    AnnualAssessment.objects.filter(person=person).delete()
    results = [AssessmentResult.COMPETENT, AssessmentResult.BASIC, AssessmentResult.COMPETENT]
    AnnualAssessment.objects.bulk_create(
        [
            AnnualAssessment(person=person, year=today.year - 4, result=AssessmentResult.EXCELLENT),
            *(
                AnnualAssessment(person=person, year=today.year - 3 + n, result=r)
                for n, r in enumerate(results)
            ),
        ]
    )
    CEHourEntry.objects.filter(person=person).delete()
    RegistrationPeriod.objects.filter(person=person).delete()
    Certificate.objects.filter(person=person).delete()
    start = datetime.date(today.year - 1, 3, 1)
    CEHourEntry.objects.bulk_create(
        [
            CEHourEntry(
                person=person,
                hours=Decimal(hours),
                source=source,
                source_ref=f"demo:xueyuan:{n}",
                description=text,
                earned_on=min(today, start + datetime.timedelta(days=40 * (n + 1))),
            )
            for n, (hours, source, text) in enumerate(
                [
                    (8, CESource.COURSE, "社区治理实务"),
                    (6, CESource.SALON, "双月能力提升沙龙"),
                    (12, CESource.TRAINING, "九龙街道社工骨干培训"),
                ]
            )
        ]
    )


def _clean_record(person: Person | None, today: datetime.date) -> None:
    """称职 in each of the last three years: the assessment rule passes."""
    if person is None:
        return
    for year in range(today.year - 3, today.year):
        AnnualAssessment.objects.update_or_create(
            person=person, year=year, defaults={"result": AssessmentResult.COMPETENT}
        )


@transaction.atomic
def build() -> bool:
    jiulong = OrgUnit.objects.filter(code="jl").first()
    User = get_user_model()
    renshi = User.objects.filter(username="renshi").first()
    if jiulong is None or renshi is None:
        return False
    today = timezone.localdate()
    if PromotionReview.objects.filter(title=_title(today)).exists():
        return False
    CalendarDay.objects.get_or_create(
        date=datetime.date(today.year + 1, 1, 1), defaults={"name": "元旦"}
    )
    pay = PayPolicy.load()
    pay.show_amount_to_staff = True
    pay.save()
    _learner_career(today)
    _clean_record(Person.objects.filter(user=renshi).first(), today)

    published_on = _working_days_back(today, 2)
    review = services.create_review(
        actor=renshi, unit=jiulong, review_date=published_on, title=_title(today)
    )
    eligible = [row.person.pk for row in rounds.round_rows(review, renshi) if row.listable]
    services.list_candidates(actor=renshi, review=review, person_ids=eligible)
    services.publish_review(actor=renshi, review=review, today=published_on)
    listed = list(rounds.listed_candidates(review))
    learner = User.objects.filter(username="xueyuan").first()
    mentor = User.objects.filter(username="daoshi").first()
    if len(listed) < 2 or learner is None or mentor is None:
        return True
    answered = services.raise_objection(
        actor=learner,
        review=review,
        candidate=listed[0],
        text="该同志去年曾借调街道工作半年，任职年限是否应连续计算？",
        today=published_on,
    )
    services.answer_objection(
        actor=renshi,
        objection=answered,
        answer="经核实，借调期间人事关系仍在本社区，任职年限连续计算，维持名单。",
        outcome=ObjectionOutcome.DISMISSED,
    )
    services.raise_objection(
        actor=mentor,
        review=review,
        candidate=listed[1],
        text="该同志上一年度考核结果是否已经街道复核？请予说明。",
        today=today,
    )
    return True
