from django.urls import reverse


def test_commune_official_sees_own_commune(world, login):
    client = login(world.users["commune_official"])
    response = client.get(reverse("directory:place.detail", args=[world.commune.code]))
    assert response.status_code == 200
    assert [str(p) for p in response.context["children"]] == ["thôn Lộc Thượng"]


def test_commune_official_other_commune_is_forbidden(world, login):
    client = login(world.users["commune_official"])
    response = client.get(reverse("directory:place.detail", args=[world.other_commune.code]))
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_place_forged_code_is_404(world, login):
    client = login(world.users["district_staff"])
    response = client.get(reverse("directory:place.detail", args=["khong-ton-tai"]))
    assert response.status_code == 404
