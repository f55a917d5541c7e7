"""Both maps side by side: a plan keeps the map of its issuer, its pickers offer that map's
places, and the same code on the other map ("52": Bình Định before 1 July 2025, Gia Lai
since) is never taken for it."""

from dataclasses import dataclass

import pytest

from accounts.models import Role
from directory.models import MapEra, Place, PlaceKind
from plans.models import PlanStatus
from plans.planfile import PlanFileError, export_plan, import_plan
from plans.selectors import plans_for_user
from plans.services.creation import copy_plan, create_plan
from sessions.editor.forms import SessionsForm

from ..factories import PlaceFactory, PlanFactory, UserFactory


@dataclass
class Maps:
    old_province: Place
    old_district: Place
    old_commune: Place
    new_province: Place
    new_commune: Place
    new_hamlet: Place


@pytest.fixture
def maps(db) -> Maps:
    old_province = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    old_district = PlaceFactory(code="52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=old_province)
    old_commune = PlaceFactory(code="52-550-03", kind=PlaceKind.XA, name="Phước Hòa", parent=old_district)
    PlaceFactory(code="52-550-03-01", kind=PlaceKind.THON, name="Lộc Thượng", parent=old_commune)
    new_province = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
    new_commune = PlaceFactory(code="21952", kind=PlaceKind.XA, name="Tuy Phước", parent=new_province)
    PlaceFactory(code="21967", kind=PlaceKind.XA, name="Phước Hòa Mới", parent=new_province)
    new_hamlet = PlaceFactory(code="21952-01", kind=PlaceKind.THON, name="Trung Tín", parent=new_commune)
    return Maps(old_province, old_district, old_commune, new_province, new_commune, new_hamlet)


def _host_communes(plan) -> list[str]:
    form = SessionsForm(plan=plan)
    return sorted(str(p) for p in form.formset.empty_form.fields["host_commune"].objects.values())


def test_factory_places_under_a_new_province_are_on_its_map(maps):
    assert maps.new_commune.era == MapEra.FROM_2025
    assert maps.new_commune.path == "from_2025:52/21952/"
    assert maps.old_commune.path == "52/52-550/52-550-03/"


def test_old_map_plan_pickers_show_old_places_only(maps):
    plan = PlanFactory(issuer=maps.old_province, year=2024)

    assert _host_communes(plan) == ["xã Phước Hòa"]


def test_current_map_plan_pickers_show_current_places_only(maps):
    plan = PlanFactory(issuer=maps.new_province, year=2027)

    assert _host_communes(plan) == ["xã Phước Hòa Mới", "xã Tuy Phước"]


def test_territories_of_the_two_maps_do_not_overlap(maps):
    assert list(Place.objects.within(maps.old_province).values_list("code", flat=True).order_by("code")) == [
        "52",
        "52-550",
        "52-550-03",
        "52-550-03-01",
    ]
    assert not maps.new_commune.is_within(maps.old_province)
    assert not maps.old_commune.is_within(maps.new_province)


def test_commune_official_of_the_old_map_does_not_see_a_current_provincial_plan(maps):
    PlanFactory(issuer=maps.new_province, year=2027, status=PlanStatus.APPROVED)
    old_plan = PlanFactory(issuer=maps.old_province, year=2024, status=PlanStatus.APPROVED)
    official = UserFactory(role=Role.COMMUNE_OFFICIAL, place=maps.old_commune)

    assert list(plans_for_user(official)) == [old_plan]


def test_new_plan_of_a_current_issuer_is_on_the_current_map_and_its_file_says_so(maps):
    staff = UserFactory(role=Role.DISTRICT_STAFF, place=maps.new_province)

    plan = create_plan(user=staff, issuer=maps.new_province, kind="poverty", year=2027)

    assert plan.issuer == maps.new_province
    data = export_plan(plan)
    assert (data["era"], data["issuer"]) == (MapEra.FROM_2025, "52")
    assert import_plan(data=data, user=staff).issuer == maps.new_province
    assert copy_plan(plan=plan, user=staff).issuer == maps.new_province


def test_plan_file_without_era_is_read_on_the_old_map(maps):
    plan = PlanFactory(issuer=maps.old_province, year=2024)
    data = export_plan(plan)

    assert "era" not in data
    assert import_plan(data=data).issuer == maps.old_province


def test_plan_file_with_unknown_era_names_the_field(maps):
    data = export_plan(PlanFactory(issuer=maps.old_province, year=2024)) | {"era": "2030"}

    with pytest.raises(PlanFileError) as exc:
        import_plan(data=data)

    assert exc.value.errors == ["era: bản đồ «2030» không hợp lệ (dùng «before_2025» hoặc «from_2025»)."]
