"""The user's own profile page (the login and password pages are Django's, in accounts.urls)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.views.generic import UpdateView

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
