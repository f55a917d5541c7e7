"""Which of today's communes took each old commune (merges and splits of 1 July 2025)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from directory.models import CommuneChange, MapEra, Place, PlaceKind
from directory.selectors import commune_successions
from directory.services import DirectoryImportError, import_commune_changes

from ..factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "directory" / "data"


def _changes() -> list[tuple[str, str, bool]]:
    return sorted(CommuneChange.objects.values_list("old__code", "new__code", "main"))


def test_demo_changes_file_loads_a_merge_and_a_split_and_again_changes_nothing():
    call_command("load_directory", official=True, places=DATA / "places.csv", stdout=StringIO())
    out = StringIO()

    call_command("load_directory", changes=DATA / "commune_changes.csv", stdout=out)
    loaded = _changes()
    call_command("load_directory", changes=DATA / "commune_changes.csv", stdout=out)

    assert out.getvalue().splitlines() == [
        "Sắp xếp xã: thêm 35, cập nhật 0.",
        "Sắp xếp xã: thêm 0, cập nhật 0.",
    ]
    assert _changes() == loaded
    # Merge: five communes of the old huyện Tuy Phước make today's xã Tuy Phước.
    assert sorted(CommuneChange.objects.filter(new__code="21952").values_list("old__name", flat=True)) == [
        "Diêu Trì",
        "Phước Lộc",
        "Phước Nghĩa",
        "Phước Thuận",
        "Tuy Phước",
    ]
    # Split: xã Phú Thuận B (Hồng Ngự) went to two communes, the seat to Long Phú Thuận.
    assert [
        (str(c.new), c.main) for c in CommuneChange.objects.filter(old__code="87-870-10").order_by("-main")
    ] == [("xã Long Phú Thuận", True), ("xã Tân Long", False)]


@pytest.fixture
def communes():
    old_district = PlaceFactory(code="87-870", kind=PlaceKind.HUYEN, name="Hồng Ngự")
    PlaceFactory(code="87-870-10", kind=PlaceKind.XA, name="Phú Thuận B", parent=old_district)
    PlaceFactory(code="87-870-11", kind=PlaceKind.XA, name="Long Thuận", parent=old_district)
    province = PlaceFactory(era=MapEra.FROM_2025, code="82", kind=PlaceKind.TINH, name="Đồng Tháp")
    PlaceFactory(code="29992", kind=PlaceKind.XA, name="Long Phú Thuận", parent=province)
    PlaceFactory(code="30154", kind=PlaceKind.XA, name="Tân Long", parent=province)


def test_bad_rows_name_row_and_column_and_save_nothing(communes):
    text = (
        "old_code,new_code,main\n87-870-10,29992,x\n87-870-10,30154,x\n87-870-10,29992,\n"
        "87-870-99,29992,x\n87-870-11,52,có lẽ\n"
    )

    with pytest.raises(DirectoryImportError) as exc:
        import_commune_changes(text=text)

    assert exc.value.errors == [
        "Dòng 3, cột main: xã Phú Thuận B đã có xã chính ở dòng 2.",
        "Dòng 4: xã Phú Thuận B → xã Long Phú Thuận đã có ở dòng 2.",
        "Dòng 5, cột old_code: không có xã, phường, thị trấn mã «87-870-99» trên bản đồ trước 01/7/2025.",
        "Dòng 6, cột new_code: không có xã, phường, đặc khu mã «52» trên bản đồ từ 01/7/2025.",
        "Dòng 6, cột main: «có lẽ» phải để trống hoặc ghi «x».",
    ]
    assert CommuneChange.objects.count() == 0


def test_a_corrected_file_replaces_the_rows_of_its_old_communes(communes):
    import_commune_changes(
        text="old_code,new_code,main\n87-870-10,29992,x\n87-870-10,30154,\n87-870-11,29992,\n"
    )

    result = import_commune_changes(text="old_code,new_code,main\n87-870-10,29992,\n87-870-10,30154,x\n")

    assert (result.created, result.updated) == (0, 2)
    assert _changes() == [
        ("87-870-10", "29992", False),
        ("87-870-10", "30154", True),
        # A single successor is the main one, and an old commune the file does not name keeps its rows.
        ("87-870-11", "29992", True),
    ]


def test_admin_csv_import_loads_commune_changes(client, communes):
    client.force_login(UserFactory(username="quantri", role="", is_staff=True, is_superuser=True))
    csv = "old_code,new_code,main,old_name,new_name\n87-870-10,29992,x,,\n87-870-10,30154,,,\n"

    response = client.post(
        reverse("admin:directory_place_import"),
        {"changes": SimpleUploadedFile("sap-xep.csv", csv.encode("utf-8"), content_type="text/csv")},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Đã nạp danh mục — sắp xếp xã: thêm 2, cập nhật 0."
    ]
    assert _changes() == [("87-870-10", "29992", True), ("87-870-10", "30154", False)]


def test_successions_of_old_communes_show_merge_split_and_missing(communes, django_assert_num_queries):
    import_commune_changes(
        text="old_code,new_code,main\n87-870-10,30154,\n87-870-10,29992,x\n87-870-11,29992,\n"
    )
    old = list(Place.objects.filter(era=MapEra.BEFORE_2025, kind=PlaceKind.XA).order_by("code"))
    lost = PlaceFactory(code="87-870-12", kind=PlaceKind.XA, name="Long Khánh A", parent=old[0].parent)

    with django_assert_num_queries(1):
        successions = commune_successions(communes=[*old, lost])

    assert [
        (str(s.old), [str(p) for p in s.new], str(s.main) if s.main else None, s.split)
        for s in successions.values()
    ] == [
        ("xã Phú Thuận B", ["xã Long Phú Thuận", "xã Tân Long"], "xã Long Phú Thuận", True),
        ("xã Long Thuận", ["xã Long Phú Thuận"], "xã Long Phú Thuận", False),
        ("xã Long Khánh A", [], None, False),
    ]
