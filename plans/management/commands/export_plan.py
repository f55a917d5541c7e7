"""python manage.py export_plan ID [--out FILE]: write a plan as a plan file (JSON)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.planfile import export_plan


class Command(BaseCommand):
    help = "Xuất một kế hoạch ra tệp kế hoạch (JSON, định dạng dialogue-plan)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int, metavar="ID", help="mã (id) của kế hoạch")
        parser.add_argument("--out", type=Path, help="ghi vào tệp này thay vì in ra màn hình")

    def handle(self, *args, plan_id: int, out: Path | None, **options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã {plan_id}.")
        text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
        if out is None:
            self.stdout.write(text)
            return
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp «{out}».") from exc
        self.stdout.write(f"Đã ghi kế hoạch {plan_id} vào «{out}».")
