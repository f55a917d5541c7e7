from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.documents import render_plan, render_plan_html
from plans.models import Plan


class Command(BaseCommand):
    help = "In kế hoạch ra tệp PDF theo thể thức Nghị định 30/2020/NĐ-CP (mỗi kế hoạch một tệp)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", nargs="?", type=int, help="Mã số (ID) của kế hoạch cần in.")
        parser.add_argument("--all", action="store_true", help="In tất cả các kế hoạch.")
        parser.add_argument(
            "--out-dir", required=True, type=Path, help="Thư mục ghi tệp PDF (tạo mới nếu chưa có)."
        )
        parser.add_argument(
            "--html", action="store_true", help="Ghi thêm bản HTML bên cạnh mỗi tệp PDF (để xem trước)."
        )

    def handle(self, *args, **options):
        plan_id, every, out_dir = options["plan_id"], options["all"], options["out_dir"]
        if (plan_id is None) == (not every):
            raise CommandError("Hãy ghi mã số một kế hoạch hoặc dùng --all (không dùng cả hai).")
        if every:
            plans = list(Plan.objects.order_by("pk"))
        else:
            plan = Plan.objects.filter(pk=plan_id).first()
            if plan is None:
                raise CommandError(f"Không có kế hoạch mã số {plan_id}.")
            plans = [plan]
        out_dir.mkdir(parents=True, exist_ok=True)
        for plan in plans:
            document = render_plan(plan)
            path = out_dir / document.filename
            path.write_bytes(document.content)
            self.stdout.write(f"Đã ghi {path}")
            if options["html"]:
                html_path = path.with_suffix(".html")
                html_path.write_text(render_plan_html(plan, standalone=True), encoding="utf-8")
                self.stdout.write(f"Đã ghi {html_path}")
        self.stdout.write(self.style.SUCCESS(f"Đã in {len(plans)} kế hoạch vào {out_dir}."))
