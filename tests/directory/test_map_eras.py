"""The directory's two maps: codes unique per map, today's map without districts, files and
pages that name a code read it on the right map."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Role
from directory.models import MapEra, Place, PlaceKind
from directory.services import DirectoryImportError, import_places

from ..factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_same_code_on_both_maps_but_not_twice_on_one():
    PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")

    with pytest.raises(IntegrityError):
        PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai 2")


def test_csv_without_era_is_on_todays_map_and_refuses_a_district():
    with pytest.raises(DirectoryImportError) as exc:
        import_places(text="code,kind,name,parent_code\n52,tinh,Gia Lai,\n52-550,huyen,Tuy Phước,52\n")

    assert exc.value.errors == ["Dòng 3: bản đồ «Từ 01/7/2025 (tỉnh, xã)» không có cấp huyện."]
    assert Place.objects.count() == 0


def test_csv_era_column_puts_each_row_on_its_map():
    result = import_places(
        text="code,kind,name,parent_code,era\n52,tinh,Bình Định,,before_2025\n"
        "52-550,huyen,Tuy Phước,52,before_2025\n52,tinh,Gia Lai,,from_2025\n21952,xa,Tuy Phước,52,from_2025\n"
    )

    assert result.created == 4
    assert dict(Place.objects.filter(code__in=["52-550", "21952"]).values_list("code", "path")) == {
        "52-550": "52/52-550/",
        "21952": "from_2025:52/21952/",
    }


def test_csv_bad_era_and_bad_code_name_their_row_and_column():
    with pytest.raises(DirectoryImportError) as exc:
        import_places(text="code,kind,name,parent_code,era\n52,tinh,Gia Lai,,2025\n5/2,tinh,Bình Định,,\n")

    assert exc.value.errors == [
        "Dòng 2, cột era: bản đồ «2025» không hợp lệ (dùng «before_2025», «from_2025»).",
        "Dòng 3, cột code: mã «5/2» không được chứa «/» hoặc «:».",
    ]


def test_admin_csv_without_map_choice_loads_hamlets_under_an_official_commune(client):
    province = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
    PlaceFactory(code="21952", kind=PlaceKind.XA, name="Tuy Phước", parent=province)
    client.force_login(UserFactory(username="quantri", role="", is_staff=True, is_superuser=True))
    csv = "code,kind,name,parent_code\n21952-01,to_dan_pho,Trung Tín 1,21952\n"

    response = client.post(
        reverse("admin:directory_place_import"),
        {"places": SimpleUploadedFile("thon.csv", csv.encode("utf-8"), content_type="text/csv")},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Đã nạp danh mục — địa bàn: thêm 1, cập nhật 0."
    ]
    assert Place.objects.get(code="21952-01").path == "from_2025:52/21952/21952-01/"


def test_admin_refuses_a_parent_on_the_other_map(client):
    old = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    client.force_login(UserFactory(username="quantri", role="", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:directory_place_add"),
        {
            "era": MapEra.FROM_2025,
            "code": "21952",
            "kind": PlaceKind.XA,
            "name": "Tuy Phước",
            "parent": old.pk,
        },
    )

    assert response.context["adminform"].form.errors == {
        "parent": ["Địa bàn trực thuộc phải cùng bản đồ hành chính."]
    }


def test_place_page_reads_the_code_on_the_readers_map(client):
    old = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    new = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
    url = reverse("directory:place.detail", args=["52"])

    client.force_login(UserFactory(role=Role.DISTRICT_STAFF, place=old))
    assert client.get(url).context["place"] == old
    client.force_login(UserFactory(role=Role.DISTRICT_STAFF, place=new))
    assert client.get(url).context["place"] == new
    assert client.get(url + "?ban-do=before_2025").status_code == 403
