import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.models import MapEra, Place, PlaceKind, Unit
from directory.services import DirectoryImportError, import_places, import_units, save_place

from ..factories import PlaceFactory


# The Vietnamese collation is PostgreSQL's (ICU).
@pytest.mark.postgresql
@pytest.mark.django_db
def test_sorting_vietnamese_names_on_postgresql():
    province = PlaceFactory(code="99", kind=PlaceKind.TINH, name="Thử")
    for i, name in enumerate(["Ủy", "Đà", "Uy", "Bình", "Ân", "Dung", "An"]):
        PlaceFactory(code=f"99-{i}", kind=PlaceKind.HUYEN, name=name, parent=province)
    names = list(Place.objects.filter(parent=province).values_list("name", flat=True))
    assert names == ["An", "Ân", "Bình", "Dung", "Đà", "Uy", "Ủy"]


@pytest.mark.django_db
def test_import_places_builds_paths_and_levels():
    import_places(
        era=MapEra.BEFORE_2025,
        text="code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"
        "52-550-03,xa,Phước Hòa,52-550\n52-550-03-01,thon,Lộc Thượng,52-550-03\n",
    )
    hamlet = Place.objects.get(code="52-550-03-01")
    assert hamlet.path == "52/52-550/52-550-03/52-550-03-01/"
    assert hamlet.level == 4
    assert str(hamlet.parent) == "xã Phước Hòa"
    assert hamlet.is_within(Place.objects.get(code="52-550"))


@pytest.mark.django_db
def test_import_places_bad_row_saves_nothing():
    with pytest.raises(DirectoryImportError) as exc:
        import_places(
            era=MapEra.BEFORE_2025,
            text="code,kind,name,parent_code\n52,tinh,Bình Định,\n"
            "52-550,quan-huyen,Tuy Phước,52\n52-551,huyen,An Nhơn,99\n",
        )
    assert exc.value.errors == [
        "Dòng 3, cột kind: loại địa bàn «quan-huyen» không hợp lệ.",
        "Dòng 4, cột parent_code: không tìm thấy địa bàn mã «99».",
    ]
    assert Place.objects.count() == 0


@pytest.mark.django_db
def test_load_directory_command_loads_demo_csv():
    call_command("load_directory", places="directory/data/places.csv", units="directory/data/units.csv")
    assert Place.objects.get(code="52-550").full_name == "huyện Tuy Phước"
    assert Place.objects.filter(parent__code="87-870").count() == 11
    assert Unit.objects.get(code="52-550-LDTBXH").short_name == "Phòng Lao động - TB&XH"


@pytest.mark.django_db
def test_load_directory_command_without_options_fails():
    with pytest.raises(CommandError) as exc:
        call_command("load_directory")
    assert (
        str(exc.value) == "Cần ít nhất một trong các tùy chọn --official, --places, --units hoặc --changes."
    )


TREE = (
    "code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"
    "52-540,huyen,An Nhơn,52\n52-550-03,xa,Phước Hòa,52-550\n52-550-03-01,thon,Lộc Thượng,52-550-03\n"
)


def _paths() -> dict[str, str]:
    return dict(Place.objects.values_list("code", "path"))


@pytest.mark.django_db
def test_save_place_new_code_moves_paths_of_places_inside():
    import_places(era=MapEra.BEFORE_2025, text=TREE)
    district = Place.objects.get(code="52-550")
    district.code = "52-551"

    save_place(place=district)

    paths = _paths()
    assert paths["52-551"] == "52/52-551/"
    assert paths["52-550-03"] == "52/52-551/52-550-03/"
    assert paths["52-550-03-01"] == "52/52-551/52-550-03/52-550-03-01/"
    assert paths["52-540"] == "52/52-540/"


@pytest.mark.django_db
def test_save_place_new_parent_moves_paths_of_places_inside():
    import_places(era=MapEra.BEFORE_2025, text=TREE)
    commune = Place.objects.get(code="52-550-03")
    commune.parent = Place.objects.get(code="52-540")

    save_place(place=commune)

    hamlet = Place.objects.get(code="52-550-03-01")
    assert (hamlet.path, hamlet.level) == ("52/52-540/52-550-03/52-550-03-01/", 4)
    assert hamlet.is_within(Place.objects.get(code="52-540"))
    assert not hamlet.is_within(Place.objects.get(code="52-550"))


