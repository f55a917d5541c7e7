"""Benchmark replacing a commune's 10,000-person list (a merge: sessions.participants.replacement).

Imports the 10,000-row list of bench/import.py, marks every letter printed and checks 2,000
people in, then prints the median (of 3) time of
- a fresh import of the list into an empty session (the reference),
- replacing the list with the very same file (everyone kept, nothing to write),
- replacing it with a file where everyone's phone changed and the last hundredth are new people
  (9,900 updates, 100 confirmed removals with their letters, 100 inserts),
and the number of SQL queries of that last replacement for 100 and for 10,000 rows (target:
equal). Everything happens in a transaction that is rolled back. Exits 1 when the query counts
differ. The database must be migrated.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue .venv/bin/python bench/replace.py
"""

import importlib
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The list and the places of the import benchmark ("import" is a keyword: load it by name).
base = importlib.import_module("bench.import")

import openpyxl  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications.models import Attendance  # noqa: E402
from plans.models import Plan  # noqa: E402
from sessions.models import Participant, Quota, Session  # noqa: E402
from sessions.participants.history import mark_letters_printed  # noqa: E402
from sessions.participants.services import import_participants  # noqa: E402
from sessions.participants.workbook import HEADER_ROW  # noqa: E402

ROWS = base.ROWS
SMALL_ROWS = 100
CHECKED_IN = 2_000
RUNS = 3


def tail(rows: int) -> int:
    """How many people of a list of `rows` the changed file swaps for others."""
    return max(rows // 100, 1)


def changed_file(content: bytes, rows: int) -> bytes:
    """The list with every phone changed and its last hundredth replaced by other people."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    for offset in range(rows):
        row = HEADER_ROW + 1 + offset
        sheet.cell(row=row, column=6, value=f"08{offset:08d}")
        if offset >= rows - tail(rows):
            sheet.cell(row=row, column=2, value=f"Người Mới {offset}")
            sheet.cell(row=row, column=7, value=f"0529{offset:08d}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def listed_session(plan, commune, content: bytes, rows: int) -> Session:
    """A session of a plan of its own (the same people may be listed once per plan) with the list
    imported, every letter printed and the first people checked in."""
    plan = Plan.objects.create(
        issuer_id=plan.issuer_id,
        kind=plan.kind,
        year=plan.year,
        summary=f"{plan.summary} ({rows})",
        place_name=plan.place_name,
        closing=plan.closing,
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
    )
    session = Session.objects.create(plan=plan, venue_name=f"Hội trường {rows}", time_kind="later")
    Quota.objects.create(session=session, place=commune, count=ROWS)
    report = import_participants(
        session=session, commune=commune, filename="a.xlsx", content=content, user=None
    )
    assert report.saved == rows, report.errors
    mark_letters_printed(session_id=session.pk, commune_id=commune.pk)
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            participant_id=pk,
            full_name=name,
            commune=commune,
            category_id=category,
            checked_in_at=now,
        )
        for pk, name, category in Participant.objects.filter(session=session)
        .order_by("row_number")
        .values_list("pk", "full_name", "category_id")[: min(CHECKED_IN, rows - tail(rows))]
    )
    return session


def replace(session, commune, content: bytes, *, confirm=True, queries=None):
    """One replacement in a savepoint that is rolled back; returns (seconds, report)."""
    confirmed = (
        set(Participant.objects.filter(session=session).values_list("pk", flat=True)) if confirm else ()
    )
    with transaction.atomic():
        start = time.perf_counter()
        if queries is not None:
            with CaptureQueriesContext(connection) as capture:
                report = import_participants(
                    session=session,
                    commune=commune,
                    filename="b.xlsx",
                    content=content,
                    user=None,
                    replace=True,
                    confirmed_removals=confirmed,
                )
            queries.extend(capture.captured_queries)
        else:
            report = import_participants(
                session=session,
                commune=commune,
                filename="b.xlsx",
                content=content,
                user=None,
                replace=True,
                confirmed_removals=confirmed,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pay for the deferred FK checks
        elapsed = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if not report.committed:
            raise SystemExit(f"replacement failed: {report.errors[:3]} {report.removal_refused}")
        transaction.set_rollback(True)
    return elapsed, report


def main() -> int:
    print(f"database: {connection.vendor}")
    try:
        with transaction.atomic():
            session, commune = base.build_fixture()
            large, small = base.build_xlsx(ROWS), base.build_xlsx(SMALL_ROWS)
            large_changed, small_changed = changed_file(large, ROWS), changed_file(small, SMALL_ROWS)
            listed = listed_session(session.plan, commune, large, ROWS)
            listed_small = listed_session(session.plan, commune, small, SMALL_ROWS)
            replace(listed_small, commune, small_changed)  # warm up

            fresh, same, changed = [], [], []
            for _ in range(RUNS):
                fresh.append(base.run_import(session, commune, large, ROWS))
                same.append(replace(listed, commune, large, confirm=False)[0])
                seconds, report = replace(listed, commune, large_changed)
                changed.append(seconds)
            counts = (report.kept, report.added, report.removed)
            small_queries: list = []
            large_queries: list = []
            replace(listed_small, commune, small_changed, queries=small_queries)
            replace(listed, commune, large_changed, queries=large_queries)
            raise base.Rollback
    except base.Rollback:
        pass

    print(f"list: {ROWS:,} people, every letter printed, {CHECKED_IN:,} checked in")
    print(f"fresh import of the list (median of {RUNS}): {statistics.median(fresh):.3f} s")
    print(f"replacement with the same file (median of {RUNS}): {statistics.median(same):.3f} s")
    print(
        f"replacement with every phone changed and {tail(ROWS)} people swapped "
        f"(kept {counts[0]:,}, added {counts[1]}, removed {counts[2]}; median of {RUNS}): "
        f"{statistics.median(changed):.3f} s"
    )
    equal = len(small_queries) == len(large_queries)
    print(
        f"queries of that replacement: {SMALL_ROWS:,} rows → {len(small_queries)}, {ROWS:,} rows → "
        f"{len(large_queries)} {'OK (equal)' if equal else 'MISSED (not equal)'}"
    )
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
