from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.models import Place, PlaceLevel
from sessions.models import Session
from sessions.participants.report import ImportReport
from sessions.participants.services import import_participants, preview_participants


class Command(BaseCommand):
    help = (
        "Kiểm tra danh sách người tham dự (.xlsx hoặc .csv) của một xã cho một phiên và in báo cáo "
        "từng dòng; với --commit thì lưu (lưu tất cả hoặc không lưu gì)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp .xlsx hoặc .csv")
        parser.add_argument("--session", type=int, required=True, help="mã số (id) của phiên")
        parser.add_argument("--commune", required=True, help="mã xã trong danh mục địa bàn")
        parser.add_argument("--commit", action="store_true", help="lưu danh sách (mặc định chỉ chạy thử)")
        parser.add_argument("--replace", action="store_true", help="thay danh sách hiện có của xã cho phiên")
        parser.add_argument("--user", help="tên đăng nhập ghi nhận là người nhập")

    def handle(self, *args, file, session, commune, commit, replace, user=None, **options):
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp «{file}»: {exc.strerror}.") from exc
        session_obj = Session.objects.select_related("plan").filter(pk=session).first()
        if session_obj is None:
            raise CommandError(f"Không có phiên số {session}.")
        commune_obj = Place.objects.filter(code=commune, level=PlaceLevel.COMMUNE).first()
        if commune_obj is None:
            raise CommandError(f"Không có xã mã «{commune}» trong danh mục địa bàn.")
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"Không có người dùng «{user}».")

        run = import_participants if commit else preview_participants
        report = run(
            session=session_obj,
            commune=commune_obj,
            filename=Path(file).name,
            content=content,
            user=user_obj,
            replace=replace,
        )
        self._print(report)
        if report.has_errors:
            raise CommandError("Danh sách có lỗi; chưa lưu gì. Hãy sửa tệp rồi chạy lại.")
        if not commit:
            self.stdout.write("Chạy thử: chưa lưu gì. Thêm --commit để lưu.")
        elif report.committed:
            replaced = f" (đã xóa {report.replaced} người của danh sách cũ)" if replace else ""
            self.stdout.write(self.style.SUCCESS(f"Đã lưu {report.saved} người{replaced}."))
        else:
            self.stdout.write("Không có người mới nào để lưu.")

    def _print(self, report: ImportReport) -> None:
        for row in report.rows:
            line = f"Dòng {row.number} [{row.status_label}] {row.values['full_name']}"
            if row.messages:
                line += " — " + " ".join(row.messages)
            self.stdout.write(line)
        for message in [*report.notices, *report.errors]:
            self.stdout.write(message)
        self.stdout.write(report.summary)
        if report.rows:
            quota = report.quota if report.quota is not None else "chưa giao"
            self.stdout.write(
                f"Chỉ tiêu: {quota}; đã có: {report.existing}; thêm: {len(report.rows_to_save)}."
            )
