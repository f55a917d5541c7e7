from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.models import Place, PlaceLevel
from sessions.models import Session

from ...services import FeedbackError
from ...services.upload import QuestionImportReport, import_questions, preview_questions, save_questions


class Command(BaseCommand):
    help = (
        "Kiểm tra danh sách câu hỏi (.xlsx hoặc .csv) của một xã cho một phiên và in báo cáo từng dòng; "
        "với --commit thì lưu (lưu tất cả hoặc không lưu gì, bỏ qua câu hỏi trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp .xlsx hoặc .csv")
        parser.add_argument("--session", type=int, required=True, help="mã số (id) của phiên")
        parser.add_argument("--commune", required=True, help="mã xã trong danh mục địa bàn")
        parser.add_argument("--commit", action="store_true", help="lưu danh sách (mặc định chỉ chạy thử)")
        parser.add_argument(
            "--user", help="tên đăng nhập ghi nhận là người nhập (phải là cán bộ xã được gửi câu hỏi)"
        )

    def handle(self, *args, file, session, commune, commit, user=None, **options):
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

        arguments = {
            "session": session_obj,
            "commune": commune_obj,
            "filename": Path(file).name,
            "content": content,
        }
        if not commit:
            report = preview_questions(**arguments)
        elif user_obj is not None:
            try:
                report = import_questions(user=user_obj, **arguments)
            except FeedbackError as exc:
                raise CommandError(str(exc)) from exc
        else:
            report = save_questions(user=None, **arguments)
        self._print(report)
        if report.errors or report.error_count:
            raise CommandError("Danh sách có lỗi; chưa lưu gì. Hãy sửa tệp rồi chạy lại.")
        if not commit:
            self.stdout.write("Chạy thử: chưa lưu gì. Thêm --commit để lưu.")
        elif report.committed:
            self.stdout.write(self.style.SUCCESS(f"Đã lưu {report.saved} câu hỏi."))
        else:
            self.stdout.write("Không có câu hỏi mới nào để lưu.")

    def _print(self, report: QuestionImportReport) -> None:
        for row in report.rows:
            line = f"Dòng {row.number} [{row.status_label}] {row.values['text']}"
            if messages := [*row.errors, *row.duplicates]:
                line += " — " + " ".join(messages)
            self.stdout.write(line)
        for message in [*report.notices, *report.errors]:
            self.stdout.write(message)
        new = len(report.rows_to_save)
        self.stdout.write(
            f"Tổng {len(report.rows)} dòng — mới: {new}, trùng: {report.duplicate_count}, "
            f"lỗi: {report.error_count}."
        )
