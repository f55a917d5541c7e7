from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .forms import ChangePasswordForm, LoginForm, NewPasswordForm
from .views import LogoutView, ProfileView

app_name = "accounts"

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("ho-so/", ProfileView.as_view(), name="profile"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(
            form_class=ChangePasswordForm, success_url=reverse_lazy("accounts:password.change.done")
        ),
        name="password.change",
    ),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password.change.done"),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password.reset.done"),
        ),
        name="password.reset",
    ),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password.reset.done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm, success_url=reverse_lazy("accounts:password.reset.complete")
        ),
        name="password.reset.confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password.reset.complete",
    ),
]
