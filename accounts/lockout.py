"""What a locked-out login sees, and how an administrator unlocks one (django-axes)."""

import math

from axes.helpers import get_cool_off
from axes.utils import reset
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .forms import LoginForm


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    later = f"thử lại sau {minutes} phút hoặc liên hệ quản trị" if minutes else "liên hệ quản trị để mở khóa"
    return f"Tài khoản tạm khóa do nhập sai mật khẩu quá nhiều lần; {later}."


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message, status 429."""
    username = (credentials or {}).get("username") or ""
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "lockout_message": lockout_message(request),
    }
    return TemplateResponse(request, "registration/login.html", context, status=429).render()


def unlock_logins(*, usernames: list[str]) -> int:
    """Clear the failed attempts of these user names from every address; returns how many
    records were removed. Side effect: the users may log in again at once."""
    # An empty name would mean "every user" to axes.
    return sum(reset(username=name) for name in usernames if name)
