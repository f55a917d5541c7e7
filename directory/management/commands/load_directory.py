from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.models import MapEra
from directory.official import list_version, load_official_list
from directory.services import DirectoryImportError, import_commune_changes, import_places, import_units


class Command(BaseCommand):
    help = (
        "Nạp danh mục địa bàn và cơ quan, đơn vị: danh mục chính thức từ 01/7/2025 (--official) "
        "và/hoặc tệp CSV (thôn, tổ dân phố của từng xã; bản đồ cũ)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--official",
            action="store_true",
            help="34 tỉnh, thành phố và 3.321 xã, phường, đặc khu với mã chính thức (gói vietnam-provinces)",
        )
        parser.add_argument("--places", type=Path, help="CSV: code,kind,name,parent_code[,era]")
        parser.add_argument(
            "--units", type=Path, help="CSV: code,name,short_name,kind,place_code,email[,era]"
        )
        parser.add_argument(
            "--changes",
            type=Path,
            help="CSV: old_code,new_code[,main] — xã cũ nào sáp nhập, chia tách vào xã mới nào (01/7/2025)",
        )
        parser.add_argument(
            "--era",
            choices=MapEra.values,
            default=MapEra.FROM_2025,
            help="bản đồ của các dòng CSV không có cột era (mặc định: từ 01/7/2025)",
        )

    def handle(
        self, *args, official=False, places=None, units=None, changes=None, era=MapEra.FROM_2025, **options
    ):
        if not official and not places and not units and not changes:
            raise CommandError(
                "Cần ít nhất một trong các tùy chọn --official, --places, --units hoặc --changes."
            )
        try:
            if official:
                r = load_official_list()
                self.stdout.write(
                    f"Danh mục chính thức {list_version()}: thêm {r.created}, cập nhật {r.updated}."
                )
                if r.not_listed:
                    self.stdout.write(
                        f"Không còn trong danh mục (giữ lại, chưa xóa): {', '.join(r.not_listed)}."
                    )
            if places:
                r = import_places(text=Path(places).read_text(encoding="utf-8"), era=era)
                self.stdout.write(f"Địa bàn: thêm {r.created}, cập nhật {r.updated}.")
            if units:
                r = import_units(text=Path(units).read_text(encoding="utf-8"), era=era)
                self.stdout.write(f"Đơn vị: thêm {r.created}, cập nhật {r.updated}.")
            if changes:
                r = import_commune_changes(text=Path(changes).read_text(encoding="utf-8"))
                self.stdout.write(f"Sắp xếp xã: thêm {r.created}, cập nhật {r.updated}.")
        except DirectoryImportError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
