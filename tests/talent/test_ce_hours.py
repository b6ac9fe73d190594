import datetime

import pytest
from django.core.exceptions import ValidationError

from talent.models import CEHourEntry
from talent.services.education import credit_ce_hours


@pytest.mark.django_db
def test_same_source_is_credited_once(people):
    person = people["panlong"]
    kwargs = dict(
        person=person,
        hours="4.5",
        source="course",
        source_ref="course:1",
        earned_on=datetime.date(2026, 5, 1),
    )
    entry, created = credit_ce_hours(**kwargs)
    again, created_again = credit_ce_hours(**kwargs)
    assert created and not created_again and entry.pk == again.pk
    assert CEHourEntry.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_zero_hours_are_refused(people):
    with pytest.raises(ValidationError):
        credit_ce_hours(
            person=people["panlong"],
            hours=0,
            source="course",
            source_ref="c:1",
            earned_on=datetime.date(2026, 5, 1),
        )
