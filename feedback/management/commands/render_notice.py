from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feedback.documents import render_notice
from feedback.models import SessionConclusion
from sessions.models import Session


class Command(BaseCommand):
    help = "In thông báo kết luận hội nghị đối thoại của một phiên (PDF theo Nghị định 30)."

    def add_arguments(self, parser):
        parser.add_argument("session_id", type=int, help="Mã số (ID) của phiên đối thoại.")
        parser.add_argument("--out", type=Path, required=True, help="Tệp PDF cần ghi.")

    def handle(self, *args, **options):
        session = Session.objects.filter(pk=options["session_id"]).first()
        if session is None:
            raise CommandError(f"Không có phiên đối thoại mã số {options['session_id']}.")
        conclusion = SessionConclusion.objects.filter(session=session).first()
        if conclusion is None:
            raise CommandError(f"Phiên «{session}» chưa có thông báo kết luận.")
        if conclusion.is_issued and conclusion.issued_pdf:
            with conclusion.issued_pdf.open("rb") as handle:
                content = handle.read()  # the notice exactly as issued
        else:
            content = render_notice(session).content
        path = options["out"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(f"Đã ghi {path}")
