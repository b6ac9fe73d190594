import io

import pytest
from django.core.management import call_command

from lms.models import PracticeLog
from talent.models import Placement, PlacementEvaluation, PracticeBase, RotationPlan, University


@pytest.mark.django_db
def test_demo_placements_are_idempotent_and_cover_every_state(demo):
    counts = (Placement.objects.count(), PracticeLog.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Placement.objects.count(), PracticeLog.objects.count()) == counts
    assert set(University.objects.values_list("unit__name", flat=True)) == {
        "西南大学",
        "重庆城市管理职业学院",
        "深圳市南山区社会组织创新苑",
    }
    assert PracticeBase.objects.count() == 5
    states = set(Placement.objects.values_list("status", flat=True))
    assert {"proposed", "approved", "active", "completed", "evaluated", "rejected"} <= states
    plan = RotationPlan.objects.get()
    stages = [s.host_unit.kind for s in plan.stages.order_by("order")]
    assert stages == ["community", "centre", "station"]
    assert PlacementEvaluation.objects.filter(placement__status="evaluated").count() == 12
    # hours count only on placements that have started
    assert not PracticeLog.objects.filter(placement__status__in=["proposed", "approved"]).exists()
