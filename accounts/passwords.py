"""The password policy that depends on who holds the account."""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

from .models import Role

# Accounts that approve plans, issue notices or read every citizen's name in the district.
STRONG_ROLES = frozenset({Role.DISTRICT_STAFF, Role.LEADER, Role.SECRETARY})


class RolePasswordLengthValidator:
    """At least `strong_length` characters for the office roles and for administrators;
    the other accounts keep the general minimum (MinimumLengthValidator)."""

    def __init__(self, strong_length: int = 12):
        self.strong_length = strong_length

    def needs_strong(self, user) -> bool:
        if user is None:
            return False
        return bool(user.role in STRONG_ROLES or user.is_staff or user.is_superuser)

    def validate(self, password: str, user=None) -> None:
        if self.needs_strong(user) and len(password) < self.strong_length:
            raise ValidationError(
                f"Mật khẩu của chuyên viên cơ quan ban hành, lãnh đạo, thư ký và quản trị viên phải có ít nhất "
                f"{self.strong_length} ký tự.",
                code="password_too_short_for_role",
            )

    def get_help_text(self) -> str:
        return f"Chuyên viên cơ quan ban hành, lãnh đạo, thư ký và quản trị viên: mật khẩu ít nhất {self.strong_length} ký tự."


class VietnameseMinimumLengthValidator(MinimumLengthValidator):
    """Django's minimum length, with its refusal in Vietnamese: Django's Vietnamese catalogue
    lacks this one message, so the password pages showed it in English."""

    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")
