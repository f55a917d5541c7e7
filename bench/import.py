"""Benchmark the participant-list import against openpyxl's bare read-only pass.

Builds a 10,000-row .xlsx in memory and prints the median (of 3) time of the whole import
(read in the reading child process as uploads are, check, save with COPY) and of openpyxl
reading the same file in read-only mode with nothing else, in this process,
their ratio (target: at most 2.5), and the number of SQL queries for 100 and for 10,000 rows
(target: equal). Everything it writes happens in a transaction that is rolled back. Exits 1
when a target is missed. The database must be migrated.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue .venv/bin/python bench/import.py
"""

import io
import os
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
# Time it as production runs it, without the debug query log.
os.environ.setdefault("DEBUG", "false")

import openpyxl  # noqa: E402

if __name__ == "__main__":
    # Only when run: the child that reads the file (core.isolation, a multiprocessing child)
    # imports this script again as __mp_main__ and needs none of it.
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from directory.models import KIND_LEVEL, MapEra, Place, PlaceKind
    from plans.models import Plan
    from sessions.models import ParticipantCategory, Quota, Session
    from sessions.participants.services import import_participants
    from sessions.participants.workbook import HEADER_ROW, TEMPLATE_HEADER

ROWS = 10_000
SMALL_ROWS = 100
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET_RATIO = 2.5

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quang", "Đức"]
GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung", "Phong", "Phúc", "Phương", "Quân", "Quyên",
    "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Tiến", "Trang", "Trí", "Trung", "Tuấn", "Tùng", "Uyên", "Vân",
    "Việt", "Vinh", "Xuân", "Yến", "Ánh", "Bảo", "Châu", "Đào", "Điệp", "Hằng", "Hậu", "Kiên", "Lộc", "Luân",
    "Mỹ", "Nhân", "Oanh", "Quế", "Sang", "Sương", "Thành", "Thoa", "Thư", "Toàn", "Trâm", "Tú", "Tường",
    "Vũ", "Vy", "Duyên", "Hoa", "Khoa", "Lâm", "Lợi", "Minh", "Nguyệt", "Nhi", "Phát", "Quý", "Tín", "Trọng",
    "Hiền", "Đạt", "Bích", "Cúc", "Diệu", "Gấm", "Huệ", "Kim", "Loan", "Ngọc",
]  # fmt: skip
HAMLETS = [
    "Lộc Thượng", "Lộc Hạ", "Mỹ Cang", "Quảng Tín", "Phong Tấn", "Vinh Thạnh", "Bình Thái", "Đại Tín",
    "Hanh Quang", "Kim Đông", "Hòa Mỹ", "Phú Mỹ", "Trung Thành", "An Hòa", "Thanh Long", "Giang Bắc",
    "Tân Hậu", "Định Thiện", "Luật Lễ", "Xuân Phương",
]  # fmt: skip


class Rollback(Exception):
    pass


def build_fixture():
    """A province, district and commune with 20 hamlets, and a session with a quota of 10,000."""

    def place(code, kind, name, parent=None):
        return Place.objects.create(
            era=MapEra.BEFORE_2025,
            code=code,
            kind=kind,
            name=name,
            parent=parent,
            level=KIND_LEVEL[kind],
            path=f"{parent.path if parent else ''}{code}/",
        )

    province = place("BENCH", PlaceKind.TINH, "Thử nghiệm hiệu năng")
    district = place("BENCH-1", PlaceKind.HUYEN, "Huyện thử", province)
    commune = place("BENCH-1-1", PlaceKind.XA, "Phước Thử", district)
    for number, name in enumerate(HAMLETS, start=1):
        place(f"BENCH-1-1-{number:02d}", PlaceKind.THON, name, commune)
    plan = Plan.objects.create(
        issuer=district,
        kind="poverty",
        year=2024,
        summary="Đo hiệu năng nhập danh sách",
        place_name="Huyện thử",
        closing="Hết.",
        signer_title="CHỦ TỊCH",
        signer_name="Người thử",
    )
    session = Session.objects.create(plan=plan, venue_name="Hội trường thử", time_kind="later")
    Quota.objects.create(session=session, place=commune, count=ROWS)
    return session, commune


