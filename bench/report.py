"""Benchmark the results report (BÁO CÁO) of a plan with 5 sessions and 5,000 questions.

Builds the plan inside a transaction that is rolled back, prints the time to build the
figures, to render the PDF and to write the xlsx, and the number of SQL queries of the report
for 50 and for 5,000 questions (target: equal). Exits 1 when the counts differ. The database
must be migrated.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue .venv/bin/python bench/report.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.pdf import html_to_pdf  # noqa: E402
from directory.models import KIND_LEVEL, MapEra, Place, PlaceKind, Unit, UnitKind  # noqa: E402
from feedback.documents import render_report, render_report_html, report_xlsx  # noqa: E402
from feedback.models import Channel, Question, QuestionStatus, Topic  # noqa: E402
from feedback.report import build_report  # noqa: E402
from notifications.models import Attendance  # noqa: E402
from plans.models import Plan  # noqa: E402
from sessions.models import Quota, Session  # noqa: E402

QUESTIONS = 5_000
SMALL = 50
SESSIONS = 5


class Rollback(Exception):
    pass


def place(code, kind, name, parent=None):
    return Place.objects.create(
        era=MapEra.BEFORE_2025, code=code, kind=kind, name=name, parent=parent, level=KIND_LEVEL[kind],
        path=f"{parent.path if parent else ''}{code}/",
    )  # fmt: skip


def build_plan(prefix: str, questions: int) -> Plan:
    province = place(f"{prefix}", PlaceKind.TINH, "Thử nghiệm")
    district = place(f"{prefix}-1", PlaceKind.HUYEN, "Huyện thử", province)
    communes = [place(f"{prefix}-1-{i}", PlaceKind.XA, f"Xã thử {i}", district) for i in range(1, 11)]
    units = [
        Unit.objects.create(
            code=f"{prefix}-U{i}",
            name=f"Phòng thử {i}",
            short_name=f"Phòng thử {i}",
            kind=UnitKind.PHONG_BAN,
            place=district,
        )  # fmt: skip
        for i in range(4)
    ]
    plan = Plan.objects.create(
        issuer=district, kind="poverty", year=2024, summary="Tổ chức các hội nghị đối thoại thử năm 2024",
        place_name="Huyện thử", closing="Hết.", signer_title="CHỦ TỊCH", signer_name="Người thử",
    )  # fmt: skip
    sessions = []
    for s in range(SESSIONS):
        session = Session.objects.create(
            plan=plan, position=s, venue_name=f"Hội trường cụm {s + 1}", time_kind="exact",
            date=datetime.date(2024, 5, 1 + s),
        )  # fmt: skip
        for i, commune in enumerate(communes[2 * s : 2 * s + 2]):
            Quota.objects.create(session=session, place=commune, count=100, position=i)
        sessions.append(session)
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(session=sessions[i % SESSIONS], full_name=f"Người {i}", commune=communes[i % 10],
                   walk_in=True, checked_in_at=now)
        for i in range(400)
    )  # fmt: skip
    topics = list(Topic.objects.all())
    Question.objects.bulk_create(
        Question(
            session=sessions[i % SESSIONS],
            commune=communes[i % 10],
            channel=Channel.BEFORE_SESSION,
            text=f"Câu hỏi số {i + 1} về chính sách hỗ trợ hộ nghèo, hộ cận nghèo và việc làm?",
            topic=topics[i % len(topics)],
            status=QuestionStatus.ASSIGNED,
            assigned_unit=units[i % 4],
            due_date=datetime.date(2024, 6, 1),
        )  # fmt: skip
        for i in range(questions)
    )
    return plan


def queries(plan: Plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        render_report_html(plan)
        report_xlsx(plan)
    return len(captured)


def main() -> int:
    try:
        with transaction.atomic():
            small = build_plan("BENCHR-A", SMALL)
            big = build_plan("BENCHR-B", QUESTIONS)
            small_queries, big_queries = queries(small), queries(big)
            start = time.perf_counter()
            build_report(big)
            built = time.perf_counter() - start
            start, cpu = time.perf_counter(), time.process_time()
            document = render_report(big)
            rendered, rendered_cpu = time.perf_counter() - start, time.process_time() - cpu
            html = render_report_html(big)
            start, cpu = time.perf_counter(), time.process_time()
            raw = html_to_pdf(html)
            raw_time, raw_cpu = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            xlsx = report_xlsx(big)
            exported = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    print(f"questions: {QUESTIONS}, sessions: {SESSIONS}")
    print(f"build_report: {built:.2f} s")
    print(
        f"render_report (PDF, {len(document.content) // 1024} KiB): {rendered:.2f} s "
        f"(CPU of this process {rendered_cpu:.2f} s)"
    )
    print(
        f"raw WeasyPrint on the same HTML ({len(raw) // 1024} KiB): {raw_time:.2f} s "
        f"(CPU {raw_cpu:.2f} s); ratio render_report / raw: {rendered / raw_time:.2f}"
    )
    print(f"report_xlsx ({len(xlsx) // 1024} KiB): {exported:.2f} s")
    print(
        f"SQL queries (HTML + xlsx): {SMALL} questions: {small_queries}, {QUESTIONS} questions: {big_queries}"
    )
    if small_queries != big_queries:
        print("FAIL: the query count grows with the number of questions")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
