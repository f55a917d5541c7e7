from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm


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
