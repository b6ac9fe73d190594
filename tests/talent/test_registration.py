"""Registration lifecycle: status per certificate, CE hours of the current period,
(re-)registration, reminders at 90/60/30/7 days (once each) and the lapsed list."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from talent.models import (
    CEHourEntry,
    CertificationPolicy,
    Notification,
    RegistrationPeriod,
    RegistrationReminder,
    Role,
)
from talent.selectors.access import scope_for
from talent.selectors.registration import (
    RegistrationStatus,
    lapsed_registrations,
    registration_rows,
)
from talent.services.registration import record_registration, send_registration_reminders
from tests.clock import pinned
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import certificate

TODAY = datetime.date(2027, 3, 10)
pytestmark = pinned(TODAY)


def registered(person, level=1, *, start, years=3, required=72):
    cert = certificate(person, level, obtained_on=start)
    RegistrationPeriod.objects.create(
        person=person,
        certificate=cert,
        starts_on=start,
        ends_on=start.replace(year=start.year + years),
        required_hours=required,
    )
    return cert


def hours(person, amount, on, ref):
    CEHourEntry.objects.create(
        person=person, hours=Decimal(amount), source="course", source_ref=ref, earned_on=on
    )


NAMES = {"赵一": "未登记", "钱二": "已登记", "孙三": "待再登记", "李四": "已失效"}


def statuses(scope, as_of=TODAY):
    """Rows keyed by the status each holder was made for (see ``holders``)."""
    rows = registration_rows(scope, as_of)
    return {NAMES.get(r.certificate.person.name, r.certificate.person.name): r for r in rows}


@pytest.fixture
def holders(district):
    """One certificate holder per status, plus one whose 助理 certificate is
    superseded by a 社会工作师 one and one outside 九龙街道."""
    unit = district["panlong"]
    names = {"未登记": "赵一", "已登记": "钱二", "待再登记": "孙三", "已失效": "李四"}
    p = {key: PersonFactory(unit=unit, name=name) for key, name in names.items()}
    certificate(p["未登记"], 1, obtained_on=datetime.date(2026, 6, 1))
    registered(p["已登记"], start=datetime.date(2025, 1, 1))
    registered(p["待再登记"], start=datetime.date(2024, 5, 1))
    registered(p["已失效"], start=datetime.date(2023, 1, 1))
    upgraded = PersonFactory(unit=unit, name="已升级")
    certificate(upgraded, 1, obtained_on=datetime.date(2015, 1, 1))  # never registered
    registered(upgraded, 2, start=datetime.date(2025, 6, 1), required=90)
    registered(
        PersonFactory(unit=district["xijiao"], name="外街道"), start=datetime.date(2023, 1, 1)
    )
    return p


@pytest.mark.django_db
def test_each_certificate_has_a_registration_status(jl_hr, holders):
    rows = statuses(scope_for(jl_hr))
    assert rows["未登记"].status == RegistrationStatus.NOT_REGISTERED
    assert rows["未登记"].deadline == datetime.date(2027, 6, 1)  # within a year of obtaining
    assert rows["已登记"].status == RegistrationStatus.REGISTERED
    assert rows["已登记"].deadline == datetime.date(2028, 1, 1)
    assert rows["待再登记"].status == RegistrationStatus.DUE  # ends 2027-05-01, window open
    assert rows["已失效"].status == RegistrationStatus.LAPSED
    # Only the highest certificate's registration matters; other streets are not shown.
    assert rows["已升级"].certificate.level == 2
    assert rows["已升级"].status == RegistrationStatus.REGISTERED
    assert "外街道" not in rows
    # The window opens three months before the end: on 2027-01-31 not yet, on 02-01 yes.
    early = statuses(scope_for(jl_hr), datetime.date(2027, 1, 31))
    assert early["待再登记"].status == RegistrationStatus.REGISTERED
    assert statuses(scope_for(jl_hr), datetime.date(2027, 2, 1))["待再登记"].status == "due"
    # A year and a day after obtaining, an unregistered certificate has lapsed.
    late = statuses(scope_for(jl_hr), datetime.date(2027, 6, 2))
    assert late["未登记"].status == RegistrationStatus.LAPSED


@pytest.mark.django_db
def test_ce_hours_count_against_the_current_period(jl_hr, holders):
    person = holders["待再登记"]
    hours(person, 50, datetime.date(2024, 4, 30), "before")  # before the period
    hours(person, 40, datetime.date(2025, 3, 1), "in1")
    hours(person, 20, datetime.date(2026, 9, 1), "in2")
    row = statuses(scope_for(jl_hr))["待再登记"]
    assert (row.ce_earned, row.ce_required, row.ce_short) == (Decimal(60), 72, True)


@pytest.mark.django_db
def test_renewal_needs_the_window_and_the_hours(jl_hr, holders, user_with_role, district):
    due = holders["待再登记"]
    cert = due.certificates.get()
    with pytest.raises(ValidationError, match="未达到要求的 72 学时"):
        record_registration(actor=jl_hr, certificate=cert)
    hours(due, 72, datetime.date(2026, 1, 1), "enough")
    period = record_registration(actor=jl_hr, certificate=cert)
    assert (period.starts_on, period.ends_on) == (
        datetime.date(2027, 5, 2),
        datetime.date(2030, 5, 2),
    )
    assert statuses(scope_for(jl_hr))["待再登记"].status == RegistrationStatus.REGISTERED
    with pytest.raises(ValidationError, match="届满前 3 个月内"):
        record_registration(actor=jl_hr, certificate=holders["已登记"].certificates.get())
    with pytest.raises(ValidationError, match="已失效"):
        record_registration(actor=jl_hr, certificate=holders["已失效"].certificates.get())
    first = record_registration(actor=jl_hr, certificate=holders["未登记"].certificates.get())
    assert first.starts_on == TODAY
    outsider = user_with_role(Role.HR, district["yjp"], "hr_yjp")
    with pytest.raises(PermissionDenied):
        record_registration(actor=outsider, certificate=holders["已登记"].certificates.get())


@pytest.mark.django_db
def test_nobody_records_their_own_registration(jl_hr, district):
    own = PersonFactory(unit=district["panlong"], user=jl_hr)
    cert = certificate(own, 1, obtained_on=datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="职责分离"):
        record_registration(actor=jl_hr, certificate=cert)
    assert not RegistrationPeriod.objects.exists()


@pytest.fixture
def reminded(district, user_with_role):
    """A 盘龙 worker with a login whose registration ends on 2027-06-08 (90 days
    after TODAY), the street's HR officer and the district's."""
    street_hr = user_with_role(Role.HR, district["jl"], "hr_street")
    district_hr = user_with_role(Role.HR, district["district"], "hr_district")
    user = UserFactory(username="holder")
    person = PersonFactory(unit=district["panlong"], user=user, name="提醒对象")
    registered(person, start=datetime.date(2024, 6, 8))
    return {"user": user, "person": person, "street_hr": street_hr, "district_hr": district_hr}


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db(transaction=True)
def test_reminders_go_out_once_per_threshold_to_person_and_unit_hr(reminded):
    assert send_registration_reminders(as_of=datetime.date(2027, 3, 9)) == 0  # 91 days left
    assert send_registration_reminders(as_of=TODAY) == 1
    assert send_registration_reminders(as_of=TODAY) == 0  # the same day again: nothing
    assert titles(reminded["user"]) == ["证书再登记还剩 90 天"]
    assert titles(reminded["street_hr"]) == ["提醒对象 的证书再登记还剩 90 天"]
    assert titles(reminded["district_hr"]) == []  # the nearest HR officer only
    assert {m.to[0] for m in mail.outbox} == {"holder@example.org", "hr_street@example.org"}
    # Days between thresholds send nothing; the next threshold sends once.
    assert send_registration_reminders(as_of=datetime.date(2027, 3, 20)) == 0
    assert send_registration_reminders(as_of=datetime.date(2027, 4, 9)) == 1  # 60 days
    # A task that did not run for weeks sends only the nearest threshold.
    assert send_registration_reminders(as_of=datetime.date(2027, 6, 2)) == 1  # 6 days: the 7
    assert send_registration_reminders(as_of=datetime.date(2027, 6, 3)) == 0
    sent = RegistrationReminder.objects.order_by("days_before").values_list(
        "days_before", flat=True
    )
    assert list(sent) == [7, 60, 90]
    # Past the deadline it has lapsed: no more reminders.
    assert send_registration_reminders(as_of=datetime.date(2027, 6, 9)) == 0


@pytest.mark.django_db
def test_reminder_thresholds_are_policy_data(reminded):
    policy = CertificationPolicy.load()
    policy.reminder_days = "100, 45"
    policy.save()
    assert send_registration_reminders(as_of=TODAY) == 1
    assert RegistrationReminder.objects.get().days_before == 100


@pytest.mark.django_db
def test_the_daily_reminder_schedule_exists():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="talent.daily_registration_reminders")
    assert schedule.func == "talent.tasks.send_registration_reminders"
    assert schedule.schedule_type == Schedule.DAILY


@pytest.mark.django_db
def test_lapsed_registrations_on_the_hr_dashboard(client, jl_hr, holders):
    rows, count = lapsed_registrations(scope_for(jl_hr), TODAY)
    assert count == 1 and rows[0].certificate.person == holders["已失效"]
    client.force_login(jl_hr)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "证书登记已失效（1 人）" in page and "已失效" in page
    assert "外街道" not in page


@pytest.mark.django_db
def test_registration_report_is_scoped_and_pinned(
    client, jl_hr, holders, district, django_assert_max_num_queries
):
    client.force_login(jl_hr)
    url = reverse("talent_reports:registration")
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for _i in range(15):
        registered(PersonFactory(unit=district["longquan"]), start=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert "外街道" not in page
    assert "未达到要求的 72 学时" in page  # the renewal button is replaced by the reason
    assert "办理登记" in page  # the unregistered certificate can be registered
    lapsed = client.get(url, {"status": "lapsed"}).content.decode()
    assert holders["已失效"].name in lapsed and holders["已登记"].name not in lapsed
