from django.core.management.base import CommandError

from sessions.commune_file_command import CommuneFileCommand
from sessions.participants.report import ImportReport
from sessions.participants.services import import_participants, preview_participants


class Command(CommuneFileCommand):
    help = (
        "Kiểm tra danh sách người tham dự (.xlsx hoặc .csv) của một xã cho một phiên và in báo cáo "
        "từng dòng; với --commit thì lưu (lưu tất cả hoặc không lưu gì)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--replace", action="store_true", help="thay danh sách hiện có của xã cho phiên")

    def handle(self, *args, file, session, commune, commit, replace, user=None, **options):
        loaded = self.commune_file(file=file, session=session, commune=commune, user=user)
        run = import_participants if commit else preview_participants
        report = run(
            session=loaded.session,
            commune=loaded.commune,
            filename=loaded.filename,
            content=loaded.content,
            user=loaded.user,
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
        if report.ignored_notice:
            self.stdout.write(report.ignored_notice)
        self.stdout.write(report.summary)
        if report.rows:
            quota = report.quota if report.quota is not None else "chưa giao"
            self.stdout.write(
                f"Chỉ tiêu: {quota}; đã có: {report.existing}; thêm: {len(report.rows_to_save)}."
            )