@pytest.mark.django_db
def test_import_places_moving_a_commune_moves_its_hamlets():
    import_places(era=MapEra.BEFORE_2025, text=TREE)

    result = import_places(
        era=MapEra.BEFORE_2025, text="code,kind,name,parent_code\n52-550-03,xa,Phước Hòa,52-540\n"
    )

    assert (result.created, result.updated) == (0, 1)
    paths = _paths()
    assert paths["52-550-03"] == "52/52-540/52-550-03/"
    assert paths["52-550-03-01"] == "52/52-540/52-550-03/52-550-03-01/"


@pytest.mark.django_db
def test_import_places_moved_parent_then_new_child_uses_new_path():
    import_places(era=MapEra.BEFORE_2025, text=TREE)

    import_places(
        era=MapEra.BEFORE_2025,
        text="code,kind,name,parent_code\n52-550-03,xa,Phước Hòa,52-540\n52-550-03-02,thon,Lộc Hạ,52-550-03\n",
    )

    assert _paths()["52-550-03-02"] == "52/52-540/52-550-03/52-550-03-02/"


@pytest.mark.django_db
def test_import_places_place_inside_itself_is_a_row_error():
    import_places(era=MapEra.BEFORE_2025, text=TREE)

    with pytest.raises(DirectoryImportError) as exc:
        import_places(
            era=MapEra.BEFORE_2025, text="code,kind,name,parent_code\n52-550-03,xa,Phước Hòa,52-550-03\n"
        )

    assert exc.value.errors == ["Dòng 2: cấp của địa bàn phải thấp hơn cấp trực thuộc."]
    assert _paths()["52-550-03"] == "52/52-550/52-550-03/"


@pytest.mark.django_db
def test_import_places_duplicate_name_under_same_parent_is_a_row_error_and_saves_nothing():
    with pytest.raises(DirectoryImportError) as exc:
        import_places(
            era=MapEra.BEFORE_2025,
            text=TREE + "52-550-04,xa,Phước Hòa,52-550\n52-550-05,xa,Phước An,52-550\n",
        )

    assert exc.value.errors == ["Dòng 7: đã có xã «Phước Hòa» thuộc huyện Tuy Phước với mã khác."]
    assert Place.objects.count() == 0


UNITS_HEADER = "code,name,short_name,kind,place_code,email\n"


@pytest.mark.django_db
def test_import_units_missing_code_or_name_and_bad_email_are_row_errors():
    import_places(era=MapEra.BEFORE_2025, text=TREE)

    with pytest.raises(DirectoryImportError) as exc:
        import_units(
            era=MapEra.BEFORE_2025,
            text=UNITS_HEADER + "52-550-YT,Trung tâm Y tế,,y_te,52-550,yte@tuyphuoc.gov.vn\n"
            ",Phòng Nội vụ,,phong_ban,52-550,\n"
            "52-550-TP,,,phong_ban,52-550,\n"
            "52-550-TC,Phòng Tài chính,,phong_ban,52-550,taichinh@\n",
        )

    assert exc.value.errors == [
        "Dòng 3: thiếu mã hoặc tên.",
        "Dòng 4: thiếu mã hoặc tên.",
        "Dòng 5, cột email: «taichinh@» không phải là địa chỉ thư điện tử hợp lệ.",
    ]
    assert Unit.objects.count() == 0


def test_within_is_the_territory_itself_included_as_is_within_says(world):
    # A sibling whose code starts with the commune's code is not inside the commune.
    PlaceFactory(code="52-550-030", kind=PlaceKind.XA, name="Phước Thuận", parent=world.district)

    assert set(Place.objects.within(world.commune).values_list("code", flat=True)) == {
        "52-550-03",
        "52-550-03-01",
    }
    for territory in (world.province, world.district, world.commune, world.hamlet):
        assert set(Place.objects.within(territory)) == {
            p for p in Place.objects.all() if p.is_within(territory)
        }
    assert Place.objects.within(world.district).count() == 6


@pytest.mark.django_db
def test_local_contact_names_a_hamlets_head_or_a_communes_committee():
    district = PlaceFactory(kind=PlaceKind.HUYEN, name="Tuy Phước")
    commune = PlaceFactory(kind=PlaceKind.XA, name="Phước Hòa", parent=district)
    hamlet = PlaceFactory(kind=PlaceKind.THON, name="Lộc Thượng", parent=commune)

    assert commune.local_contact == "Ủy ban nhân dân xã Phước Hòa"
    assert hamlet.local_contact == "trưởng thôn Lộc Thượng"
