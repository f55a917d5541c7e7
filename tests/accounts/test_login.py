import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_renders_in_vietnamese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert response.context["form"].fields["password"].label == "Mật khẩu"


def test_login_wrong_password_shows_message(client, world):
    response = client.post(reverse("accounts:login"), {"username": "chuyenvien", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại."
    ]


def test_login_then_dashboard_shows_role(client, world):
    response = client.post(
        reverse("accounts:login"),
        {"username": "chuyenvien", "password": "matkhau-thu-nghiem"},
        follow=True,
    )
    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.context["dashboard"].role_label == "Chuyên viên cơ quan ban hành"
    assert response.context["dashboard"].place_label == "huyện Tuy Phước"


def test_logout_returns_to_login(client, world):
    client.force_login(world.users["leader"])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


@pytest.mark.django_db
def test_unknown_url_shows_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
