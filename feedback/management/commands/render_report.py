from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feedback.documents import render_report, report_xlsx
from plans.models import Plan


class Command(BaseCommand):
    help = "In báo cáo kết quả tổ chức hội nghị đối thoại của một kế hoạch (PDF theo Nghị định 30, và xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int, help="Mã số (ID) của kế hoạch.")
        parser.add_argument("--out", type=Path, help="Tệp PDF cần ghi.")
        parser.add_argument("--xlsx", type=Path, help="Tệp xlsx số liệu cần ghi.")
        parser.add_argument(
            "--to",
            action="append",
            metavar="NƠI NHẬN",
            help="Một nơi nhận trong khối «Kính gửi:» (lặp lại cho mỗi nơi); mặc định là cấp trên của UBND ban hành.",
        )

    def handle(self, *args, **options):
        if not options["out"] and not options["xlsx"]:
            raise CommandError("Hãy ghi --out TỆP.pdf, --xlsx TỆP.xlsx hoặc cả hai.")
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã số {options['plan_id']}.")
        extra = {"addressees": options["to"]} if options["to"] else {}
        for key, render in (("out", lambda: render_report(plan, **extra).content), ("xlsx", None)):
            path = options[key]
            if path is None:
                continue
            content = render() if render else report_xlsx(plan, **extra)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            self.stdout.write(f"Đã ghi {path}")
