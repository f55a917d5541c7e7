from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.services import DirectoryImportError, import_places, import_units


class Command(BaseCommand):
    help = "Nạp danh mục địa bàn và cơ quan, đơn vị từ tệp CSV."

    def add_arguments(self, parser):
        parser.add_argument("--places", type=Path, help="CSV: code,kind,name,parent_code")
        parser.add_argument("--units", type=Path, help="CSV: code,name,short_name,kind,place_code,email")

    def handle(self, *args, places=None, units=None, **options):
        if not places and not units:
            raise CommandError("Cần ít nhất một trong hai tùy chọn --places hoặc --units.")
        try:
            if places:
                r = import_places(text=Path(places).read_text(encoding="utf-8"))
                self.stdout.write(f"Địa bàn: thêm {r.created}, cập nhật {r.updated}.")
            if units:
                r = import_units(text=Path(units).read_text(encoding="utf-8"))
                self.stdout.write(f"Đơn vị: thêm {r.created}, cập nhật {r.updated}.")
        except DirectoryImportError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
