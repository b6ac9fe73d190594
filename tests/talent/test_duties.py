"""Separation of duties: an HR officer whose own person is in their scope tries
every decision about themselves; each is refused, naming the rule, and nothing
is written."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from talent.imports import ladder as ladder_imports
from talent.imports.base import run_import
from talent.models import (
    AnnualAssessment,
    CEHourEntry,
    Certificate,
    CertificateStatus,
    ExamAttempt,
    GradeChange,
    Post,
)
from talent.selectors.duties import may_decide_about
from talent.services import certification as certification_services
from talent.services import education as education_services
from talent.services import ladder as ladder_services
from tests.factories import PersonFactory
from tests.talent.factories_hr import certificate, place

RULE = "职责分离"


@pytest.fixture
def hr_self(jl_hr, district):
    """The 九龙街道 HR officer's own record: a community worker of 盘龙社区."""
    person = PersonFactory(unit=district["panlong"], name="任人事", user=jl_hr)
    place(person, 3)
    return person


def nothing_logged():
    return not ModelLogEntry.objects.filter(action__startswith="talent.").exclude(
        action="talent.scope.grant"
    )


@pytest.mark.django_db
def test_own_grade_change_is_refused(jl_hr, hr_self):
    with pytest.raises(ValidationError, match="职责分离：不能登记本人的等级变动"):
        ladder_services.record_grade_change(
            actor=jl_hr,
            person=hr_self,
            post=Post.objects.get(code="deputy"),
            grade_number=6,
            effective_on=datetime.date(2026, 11, 1),
            reason="appointment",
        )
    assert GradeChange.objects.filter(person=hr_self).count() == 1
    hr_self.refresh_from_db()
    assert hr_self.post.code == "other" and nothing_logged()


@pytest.mark.django_db
def test_own_assessment_is_refused_new_or_corrected(jl_hr, hr_self):
    with pytest.raises(ValidationError, match="职责分离：不能登记本人的年度考核"):
        ladder_services.record_assessment(
            actor=jl_hr, person=hr_self, year=2025, result="excellent"
        )
    assert not AnnualAssessment.objects.exists()
    stored = AnnualAssessment.objects.create(person=hr_self, year=2024, result="basic")
    stored.result = "excellent"
    with pytest.raises(ValidationError, match=RULE):
        ladder_services.save_assessment(actor=jl_hr, assessment=stored)
    stored.refresh_from_db()
    assert stored.result == "basic" and nothing_logged()


@pytest.mark.django_db
def test_own_certificate_is_refused_and_gives_no_bonus_grade(jl_hr, hr_self):
    senior = Certificate(
        person=hr_self,
        level=3,
        number="CQ-SELF-1",
        obtained_on=datetime.date(2026, 6, 1),
        status=CertificateStatus.VALID,
    )
    with pytest.raises(ValidationError, match="职责分离：不能登记或确认本人的证书"):
        certification_services.save_certificate(actor=jl_hr, certificate=senior)
    assert not Certificate.objects.exists()
    assert GradeChange.objects.filter(person=hr_self).count() == 1  # no 3 -> 5 bonus
    assert nothing_logged()


@pytest.mark.django_db
def test_confirming_own_proposed_certificate_is_refused(jl_hr, hr_self):
    proposed = certificate(hr_self, 2, status=CertificateStatus.PROPOSED, number="")
    with pytest.raises(ValidationError, match=RULE):
        certification_services.confirm_certificate(
            actor=jl_hr,
            certificate=proposed,
            number="CQ-SELF-2",
            obtained_on=datetime.date(2026, 6, 1),
        )
    proposed.refresh_from_db()
    assert proposed.status == CertificateStatus.PROPOSED and proposed.confirmed_by is None


@pytest.mark.django_db
def test_own_exam_result_is_refused(jl_hr, hr_self):
    with pytest.raises(ValidationError, match="职责分离：不能登记本人的考试成绩"):
        certification_services.record_exam_attempt(
            actor=jl_hr,
            person=hr_self,
            year=2025,
            level=1,
            subject="practice",
            score=Decimal(88),
        )
    assert not ExamAttempt.objects.exists() and nothing_logged()


@pytest.mark.django_db
def test_own_ce_hours_are_refused(jl_hr, hr_self):
    with pytest.raises(ValidationError, match="职责分离：不能登记本人的继续教育学时"):
        education_services.record_ce_hours(
            actor=jl_hr,
            person=hr_self,
            hours=Decimal(20),
            source="external",
            source_ref="self-study",
            earned_on=datetime.date(2026, 10, 1),
        )
    assert not CEHourEntry.objects.exists() and nothing_logged()


@pytest.mark.django_db
def test_someone_else_in_scope_is_still_recorded(jl_hr, hr_self, people):
    ladder_services.record_assessment(
        actor=jl_hr, person=people["panlong"], year=2025, result="competent"
    )
    assert AnnualAssessment.objects.filter(person=people["panlong"]).exists()
    assert may_decide_about(jl_hr, people["panlong"], "assessment")
    assert not may_decide_about(jl_hr, hr_self, "assessment")


@pytest.mark.django_db
def test_admin_forms_do_not_offer_oneself(client, jl_hr, hr_self, people):
    client.force_login(jl_hr)
    for name in ("talent_certificate", "talent_assessment", "talent_examattempt"):
        # the person field is a scoped chooser: what it accepts is its queryset
        offered = client.get(reverse(f"{name}:add")).context["form"].fields["person"].queryset
        assert offered.filter(pk=people["panlong"].pk).exists(), name
        assert not offered.filter(pk=hr_self.pk).exists(), name
    response = client.post(
        reverse("talent_assessment:add"),
        {"person": hr_self.pk, "year": 2025, "result": "excellent", "note": ""},
    )
    assert response.status_code == 200 and not AnnualAssessment.objects.exists()


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "考核年度", "考核结果"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "assessments.xlsx"
    return data


@pytest.mark.django_db
def test_import_names_the_own_row_and_writes_nothing(jl_hr, hr_self, people):
    upload = _workbook(
        [[people["panlong"].staff_no, 2025, "称职"], [hr_self.staff_no, 2025, "优秀"]]
    )
    result = run_import(
        ladder_imports.assessment_spec(actor=jl_hr),
        upload,
        actor=jl_hr,
        commit=True,
        apply=lambda rows: ladder_imports.apply_assessments(rows, actor=jl_hr),
    )
    assert not result.committed
    [error] = result.errors
    assert error.row == 3 and "职责分离：不能登记本人的年度考核" in error.message
    assert not AnnualAssessment.objects.exists()
