from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from core.phones import PhoneError, normalize_phone

from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Đăng nhập", css_class="w-100"))


class NewPasswordErrorsMixin:
    """Say why a new password is refused under «Mật khẩu mới», where it was typed; Django puts it
    under the confirmation field. Checked only once both fields agree, as Django does."""

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        if self.cleaned_data.get(password_field_name):
            super().validate_password_for_user(user, "new_password1")


class NewPasswordForm(NewPasswordErrorsMixin, SetPasswordForm):
    pass


class ChangePasswordForm(NewPasswordErrorsMixin, PasswordChangeForm):
    pass


class ProfileForm(forms.ModelForm):
    """What every user keeps up to date about themselves: how the portal's e-mails and the
    office's calls reach them. The role and territory are set by an administrator."""

    class Meta:
        model = User
        fields = ["last_name", "first_name", "job_title", "email", "phone"]
        labels = {
            "last_name": "Họ và tên đệm",
            "first_name": "Tên",
            "job_title": "Chức vụ",
            "email": "Thư điện tử",
            "phone": "Số điện thoại",
        }
        help_texts = {
            "email": "Thư nhắc hạn, báo cáo quá hạn và đường dẫn đặt lại mật khẩu được gửi tới địa chỉ này.",
            "phone": "Di động (09xx xxx xxx) hoặc cố định kèm mã vùng ((0256) 3 851 234); "
            "chuyên viên gọi số này khi thư điện tử không tới được.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Lưu hồ sơ"))

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data.get("phone") or "")
        except PhoneError as exc:
            raise forms.ValidationError(exc.message, code="phone") from exc
