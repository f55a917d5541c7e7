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
        parser.add_argument(
            "--replace",
            action="store_true",
            help="thay danh sách hiện có của xã cho phiên (người đã có giữ giấy mời và điểm danh)",
        )
        parser.add_argument(
            "--confirm-removal",
            action="store_true",
            help="với --replace: đồng ý bỏ cả những người đã được mời hoặc đã điểm danh mà tệp không còn "
            "(giấy mời của họ không còn giá trị)",
        )

    def handle(self, *args, file, session, commune, commit, replace, confirm_removal, user=None, **options):
        loaded = self.commune_file(file=file, session=session, commune=commune, user=user)
        arguments = {
            "session": loaded.session,
            "commune": loaded.commune,
            "filename": loaded.filename,
            "content": loaded.content,
            "user": loaded.user,
            "replace": replace,
        }
        if not commit:
            report = preview_participants(**arguments)
        else:
            confirmed: set[int] = set()
            if replace and confirm_removal:
                # The people a first reading lists are those the option agrees to remove; anyone
                # invited or checked in between the two readings is refused all the same.
                confirmed = {removal.pk for removal in preview_participants(**arguments).removals_to_confirm}
            report = import_participants(**arguments, confirmed_removals=confirmed)
        self._print(report)
        if report.has_errors:
            raise CommandError("Danh sách có lỗi; chưa lưu gì. Hãy sửa tệp rồi chạy lại.")
        if report.removal_refused:
            raise CommandError(f"{report.removal_refused} (Với lệnh này: thêm --confirm-removal.)")
        if not commit:
            self.stdout.write("Chạy thử: chưa lưu gì. Thêm --commit để lưu.")
        elif report.committed and replace:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã lưu {report.saved} người: giữ {report.kept} người đã có, thêm {report.added} "
                    f"người mới, bỏ {report.removed} người của danh sách cũ."
                )
            )
        elif report.committed:
            self.stdout.write(self.style.SUCCESS(f"Đã lưu {report.saved} người."))
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
        for removal in report.removals:
            marks = [
                label for label, flag in zip(report.history_labels, removal.history, strict=True) if flag
            ]
            done = f" ({', '.join(marks).lower()})" if marks else ""
            self.stdout.write(f"Bỏ khỏi danh sách: {removal.full_name}{done}")
        self.stdout.write(report.summary)
        if report.rows:
            quota = report.quota if report.quota is not None else "chưa giao"
            self.stdout.write(
                f"Chỉ tiêu: {quota}; đã có: {report.existing}; thêm: {len(report.rows_to_save)}."
            )
