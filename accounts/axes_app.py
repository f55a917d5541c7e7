"""django-axes (failed logins and lockouts) under a Vietnamese name in the admin; its models' and
fields' names come from locale/vi, since the app ships no Vietnamese."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "Khóa đăng nhập"
