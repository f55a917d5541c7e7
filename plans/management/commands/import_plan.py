"""python manage.py import_plan FILE [--keep-status]: create a plan from a plan file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.planfile import PlanFileError, import_plan

# json's messages, in the words a person fixing the file by hand understands.
JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên trường phải đặt trong dấu ngoặc kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Unterminated string starting at": "chuỗi chưa có dấu ngoặc kép đóng",
    "Invalid control character at": "có ký tự điều khiển (xuống dòng, tab) trong chuỗi",
    "Invalid \\escape": "dấu \\ không hợp lệ trong chuỗi",
    "Extra data": "có dữ liệu thừa sau đối tượng JSON",
}


def read_plan_file(path: Path):
    """The JSON in `path`; CommandError in Vietnamese (with line and column) when it is not."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"Tệp «{path}» không phải văn bản UTF-8.") from exc
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp «{path}».") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = JSON_REASONS.get(exc.msg)
        where = f"dòng {exc.lineno}, cột {exc.colno}"
        detail = f"{reason} ({where})" if reason else where
        raise CommandError(f"Tệp «{path}» không phải JSON hợp lệ: {detail}.") from exc


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
