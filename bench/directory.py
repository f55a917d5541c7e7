"""Benchmark loading today's official list (load_directory --official).

Loads the 34 provinces and 3,321 communes into an empty map, then runs the load again, and
prints the time and number of SQL queries of each run (target: the first under 30 s on
PostgreSQL; the second adds and changes nothing). Everything happens in a transaction that
is rolled back, so the database is left as it was; places of today's map already there are
removed inside it first. Exits 1 when a target is missed. The database must be migrated.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue .venv/bin/python bench/directory.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
# Time it as production runs it, without the debug query log.
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import ProtectedError  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory.models import MapEra, Place, PlaceLevel  # noqa: E402
from directory.official import list_version, load_official_list  # noqa: E402

TARGET_SECONDS = 30.0


class Rollback(Exception):
    pass


def _run(label: str):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = load_official_list()
        seconds = time.perf_counter() - start
    print(
        f"{label}: {seconds:.2f} s, {len(queries)} truy vấn SQL, thêm {result.created}, cập nhật {result.updated}"
    )
    return seconds, result


def main() -> int:
    print(f"Danh mục chính thức {list_version()} trên {connection.vendor}")
    failed = False
    try:
        with transaction.atomic():
            # Hamlets first: they hang below the communes (PROTECT).
            try:
                for level in (PlaceLevel.HAMLET, PlaceLevel.COMMUNE, PlaceLevel.PROVINCE):
                    Place.objects.filter(era=MapEra.FROM_2025, level=level).delete()
            except ProtectedError:
                print(
                    "Bản đồ hiện hành đã được dùng (kế hoạch, người dùng…): chạy trên một cơ sở dữ liệu thử."
                )
                return 1
            first, created = _run("Lần nạp đầu")
            counts = {
                level.label: Place.objects.filter(era=MapEra.FROM_2025, level=level).count()
                for level in (PlaceLevel.PROVINCE, PlaceLevel.COMMUNE)
            }
            print(", ".join(f"{label}: {count}" for label, count in counts.items()))
            _, again = _run("Lần nạp lại")
            if first >= TARGET_SECONDS:
                print(f"CHƯA ĐẠT: lần nạp đầu {first:.2f} s (mục tiêu dưới {TARGET_SECONDS:.0f} s)")
                failed = True
            if (again.created, again.updated) != (0, 0) or created.created != 34 + 3321:
                print("CHƯA ĐẠT: lần nạp lại phải không thêm, không đổi gì; lần đầu phải thêm 3.355 địa bàn")
                failed = True
            raise Rollback
    except Rollback:
        pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
