from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = "Giấy mời và thông báo"

    def ready(self):
        from sessions.in_use import UseCheck, register_use_check  # noqa: PLC0415 (apps load before models)
        from sessions.participants.history import (  # noqa: PLC0415 (apps load before models)
            HistoryMark,
            register_history_mark,
        )

        from .models import Attendance, OutboxMessage, Purpose  # noqa: PLC0415 (apps load before models)

        # A session with check-ins stays: deleting it would delete them.
        register_use_check(UseCheck(label="người điểm danh", rows=lambda: Attendance.objects.all(), order=30))
        # A person e-mailed an invitation or checked in is not dropped from a list without a word.
        register_history_mark(
            HistoryMark(
                key="emailed",
                label="Đã gửi thư điện tử",
                rows=lambda: OutboxMessage.objects.filter(purpose=Purpose.INVITATION),
                order=20,
            )
        )
        register_history_mark(
            HistoryMark(
                key="checked_in", label="Đã điểm danh", rows=lambda: Attendance.objects.all(), order=30
            )
        )
