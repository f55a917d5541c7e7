"""A draft imported from a plan file through the service."""

import pytest

from directory.models import Place, PlaceKind
from plans.models import Plan, PlanStatus
from plans.planfile import PlanFileError, import_plan
from plans.services import creation

from ..factories import PlaceFactory
from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _plan(world, **overrides) -> Plan:
    keep = "status" in overrides
    return import_plan(
        data=plan_file(world, **overrides), user=world.users["district_staff"], keep_status=keep
    )


def _actions(plan) -> list[str]:
    return list(plan.events.order_by("at", "id").values_list("action", flat=True))


def test_import_plan_file_outside_territory_is_refused(world):
    PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)

    with pytest.raises(PlanFileError) as excinfo:
        creation.import_plan_file(data=plan_file(world, issuer="52-551"), user=world.users["district_staff"])

    assert excinfo.value.errors == [
        "issuer: huyện An Nhơn nằm ngoài địa bàn của bạn (huyện Tuy Phước); không thể nhập kế hoạch này."
    ]
    assert Plan.objects.count() == 0


def test_import_plan_file_records_event(world):
    plan = creation.import_plan_file(data=plan_file(world), user=world.users["district_staff"])

    assert (plan.status, plan.issuer, _actions(plan)) == (PlanStatus.DRAFT, world.district, ["import"])
    assert Place.objects.get(code=plan.issuer.code) == world.district
