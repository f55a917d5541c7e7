import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from directory.models import Place, PlaceKind, Unit
from directory.services import DirectoryImportError, import_places

from ..factories import PlaceFactory


@pytest.mark.django_db
def test_sorting_vietnamese_names_on_postgresql():
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL"
    province = PlaceFactory(code="99", kind=PlaceKind.TINH, name="Thử")
    for i, name in enumerate(["Ủy", "Đà", "Uy", "Bình", "Ân", "Dung", "An"]):
        PlaceFactory(code=f"99-{i}", kind=PlaceKind.HUYEN, name=name, parent=province)
    names = list(Place.objects.filter(parent=province).values_list("name", flat=True))
    assert names == ["An", "Ân", "Bình", "Dung", "Đà", "Uy", "Ủy"]


@pytest.mark.django_db
def test_import_places_builds_paths_and_levels():
    import_places(
        text="code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"
        "52-550-03,xa,Phước Hòa,52-550\n52-550-03-01,thon,Lộc Thượng,52-550-03\n"
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
            text="code,kind,name,parent_code\n52,tinh,Bình Định,\n"
            "52-550,quan-huyen,Tuy Phước,52\n52-551,huyen,An Nhơn,99\n"
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
    assert str(exc.value) == "Cần ít nhất một trong hai tùy chọn --places hoặc --units."
