"""The failed-login pages of the admin (django-axes) speak Vietnamese: the app's and its
models' names, the columns of the failed attempts."""

from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import User


def test_admin_names_the_lockout_app_and_its_models_in_vietnamese(client, db):
    admin = User.objects.create_superuser("quantri", "quantri@example.gov.vn", "quan-tri-vien-2024!")
    client.force_login(admin)

    index = client.get(reverse("admin:index")).content.decode()
    assert "Khóa đăng nhập" in index
    assert "Lần đăng nhập sai" in index and "Nhật ký đăng nhập" in index
    assert "Access attempts" not in index and "Access logs" not in index

    AccessAttempt.objects.create(
        username="canboxa",
        ip_address="127.0.0.1",
        user_agent="Firefox",
        http_accept="text/html",
        path_info="/dang-nhap/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Số lần đăng nhập sai" in attempts and "Địa chỉ IP" in attempts
    assert "Failed Logins" not in attempts
