"""Every user's own profile page (issue 14 point 7): e-mail and phone, so reminders reach them."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from dialogue_portal.demo import DEMO_USERS, load_demo

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/ho-so/"


def test_profile_url():
    assert reverse("accounts:profile") == URL


def test_profile_page_linked_from_the_top_bar_and_warns_without_email(world, login):
    client = login(world.users["department_officer"])

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    assert 'id="no-email"' in html


def test_profile_saves_email_and_normalised_phone(world, login):
    user = world.users["commune_official"]
    client = login(user)

    response = client.post(
        URL,
        {
            "last_name": "Phạm Thị",
            "first_name": "Dung",
            "job_title": "Công chức Văn hóa - Xã hội",
            "email": " CanBo.PhuocHoa@Example.gov.vn ",
            "phone": "(0256) 3 851 234",
        },
    )

    assert (response.status_code, response["Location"]) == (302, URL)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã lưu hồ sơ của bạn."]
    user.refresh_from_db()
    assert (user.get_full_name(), user.email, user.phone, user.role, user.place) == (
        "Phạm Thị Dung",
        "canbo.phuochoa@example.gov.vn",
        "02563851234",
        "commune_official",
        world.commune,
    )


def test_profile_bad_phone_names_the_field_and_saves_nothing(world, login):
    user = world.users["department_officer"]
    client = login(user)

    response = client.post(
        URL, {"last_name": "A", "first_name": "B", "email": "a@example.vn", "phone": "12345"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": [
            "«12345» không phải số điện thoại hợp lệ; ghi số di động 10 chữ số (09…, 03…) hoặc số cố định "
            "11 chữ số kèm mã vùng (02…), có thể ghi kèm mã nước +84."
        ]
    }
    user.refresh_from_db()
    assert (user.email, user.phone) == ("", "")


def test_profile_cannot_change_role_or_territory(world, login):
    user = world.users["commune_official"]
    client = login(user)

    client.post(
        URL,
        {
            "last_name": "A",
            "first_name": "B",
            "email": "",
            "phone": "",
            "role": "leader",
            "place": world.district.pk,
        },
    )

    user.refresh_from_db()
    assert (user.role, user.place) == ("commune_official", world.commune)


def test_profile_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_demo_users_get_demo_addresses_and_keep_their_own(db):
    load_demo()
    assert dict(
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", "email")
    ) == {username: f"{username}@example.gov.vn" for username, *_ in DEMO_USERS}
    User.objects.filter(username="donvi").update(email="uyen@nnptnt.example.gov.vn")

    load_demo()

    assert User.objects.get(username="donvi").email == "uyen@nnptnt.example.gov.vn"
