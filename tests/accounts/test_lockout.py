"""Repeated wrong passwords lock a user name from an address out; an administrator unlocks it
(issue 15, item 7)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User

PASSWORD = "matkhau-thu-nghiem"
LOCKED = "Tài khoản tạm khóa do nhập sai mật khẩu quá nhiều lần; thử lại sau 15 phút hoặc liên hệ quản trị."


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _lock(client, username="canboxa"):
    for _ in range(5):
        _login(client, username, "sai-mat-khau")


def test_five_wrong_passwords_lock_out_even_the_right_one(client, world):
    for attempt in range(4):
        response = _login(client, "canboxa", "sai-mat-khau")
        assert response.status_code == 200, attempt
    response = _login(client, "canboxa", "sai-mat-khau")
    assert response.status_code == 429
    response = _login(client, "canboxa", PASSWORD)
    assert response.status_code == 429
    assert response.context["lockout_message"] == LOCKED
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name(client, world):
    _lock(client)
    response = _login(client, "chuyenvien", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["district_staff"].pk)


def test_right_password_before_the_limit_clears_the_failures(client, world):
    for _ in range(4):
        _login(client, "canboxa", "sai-mat-khau")
    assert _login(client, "canboxa", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "canboxa", "sai-mat-khau")
    assert _login(client, "canboxa", PASSWORD).status_code == 302


def test_admin_unlock_action_lets_the_user_in_again(client, world):
    _lock(client)
    admin = User.objects.create_superuser("quantri", "quantri@example.gov.vn", "quan-tri-vien-2024!")
    client.force_login(admin)
    changelist = reverse("admin:accounts_user_changelist")
    assert "Mở khóa đăng nhập" in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "unlock_logins", "_selected_action": [world.users["commune_official"].pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Đã mở khóa đăng nhập cho 1 tài khoản (1 bản ghi)."
    ]
    client.logout()
    assert _login(client, "canboxa", PASSWORD).status_code == 302


def test_axes_reset_username_command_unlocks(client, world):
    _lock(client)
    assert _login(client, "canboxa", PASSWORD).status_code == 429
    call_command("axes_reset_username", "canboxa")
    assert _login(client, "canboxa", PASSWORD).status_code == 302


def test_admin_lists_the_failed_attempts(client, world):
    _lock(client)
    admin = User.objects.create_superuser("quantri", "quantri@example.gov.vn", "quan-tri-vien-2024!")
    client.force_login(admin)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "canboxa" in response.content.decode()
