"""python manage.py import_plan FILE [--keep-status]: create a plan from a plan file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.planfile import PlanFileError, import_plan, parse_plan_bytes


def read_plan_file(path: Path):
    """The JSON in `path`; CommandError in Vietnamese (with line and column) when it is not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp «{path}».") from exc
    try:
        return parse_plan_bytes(data, name=str(path))
    except PlanFileError as exc:
        raise CommandError(exc.errors[0]) from exc


class Command(BaseCommand):
    help = (
        "Nhập một tệp kế hoạch (JSON, định dạng dialogue-plan) thành kế hoạch mới và in mã (id) "
        "của kế hoạch. Có lỗi thì in từng lỗi và không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp kế hoạch (.json)")
        parser.add_argument(
            "--keep-status",
            action="store_true",
            help="giữ trạng thái, số và ngày ban hành ghi trong tệp (mặc định: nhập thành dự thảo)",
        )

    def handle(self, *args, file: Path, keep_status: bool, **options):
        data = read_plan_file(file)
        try:
            plan = import_plan(data=data, keep_status=keep_status)
        except PlanFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Tệp kế hoạch có {len(exc.errors)} lỗi; không lưu gì.") from exc
        self.stdout.write(str(plan.pk))