def build_xlsx(rows: int) -> bytes:
    categories = list(ParticipantCategory.objects.values_list("name", flat=True))
    # A normal workbook, as Excel saves it, has a <dimension> element; without it openpyxl's
    # read-only mode parses the whole sheet once more just to size it, inflating the baseline.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI"])
    for _ in range(HEADER_ROW - 2):
        sheet.append([])
    sheet.append(list(TEMPLATE_HEADER))
    for number in range(rows):
        family = FAMILY[number % len(FAMILY)]
        middle = MIDDLE[number // len(FAMILY) % len(MIDDLE)]
        given = GIVEN[number // (len(FAMILY) * len(MIDDLE)) % len(GIVEN)]
        sheet.append(
            [
                number + 1,
                f"{family} {middle} {given}",
                1950 + number % 55,
                HAMLETS[number % len(HAMLETS)],
                categories[number % len(categories)],
                f"09{number:08d}",
                f"0520{number:08d}",
                f"nguoi{number}@example.vn" if number % 4 == 0 else None,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_pass(content: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            pass
    workbook.close()


def run_import(session, commune, content: bytes, rows: int, queries: list | None = None) -> float:
    """One import inside a savepoint that is rolled back; returns its duration.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so PostgreSQL checks them at
    COMMIT, which a rolled-back savepoint never reaches; SET CONSTRAINTS ALL IMMEDIATE runs
    those checks inside the timed part, as a real import pays for them.
    """
    with transaction.atomic():
        start = time.perf_counter()
        # Only the counting runs log queries: the debug cursor would slow the timed ones.
        capture = CaptureQueriesContext(connection) if queries is not None else nullcontext()
        with capture:
            report = import_participants(
                session=session, commune=commune, filename="bench.xlsx", content=content, user=None
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if report.saved != rows:
            raise SystemExit(f"import failed: {report.errors[:3]} {[r.messages for r in report.rows[:3]]}")
        transaction.set_rollback(True)
    if queries is not None:
        queries.extend(query["sql"] for query in capture.captured_queries)
    return elapsed


def count_queries(session, commune, content: bytes, rows: int) -> int:
    queries: list[str] = []
    run_import(session, commune, content, rows, queries)
    return len(queries)


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> int:
    print(f"database: {connection.vendor}")
    isolated = getattr(settings, "UPLOAD_READ_ISOLATED", True)
    print(f"file read {'in a child process (core.isolation)' if isolated else 'in this process'}")
    try:
        with transaction.atomic():
            session, commune = build_fixture()
            large = build_xlsx(ROWS)
            small = build_xlsx(SMALL_ROWS)
            bare_pass(large)  # warm up imports and caches for both sides
            run_import(session, commune, small, SMALL_ROWS)

            # Alternate the two so that both see the same load on a shared machine.
            bare_times, import_times = [], []
            for _ in range(RUNS):
                bare_times.append(timed(bare_pass, large))
                import_times.append(run_import(session, commune, large, ROWS))
            bare, whole = statistics.median(bare_times), statistics.median(import_times)
            small_queries = count_queries(session, commune, small, SMALL_ROWS)
            large_queries = count_queries(session, commune, large, ROWS)
            raise Rollback
    except Rollback:
        pass

    ratio = whole / bare
    print(f"file: {ROWS:,} rows, {len(large) / 1024:.0f} KiB")
    print(f"openpyxl read-only pass (median of {RUNS}): {bare:.3f} s")
    print(f"whole import: read, check, save (median of {RUNS}): {whole:.3f} s")
    print(f"ratio: {ratio:.2f} (target ≤ {TARGET_RATIO:g}) {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"ratio of the fastest runs: {min(import_times) / min(bare_times):.2f}")
    print(
        f"queries: {SMALL_ROWS:,} rows → {small_queries}, {ROWS:,} rows → {large_queries} "
        f"{'OK (equal)' if small_queries == large_queries else 'MISSED (not equal)'}"
    )
    return 0 if ratio <= TARGET_RATIO and small_queries == large_queries else 1


if __name__ == "__main__":
    sys.exit(main())
