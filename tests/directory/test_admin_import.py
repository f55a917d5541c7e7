from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import Place

from ..factories import UserFactory

PLACES = "code,kind,name,parent_code\n52,tinh,Bình Định,\n52-550,huyen,Tuy Phước,52\n"


def _admin_client(client, db):
    client.force_login(UserFactory(username="quantri", role="", is_staff=True, is_superuser=True))
    return client


def test_admin_csv_import_loads_places(client, db):
    response = _admin_client(client, db).post(
        reverse("admin:directory_place_import"),
        {"places": SimpleUploadedFile("places.csv", PLACES.encode("utf-8"), content_type="text/csv")},
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
        {"places": SimpleUploadedFile("places.csv", bad.encode("utf-8"), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Dòng 4, cột parent_code: không tìm thấy địa bàn mã «99»."
    ]
    assert Place.objects.count() == 0


def test_admin_csv_import_without_file_asks_for_one(client, db):
    response = _admin_client(client, db).post(reverse("admin:directory_place_import"), {})
    assert response.context["form"].non_field_errors() == ["Chọn ít nhất một tệp CSV."]
