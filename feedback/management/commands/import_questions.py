from django.core.management.base import CommandError

from sessions.commune_file_command import CommuneFileCommand

from ...services import FeedbackError
from ...services.upload import QuestionImportReport, import_questions, preview_questions, save_questions


class Command(CommuneFileCommand):
    help = (
        "Kiểm tra danh sách câu hỏi (.xlsx hoặc .csv) của một xã cho một phiên và in báo cáo từng dòng; "
        "với --commit thì lưu (lưu tất cả hoặc không lưu gì, bỏ qua câu hỏi trùng)."
    )

    user_help = "tên đăng nhập ghi nhận là người nhập (phải là cán bộ xã được gửi câu hỏi)"

    def handle(self, *args, file, session, commune, commit, user=None, **options):
        loaded = self.commune_file(file=file, session=session, commune=commune, user=user)
        arguments = {
            "session": loaded.session,
            "commune": loaded.commune,
            "filename": loaded.filename,
            "content": loaded.content,
        }
        if not commit:
            report = preview_questions(**arguments)
        elif loaded.user is not None:
            try:
                report = import_questions(user=loaded.user, **arguments)
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
        if report.ignored_notice:
            self.stdout.write(report.ignored_notice)
        new = len(report.rows_to_save)
        self.stdout.write(
            f"Tổng {len(report.rows)} dòng — mới: {new}, trùng: {report.duplicate_count}, "
            f"lỗi: {report.error_count}."
        )
