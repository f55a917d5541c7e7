"""The user's own profile page and the logout (the login and password pages are Django's, in
accounts.urls)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import UpdateView

from core.views import ActionView

from .forms import ProfileForm


class ProfileView(LoginRequiredMixin, UpdateView):
    """Every user sets their own name, e-mail address and phone number."""

    form_class = ProfileForm
    template_name = "registration/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Đã lưu hồ sơ của bạn.")
        return response


class LogoutView(ActionView, auth_views.LogoutView):
    """Logging out is the top bar's button (POST); the address opened by GET goes home, saying so
    (core.views.ActionView), or to the login page for someone already logged out."""

    action_label = "Đăng xuất"

    def action_page_url(self) -> str:
        return reverse("home")

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return super().get(request, *args, **kwargs)
