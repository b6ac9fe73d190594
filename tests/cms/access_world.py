"""The world the access matrix probes: one district with a secret subtree and an
outside one, every kind of record in both, and one login per role.

Everything that belongs to the secret subtree (people, units, records, its
university's student and the logins of its people) carries ``MARK`` in its
name, staff number, title or number, so a page that shows an outsider anything
of it is caught by one substring test, whatever the page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from lms.models import (
    CheckInRule,
    CheckInSession,
    Mentorship,
    PracticeEvidence,
    PracticeLog,
    Question,
    RoadshowSlot,
    RubricCriterion,
    Salon,
    SalonTheme,
    SessionKind,
    SignUp,
)
from lms.services.cases import submit_case
from lms.services.exams import start_attempt
from lms.services.programme import add_members
from talent.models import (
    AnnualAssessment,
    CalendarDay,
    CEHourEntry,
    Certificate,
    CertificationTarget,
    ExamEntry,
    ExamRule,
    ExamSitting,
    Grade,
    GradeChange,
    JobKind,
    Person,
    Placement,
    PlacementStatus,
    Post,
    PromotionCandidate,
    PromotionObjection,
    PromotionPolicy,
    PromotionReview,
    RegistrationPeriod,
    Role,
    RotationPlan,
    RotationStage,
    SpreadsheetJob,
    UnitKind,
)
from talent.models import (
    ExamAttempt as TalentExamAttempt,
)
from talent.services.access import grant_role
from tests.factories import make_unit
from tests.lms.factories_programme import (
    make_blueprint,
    make_cohort,
    make_programme,
    make_questions,
)
from tests.talent.factories_placements import PracticeBaseFactory, UniversityFactory

MARK = "QZV"
PASSWORD = "pw-for-tests"


def _user(username: str, person: Person | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def _person(unit, name: str, staff_no: str, **fields) -> Person:
    return Person.objects.create(unit=unit, name=name, staff_no=staff_no, **fields)


class Side:
    """The records of one subtree (``secret`` or ``outside``)."""

    def __init__(self, tag: str, district, label: str):
        m = tag  # "QZV" for the secret side, "OUT" for the outside one
        now = timezone.now()
        today = timezone.localdate()
        self.subdistrict = make_unit(f"{label}街道{m}", parent=district, kind=UnitKind.SUBDISTRICT)
        self.community = make_unit(f"{label}社区{m}", parent=self.subdistrict)
        self.centre = make_unit(
            f"{label}社工中心{m}", parent=self.subdistrict, kind=UnitKind.CENTRE
        )
        self.studio = make_unit(f"{label}社工室{m}", parent=self.centre, kind=UnitKind.STUDIO)
        # partner universities are shared by the district (any base may host any
        # university's students): their names are not the subtree's
        self.university_unit = make_unit(f"{label}大学", kind=UnitKind.UNIVERSITY)
        self.university = UniversityFactory(unit=self.university_unit)

        self.learner = _person(self.community, f"{label}学员{m}", f"{m}001")
        self.mentor = _person(self.centre, f"{label}导师{m}", f"{m}002", kind="social_worker")
        self.student = _person(self.university_unit, f"{label}学生{m}", f"{m}003", kind="intern")
        self.hr_person = _person(self.subdistrict, f"{label}人事{m}", f"{m}004")
        self.organiser_person = _person(self.subdistrict, f"{label}组织{m}", f"{m}005")

        self.learner_user = _user(f"{m.lower()}_learner", self.learner)
        self.mentor_user = _user(f"{m.lower()}_mentor", self.mentor)
        self.hr = _user(f"{m.lower()}_hr", self.hr_person)
        self.organiser = _user(f"{m.lower()}_organiser", self.organiser_person)
        self.district_admin = _user(f"{m.lower()}_district")
        self.partner = _user(f"{m.lower()}_partner")
        grant_role(actor=None, user=self.learner_user, role=Role.LEARNER, unit=self.community)
        grant_role(actor=None, user=self.mentor_user, role=Role.MENTOR, unit=self.centre)
        self.grant = grant_role(actor=None, user=self.hr, role=Role.HR, unit=self.subdistrict)
        grant_role(actor=None, user=self.organiser, role=Role.ORGANISER, unit=self.subdistrict)
        grant_role(
            actor=None, user=self.district_admin, role=Role.DISTRICT_ADMIN, unit=self.subdistrict
        )
        grant_role(actor=None, user=self.partner, role=Role.PARTNER, unit=self.university_unit)

        # certification and the ladder
        self.certificate = Certificate.objects.create(
            person=self.learner,
            level=1,
            number=f"{m}-CERT-1",
            obtained_on=datetime.date(2024, 6, 1),
        )
        self.registration = RegistrationPeriod.objects.create(
            person=self.learner,
            certificate=self.certificate,
            starts_on=datetime.date(2024, 6, 1),
            ends_on=datetime.date(2027, 5, 31),
            required_hours=72,
        )
        self.exam_result = TalentExamAttempt.objects.create(
            person=self.learner, year=2024, level=1, subject="comprehensive", score=Decimal("70")
        )
        self.target = CertificationTarget.objects.create(
            name=f"{label}持证目标{m}",
            unit=self.subdistrict,
            person_kind="community_worker",
            rate=89,
            deadline=datetime.date(2030, 12, 31),
        )
        self.ce_hours = CEHourEntry.objects.create(
            person=self.learner,
            hours=Decimal("3"),
            source="other",
            source_ref=f"{m}-ce",
            earned_on=today,
            description=f"{label}培训{m}",
        )
        self.assessment = AnnualAssessment.objects.create(
            person=self.learner, year=2024, result="competent", note=f"{m}考核"
        )
        self.grade_change = GradeChange.objects.create(
            person=self.learner,
            post=Post.objects.get(code="other"),
            grade=Grade.objects.get(number=3),
            effective_on=datetime.date(2020, 1, 1),
            reason="initial",
            note=f"{m}定级",
        )
        self.review = PromotionReview.objects.create(
            unit=self.subdistrict, review_date=today, title=f"{label}晋级评审{m}"
        )
        self.candidate = PromotionCandidate.objects.create(
            review=self.review,
            person=self.learner,
            post=Post.objects.get(code="other"),
            from_grade=3,
            to_grade=4,
        )
        self.objection = PromotionObjection.objects.create(
            review=self.review,
            candidate=self.candidate,
            raised_by=self.mentor,
            text=f"{label}异议{m}",
        )
        # spreadsheet jobs (an HR import, a partner's transcript export)
        self.job = SpreadsheetJob.objects.create(
            owner=self.hr, kind=JobKind.IMPORT, title=f"{label}导入{m}", handler="x"
        )
        self.partner_job = SpreadsheetJob.objects.create(
            owner=self.partner,
            kind=JobKind.EXPORT,
            title=f"{label}成绩单{m}",
            handler="x",
            page_name="partner_job",
        )

        # placements
        self.base = PracticeBaseFactory(
            university=self.university, host_unit=self.community, name=f"{label}基地{m}"
        )
        self.placement = Placement.objects.create(
            kind="intern",
            person=self.student,
            base=self.base,
            host_unit=self.community,
            supervisor=self.mentor,
            start=today - datetime.timedelta(days=10),
            end=today + datetime.timedelta(days=60),
            term="2026-spring",
            required_hours=Decimal("120"),
            status=PlacementStatus.ACTIVE,
        )
        self.rotation = RotationPlan.objects.create(
            name=f"{label}轮岗{m}",
            start=today,
            weekly_hours=Decimal("20"),
            created_by=self.organiser,
        )
        RotationStage.objects.create(plan=self.rotation, order=1, host_unit=self.community, weeks=4)

        # practice, check-in and salons
        self.mentorship = Mentorship.objects.create(
            mentor=self.mentor, mentee=self.learner, started_on=today, goal=f"{m}帮带"
        )
        self.log = PracticeLog.objects.create(
            person=self.learner,
            mentorship=self.mentorship,
            date=today,
            hours=Decimal("2"),
            activity=f"{label}走访{m}",
        )
        self.evidence = PracticeEvidence(log=self.log, place=f"{label}地点{m}")
        self.evidence.photo.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
        self.session = CheckInSession.objects.create(
            kind=SessionKind.CLASS,
            title=f"{label}课堂{m}",
            owner=self.organiser,
            unit=self.subdistrict,
            planned_start=now - datetime.timedelta(minutes=5),
            planned_end=now + datetime.timedelta(hours=2),
            signup_enabled=True,
        )
        self.signup = SignUp.objects.create(
            session=self.session, person=self.learner, status="registered", joined_at=now
        )
        self.salon = Salon.objects.create(
            centre=self.centre,
            cycle="2031-01" if m == MARK else "2031-03",
            title=f"{label}沙龙{m}",
            theme=SalonTheme.objects.order_by("sort_order").first(),
            starts_at=now + datetime.timedelta(days=10),
            ends_at=now + datetime.timedelta(days=10, hours=2),
            venue=f"{label}会场{m}",
        )
        self.salon.judges.add(self.mentor_user)
        self.slot = RoadshowSlot.objects.create(
            salon=self.salon, order=1, studio=self.studio, title=f"{label}路演{m}"
        )


class World:
    def __init__(self):
        self.district = make_unit("矩阵区", kind=UnitKind.DISTRICT, code="matrix")
        self.secret = Side(MARK, self.district, "秘")
        self.outside = Side("OUT", self.district, "外")
        self.superuser = get_user_model().objects.create_superuser(
            "matrix_admin", password=PASSWORD
        )

        # shared catalogues and learning content (district-wide, no MARK)
        programme = make_programme()
        self.programme = programme["programme"]
        self.tier = programme["tier"]
        self.stage = programme["case"]
        self.course = programme["courses"][0]
        self.lesson = self.course.get_children().first()
        self.task = programme["task"]
        make_questions()
        self.blueprint = make_blueprint(singles=2, multiples=1)
        # the national exam's sittings and the calendar are shared; a sitting's 报名
        # list names people of both subtrees
        today = timezone.localdate()
        self.sitting = ExamSitting.objects.create(
            year=today.year + 1,
            name="矩阵考试",
            registration_deadline=today + datetime.timedelta(days=30),
            exam_starts_on=today + datetime.timedelta(days=60),
            exam_ends_on=today + datetime.timedelta(days=61),
            results_on=today + datetime.timedelta(days=120),
        )
        self.calendar_day = CalendarDay.objects.create(
            date=today + datetime.timedelta(days=3), name="矩阵调休", is_workday=True
        )

        for side in (self.secret, self.outside):
            tag = MARK if side is self.secret else "OUT"
            side.cohort = make_cohort(
                self.tier, side.subdistrict, name=f"班级{tag}", mentors=[side.mentor]
            )
            add_members(actor=None, cohort=side.cohort, people=[side.learner])
            side.submission = submit_case(
                actor=side.learner_user,
                person=side.learner,
                task=self.task,
                text=f"案例内容{tag}：服务对象为独居老人，两次入户走访后完成需求评估。",
            )
            ExamEntry.objects.create(sitting=self.sitting, person=side.learner, level=1)
            side.lms_attempt = start_attempt(
                actor=side.learner_user, person=side.learner, blueprint=self.blueprint
            )

    def objects(self, side: Side) -> dict:
        """Key → the object a URL parameter takes, on one side (shared ones alike)."""
        return {
            "person": side.learner,
            "student": side.student,
            "unit": side.community,
            "user": side.learner_user,
            "grant": side.grant,
            "certificate": side.certificate,
            "registration": side.registration,
            "exam_result": side.exam_result,
            "target": side.target,
            "ce_hours": side.ce_hours,
            "assessment": side.assessment,
            "grade_change": side.grade_change,
            "review": side.review,
            "candidate": side.candidate,
            "objection": side.objection,
            "job": side.job,
            "partner_job": side.partner_job,
            "university": side.university,
            "base": side.base,
            "placement": side.placement,
            "rotation": side.rotation,
            "mentorship": side.mentorship,
            "log": side.log,
            "evidence": side.evidence,
            "session": side.session,
            "signup": side.signup,
            "salon": side.salon,
            "slot": side.slot,
            "cohort": side.cohort,
            "submission": side.submission,
            "lms_attempt": side.lms_attempt,
            # shared catalogues and content: the same on both sides
            "programme": self.programme,
            "tier": self.tier,
            "stage": self.stage,
            "task": self.task,
            "question": Question.objects.first(),
            "blueprint": self.blueprint,
            "course": self.course,
            "lesson": self.lesson,
            "checkin_rule": CheckInRule.objects.first(),
            "theme": SalonTheme.objects.first(),
            "rubric": RubricCriterion.objects.first(),
            "post": Post.objects.first(),
            "grade": Grade.objects.first(),
            "policy": PromotionPolicy.load(),
            "sitting": self.sitting,
            "exam_rule": ExamRule.objects.first(),
            "calendar_day": self.calendar_day,
        }


__all__ = ["MARK", "PASSWORD", "World"]
