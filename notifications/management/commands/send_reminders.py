"""Run the daily deadline scan now: ``python manage.py send_reminders [--today YYYY-MM-DD]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications.services import outbox, reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(
            f"Ngày không hợp lệ: «{value}» (cần dạng YYYY-MM-DD, ví dụ 2026-12-08) / "
            f"invalid date: {value!r} (expected YYYY-MM-DD)"
        ) from exc


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn và báo cáo quá hạn đến hạn trong ngày (mặc định: hôm nay)."

    def add_arguments(self, parser):
        # Read in handle(), not by argparse's type=: a CommandError raised while the arguments
        # are parsed escapes as a traceback instead of Django's one-line message.
        parser.add_argument("--today", help="ngày quét, dạng YYYY-MM-DD (bắt kịp sau sự cố)")

    def handle(self, *args, **options):
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        with transaction.atomic():
            run = reminders.run_reminders(today=today)
            outbox.send_queued_on_commit(message_ids=outbox.unsent_notice_ids())
        for row in run.messages:
            self.stdout.write(f"{row.get_purpose_display()}: {row.to_email} – {row.subject}")
        for unreached in run.unreached:
            self.stdout.write(f"Không gửi được thư – {unreached}")
        summary = f"Ngày {today:%d/%m/%Y}: đã xếp {len(run.messages)} thư vào hộp thư đi."
        if run.unreached:
            summary += f" {len(run.unreached)} việc không có ai nhận được thư điện tử (xem các dòng trên)."
        self.stdout.write(summary)
