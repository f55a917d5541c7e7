from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = "Giấy mời và thông báo"

    def ready(self):
        from sessions.in_use import UseCheck, register_use_check  # noqa: PLC0415 (apps load before models)

        from .models import Attendance  # noqa: PLC0415 (apps load before models)

        # A session with check-ins stays: deleting it would delete them.
        register_use_check(UseCheck(label="người điểm danh", rows=lambda: Attendance.objects.all(), order=30))
