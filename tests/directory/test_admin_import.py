from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import Place

from ..factories import UserFactory

TREE = (
    "code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"
    "52-540,huyen,An Nhơn,52\n52-550-03,xa,Phước Hòa,52-550\n52-550-03-01,thon,Lộc Thượng,52-550-03\n"
)
PLACES = "code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"


def _admin_client(client, db):
    client.force_login(UserFactory(username="quantri", role="", is_staff=True, is_superuser=True))
    return client


def test_admin_csv_import_loads_places(client, db):
    response = _admin_client(client, db).post(
        reverse("admin:directory_place_import"),
        {
            "era": "before_2025",
            "places": SimpleUploadedFile("places.csv", PLACES.encode("utf-8"), content_type="text/csv"),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Đã nạp danh mục — địa bàn: thêm 2, cập nhật 0."
    ]
    assert Place.objects.get(code="52-550").path == "52/52-550/"


def test_admin_csv_import_bad_row_saves_nothing(client, db):
    bad = PLACES + "52-551,huyen,An Nhơn,99\n"
    response = _admin_client(client, db).post(
        reverse("admin:directory_place_import"),
        {
            "era": "before_2025",
            "places": SimpleUploadedFile("places.csv", bad.encode("utf-8"), content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Dòng 4, cột parent_code: không tìm thấy địa bàn mã «99»."
    ]
    assert Place.objects.count() == 0


def test_admin_csv_import_without_file_asks_for_one(client, db):
    response = _admin_client(client, db).post(reverse("admin:directory_place_import"), {})
    assert response.context["form"].non_field_errors() == ["Chọn ít nhất một tệp CSV."]


def _place_form(place, **changes) -> dict:
    data = {"code": place.code, "kind": place.kind, "name": place.name, "parent": place.parent_id or ""}
    return data | changes


def test_admin_change_parent_moves_paths_of_places_inside(client, db):
    admin = _admin_client(client, db)
    admin.post(
        reverse("admin:directory_place_import"),
        {
            "era": "before_2025",
            "places": SimpleUploadedFile("places.csv", TREE.encode("utf-8"), content_type="text/csv"),
        },
    )
    commune = Place.objects.get(code="52-550-03")
    other = Place.objects.get(code="52-540")

    response = admin.post(
        reverse("admin:directory_place_change", args=[commune.pk]), _place_form(commune, parent=other.pk)
    )

    assert response.status_code == 302
    assert Place.objects.get(code="52-550-03-01").path == "52/52-540/52-550-03/52-550-03-01/"


def test_admin_parent_inside_the_place_is_refused(client, db):
    admin = _admin_client(client, db)
    admin.post(
        reverse("admin:directory_place_import"),
        {
            "era": "before_2025",
            "places": SimpleUploadedFile("places.csv", TREE.encode("utf-8"), content_type="text/csv"),
        },
    )
    district = Place.objects.get(code="52-550")
    commune = Place.objects.get(code="52-550-03")

    response = admin.post(
        reverse("admin:directory_place_change", args=[district.pk]),
        _place_form(district, kind="thon", parent=commune.pk),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "Không thể đặt địa bàn trực thuộc chính nó hoặc một địa bàn bên trong nó."
    ]
    assert Place.objects.get(code="52-550-03-01").path == "52/52-550/52-550-03/52-550-03-01/"
