"""Users change their password, reset it by e-mail, and the office roles need a long one
(issue 15, item 7)."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

SHORT = "Tr@ngSen-24"  # 11 characters, not common, not numeric
LONG = "Tr@ngSen-2024!"
ROLE_MESSAGE = (
    "Mật khẩu của chuyên viên cơ quan ban hành, lãnh đạo, thư ký và quản trị viên phải có ít nhất 12 ký tự."
)


@pytest.mark.parametrize("role", ["leader", "district_staff", "secretary"])
def test_office_roles_need_twelve_characters(world, role):
    with pytest.raises(ValidationError) as error:
        validate_password(SHORT, user=world.users[role])
    assert error.value.messages == [ROLE_MESSAGE]
    validate_password(LONG, user=world.users[role])


@pytest.mark.parametrize("role", ["commune_official", "department_officer"])
def test_commune_and_unit_roles_keep_the_general_minimum(world, role):
    validate_password(SHORT, user=world.users[role])


def test_password_change_page_changes_the_password(client, world):
    user = world.users["leader"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password.change"),
        {"old_password": "matkhau-thu-nghiem", "new_password1": LONG, "new_password2": LONG},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password.change.done")
    user.refresh_from_db()
    assert user.check_password(LONG)


def test_password_change_refuses_a_short_password_for_a_leader(client, world):
    user = world.users["leader"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password.change"),
        {"old_password": "matkhau-thu-nghiem", "new_password1": SHORT, "new_password2": SHORT},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password1": [ROLE_MESSAGE]}
    user.refresh_from_db()
    assert user.check_password("matkhau-thu-nghiem")


def test_password_change_says_in_vietnamese_under_the_new_password_why_it_is_too_short(client, world):
    user = world.users["commune_official"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password.change"),
        {"old_password": "matkhau-thu-nghiem", "new_password1": "Ts-9x", "new_password2": "Ts-9x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password1": ["Mật khẩu quá ngắn: cần ít nhất 8 ký tự."]}


def test_password_reset_by_email_sets_a_new_password(client, world):
    user = world.users["commune_official"]
    user.email = "canboxa@phuochoa.gov.vn"
    user.save(update_fields=["email"])
    response = client.post(reverse("accounts:password.reset"), {"email": "canboxa@phuochoa.gov.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password.reset.done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (
        ["canboxa@phuochoa.gov.vn"],
        "Đặt lại mật khẩu trên Cổng hội nghị đối thoại",
    )
    link = re.search(r"http://testserver(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": SHORT, "new_password2": SHORT})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password.reset.complete")
    user.refresh_from_db()
    assert user.check_password(SHORT)
    # The link is used up.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_unknown_address_sends_nothing_and_says_the_same(client, world):
    response = client.post(reverse("accounts:password.reset"), {"email": "ai-do@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []
