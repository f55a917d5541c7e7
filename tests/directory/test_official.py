"""Today's map from the official list (the vietnam-provinces package's own data)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from directory.models import MapEra, Place, PlaceKind, PlaceLevel
from directory.official import list_version
from directory.services import import_places

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_directory", official=True, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    return list(
        Place.objects.order_by("era", "code").values_list(
            "pk", "era", "code", "kind", "level", "name", "parent", "path"
        )
    )


def test_official_list_loads_34_provinces_and_3321_communes_with_official_codes():
    out = _load()

    assert out == f"Danh mục chính thức {list_version()}: thêm 3355, cập nhật 0.\n"
    today = Place.objects.filter(era=MapEra.FROM_2025)
    assert today.filter(level=PlaceLevel.PROVINCE).count() == 34
    assert today.filter(level=PlaceLevel.COMMUNE).count() == 3321
    assert not today.filter(level=PlaceLevel.DISTRICT).exists()
    assert Counter(today.filter(level=PlaceLevel.COMMUNE).values_list("kind", flat=True)) == {
        PlaceKind.XA: 2621,
        PlaceKind.PHUONG: 687,
        PlaceKind.DAC_KHU: 13,
    }
    assert Counter(today.filter(level=PlaceLevel.PROVINCE).values_list("kind", flat=True)) == {
        PlaceKind.TINH: 28,
        PlaceKind.THANH_PHO_TW: 6,
    }
    # The statistics office's codes: two digits for a province, five for a commune; a
    # commune's parent is its province.
    commune = Place.objects.select_related("parent").get(era=MapEra.FROM_2025, code="21952")
    assert (commune.full_name, commune.parent.full_name, commune.parent.code) == (
        "xã Tuy Phước",
        "tỉnh Gia Lai",
        "52",
    )
    assert commune.path == "from_2025:52/21952/"
    hanoi = Place.objects.get(era=MapEra.FROM_2025, code="01")
    assert (hanoi.full_name, hanoi.title_name) == ("thành phố Hà Nội", "Thành phố Hà Nội")
    assert Place.objects.get(era=MapEra.FROM_2025, code="00070").full_name == "phường Hoàn Kiếm"
    assert Place.objects.filter(era=MapEra.FROM_2025, kind=PlaceKind.DAC_KHU, name="Phú Quốc").count() == 1


def test_official_list_second_run_changes_nothing():
    _load()
    before = _snapshot()

    out = _load()

    assert out == f"Danh mục chính thức {list_version()}: thêm 0, cập nhật 0.\n"
    assert _snapshot() == before


def test_official_list_restores_an_edited_commune_and_keeps_its_hamlets():
    _load()
    import_places(text="code,kind,name,parent_code\n21952-01,thon,Trung Tín 1,21952\n")
    commune = Place.objects.get(era=MapEra.FROM_2025, code="21952")
    commune.name = "Tuy Phước cũ"
    commune.parent = Place.objects.get(era=MapEra.FROM_2025, code="01")
    commune.path = "from_2025:01/21952/"
    commune.save()
    Place.objects.filter(code="21952-01").update(path="from_2025:01/21952/21952-01/")

    out = _load()

    assert out == f"Danh mục chính thức {list_version()}: thêm 0, cập nhật 1.\n"
    commune.refresh_from_db()
    assert (commune.name, commune.parent.code, commune.path) == ("Tuy Phước", "52", "from_2025:52/21952/")
    assert Place.objects.get(code="21952-01").path == "from_2025:52/21952/21952-01/"


def test_official_list_leaves_the_old_map_alone(world):
    old = _snapshot()

    _load()

    assert [row for row in _snapshot() if row[1] == MapEra.BEFORE_2025] == old
    # "52" is Bình Định on the old map and Gia Lai on today's.
    assert sorted(Place.objects.filter(code="52").values_list("era", "name")) == [
        (MapEra.BEFORE_2025, "Bình Định"),
        (MapEra.FROM_2025, "Gia Lai"),
    ]


def test_official_list_names_a_place_it_no_longer_has():
    Place.objects.create(
        era=MapEra.FROM_2025, code="99", kind=PlaceKind.TINH, name="Thử", level=1, path="from_2025:99/"
    )

    out = _load()

    assert out.splitlines()[1] == "Không còn trong danh mục (giữ lại, chưa xóa): tỉnh Thử."
    assert Place.objects.filter(era=MapEra.FROM_2025, code="99").exists()


def test_hamlets_of_a_current_commune_come_from_its_csv():
    _load()

    result = import_places(
        text="code,kind,name,parent_code\n21952-01,to_dan_pho,Trung Tín 1,21952\n21952-02,thon,Phong Thạnh,21952\n"
    )

    assert (result.created, result.updated) == (2, 0)
    hamlet = Place.objects.select_related("parent").get(code="21952-02")
    assert (hamlet.era, hamlet.level, str(hamlet.parent)) == (
        MapEra.FROM_2025,
        PlaceLevel.HAMLET,
        "xã Tuy Phước",
    )
    assert hamlet.path == "from_2025:52/21952/21952-02/"
