"""Run the daily deadline scan now: ``python manage.py send_reminders [--today YYYY-MM-DD]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications.services import outbox, reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value} (cần dạng YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn và báo cáo quá hạn đến hạn trong ngày (mặc định: hôm nay)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_date, help="ngày quét, dạng YYYY-MM-DD (bắt kịp sau sự cố)")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        with transaction.atomic():
            rows = reminders.queue_reminders(today=today)
            outbox.send_queued_on_commit(message_ids=outbox.unsent_notice_ids())
        for row in rows:
            self.stdout.write(f"{row.get_purpose_display()}: {row.to_email} – {row.subject}")
        self.stdout.write(f"Ngày {today:%d/%m/%Y}: đã xếp {len(rows)} thư vào hộp thư đi.")
