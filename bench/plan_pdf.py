"""Benchmark of the printed plan: the app's pipeline against raw WeasyPrint on the same HTML.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue python bench/plan_pdf.py [--runs 15]

Needs a migrated database. Loads the directory and creates the plans it measures inside a
transaction that it rolls back, so the database is left as it was. Prints plain lines:
median time of plans.documents.render_plan (queries, template, PDF), median time of
``weasyprint.HTML(string=same_html).write_pdf()`` in the same process, their ratio (target
<= 1.2), and the SQL queries of render_plan for a plan of 5 and of 50 sections (must be equal).
Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "plans" / "seeds" / "000_tuy_phuoc_2024.json"
TARGET_RATIO = 1.2
BIG_SECTIONS = 50
# core.vietnamese.roman() numbers sections 1..39 only; used when 50 cannot be printed.
FALLBACK_SECTIONS = 35

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core import pdf  # noqa: E402, F401  (it quiets WeasyPrint's progress log)
from dialogue_portal.demo import DATA_DIR  # noqa: E402
from directory.services import import_places, import_units  # noqa: E402
from plans.documents import render_plan, render_plan_html  # noqa: E402
from plans.planfile import import_plan  # noqa: E402


def _inline_plan() -> dict:
    """A plan shaped like seed 000 (UBND huyện Tuy Phước, 2024), for when the seed file is absent."""

    def section(title, *children):
        return {"kind": "section", "title": title, "children": list(children)}

    def heading(title, *children, text=""):
        return {"kind": "heading", "title": title, "text": text, "children": list(children)}

    def bullet(text):
        return {"kind": "bullet", "text": text}

    sentence = (
        "Thông qua đối thoại để tuyên truyền, phổ biến các chủ trương của Đảng, chính sách, pháp luật "
        "của Nhà nước về cơ chế, chính sách, chế độ trong việc thực hiện Chương trình MTQG giảm nghèo "
        "bền vững giai đoạn 2021-2025 trên địa bàn huyện, tạo sự đồng thuận, ủng hộ cao của Nhân dân."
    )
    sessions = [
        ("Nhà văn hóa xã Phước Hoà", 4, 200, [("52-550-03", 150), ("52-550-04", 50)]),
        ("Nhà văn hóa xã Phước Hiệp", 4, 200, [("52-550-05", 150), ("52-550-06", 50)]),
        ("Nhà văn hóa xã Phước Lộc", 5, 200, [("52-550-07", 100), ("52-550-01", 100)]),
        ("Nhà văn hóa xã Phước An", 5, 150, [("52-550-08", 150)]),
        ("Nhà văn hóa xã Phước Thuận", 5, 150, [("52-550-09", 150)]),
    ]
    return {
        "file": "dialogue-plan",
        "version": 1,
        "issuer": "52-550",
        "kind": "poverty",
        "year": 2024,
        "summary": "Tổ chức các hội nghị đối thoại chính sách về Chương trình MTQG giảm nghèo bền vững "
        "trên địa bàn huyện năm 2024",
        "draft_month": 4,
        "place_name": "Tuy Phước",
        "legal_bases": [
            {
                "kind": "trien_khai",
                "doc_type": "Kế hoạch",
                "number": "40/KH-UBND",
                "date": "2024-03-15",
                "issuer": "UBND huyện",
                "title": "về việc triển khai thực hiện Chương trình giảm nghèo, giải quyết việc làm và đào "
                "tạo nghề trên địa bàn huyện năm 2024",
                "separator": ".",
            }
        ],
        "preamble": "UBND huyện xây dựng Kế hoạch tổ chức các hội nghị đối thoại chính sách về Chương "
        "trình MTQG giảm nghèo bền vững trên địa bàn huyện năm 2024, cụ thể như sau:",
        "blocks": [
            section(
                "Mục đích, yêu cầu",
                heading("Mục đích", bullet(sentence), bullet(sentence), bullet(sentence)),
                heading("Yêu cầu", bullet(sentence), bullet(sentence), bullet(sentence), bullet(sentence)),
            ),
            section(
                "Thời gian, địa điểm, thành phần và hình thức tổ chức hội nghị",
                heading("Thời gian, địa điểm tổ chức hội nghị", {"kind": "sessions_table"}),
                heading("Hình thức", text=sentence),
                heading("Thành phần tham gia", heading("Cấp huyện", bullet(sentence)), heading("Cấp xã")),
            ),
            section("Nội dung, chương trình hội nghị", *[heading("", text=sentence) for _ in range(5)]),
            section("Kinh phí thực hiện", {"kind": "budget"}),
            section(
                "Tổ chức thực hiện",
                *[
                    heading("Phòng Lao động - TB&XH huyện", bullet(sentence), bullet(sentence))
                    for _ in range(5)
                ],
            ),
        ],
        "budget_lines": [
            {
                "source": "Kinh phí thực hiện hoạt động đối thoại được bố trí từ nguồn kinh phí thực hiện "
                "Tiểu Dự án 2, Dự án 6 thuộc Chương trình MTQG giảm nghèo bền vững",
                "amount": 64500000,
                "decision_type": "Quyết định",
                "decision_number": "1638/QĐ-UBND",
                "decision_date": "2024-03-29",
            },
            {"source": "Các nguồn huy động hợp pháp khác theo quy định của pháp luật."},
        ],
        "sessions": [
            {
                "venue_name": venue,
                "time_kind": "month",
                "month": month,
                "year": 2024,
                "total_participants": total,
                "quotas": [{"place": code, "count": count} for code, count in quotas],
            }
            for venue, month, total, quotas in sessions
        ],
        "closing": "Trên đây là Kế hoạch tổ chức các hội nghị đối thoại chính sách năm 2024, yêu cầu các "
        "phòng, ban, ngành, địa phương căn cứ nội dung Kế hoạch này để thực hiện",
        "recipients": [
            {"name": "Sở Lao động - TB&XH"},
            {"name": "TT HU, HĐND huyện", "suffix": "(b/cáo)"},
            {"name": "CT, các PCT UBND huyện"},
            {"name": "UBND các xã, thị trấn", "suffix": "(t/hiện)"},
        ],
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_delegation": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Hùng Tân",
    }


def _interleaved_medians(functions: list, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) median seconds of each function, run in turns so machine load hits all alike."""
    wall: list[list[float]] = [[] for _ in functions]
    cpu: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for index, function in enumerate(functions):
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[index].append(time.perf_counter() - start)
            cpu[index].append(time.process_time() - start_cpu)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each renderer (median)")
    args = parser.parse_args()

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("database is not migrated: run `python manage.py migrate` first")
        return 2

    source = SEED.name if SEED.exists() else "inline plan like seed 000"
    data = json.loads(SEED.read_text(encoding="utf-8")) if SEED.exists() else _inline_plan()

    def with_sections(count: int) -> dict:
        bigger = copy.deepcopy(data)
        bigger["blocks"] = [copy.deepcopy(data["blocks"][i % len(data["blocks"])]) for i in range(count)]
        return bigger

    with transaction.atomic():
        import_places(text=(DATA_DIR / "places.csv").read_text(encoding="utf-8"))
        import_units(text=(DATA_DIR / "units.csv").read_text(encoding="utf-8"))
        # Drafts (no number), so they never collide with plans already in the database.
        plan = import_plan(data=copy.deepcopy(data))

        document = render_plan(plan)  # warm-up: font configuration, stylesheet, templates
        same_html = render_plan_html(plan, standalone=True)
        weasyprint.HTML(string=same_html).write_pdf()
        assert document.content.startswith(b"%PDF")

        (app, app_cpu), (raw, raw_cpu) = _interleaved_medians(
            [lambda: render_plan(plan), lambda: weasyprint.HTML(string=same_html).write_pdf()], args.runs
        )

        def count_queries(plan) -> int:
            with CaptureQueriesContext(connection) as queries:
                render_plan(plan)
            return len(queries)

        small_queries = count_queries(plan)
        big_sections, note = BIG_SECTIONS, ""
        try:
            with transaction.atomic():  # a savepoint: a failed render leaves the transaction usable
                big_queries = count_queries(import_plan(data=with_sections(BIG_SECTIONS)))
        except ValueError as error:  # roman() refuses 40 and more
            big_sections = FALLBACK_SECTIONS
            note = f" ({BIG_SECTIONS} sections cannot be printed: {error})"
            big_queries = count_queries(import_plan(data=with_sections(FALLBACK_SECTIONS)))
        transaction.set_rollback(True)

    sections = len(data["blocks"])
    ratio = app / raw
    print(f"plan: {source}, {sections} sections")
    print(f"runs: {args.runs}")
    print(f"app render_plan median: {app:.3f} s")
    print(f"raw weasyprint HTML(string=same_html).write_pdf() median: {raw:.3f} s")
    print(f"ratio app/raw: {ratio:.2f} (target <= {TARGET_RATIO})")
    # CPU time of this process leaves out other processes competing for the cores (and the
    # database server's own work); it tells a busy machine from a slow pipeline.
    print(f"cpu medians: app {app_cpu:.3f} s, raw {raw_cpu:.3f} s, ratio {app_cpu / raw_cpu:.2f}")
    print(f"SQL queries render_plan, {sections} sections: {small_queries}")
    print(f"SQL queries render_plan, {big_sections} sections: {big_queries}{note}")
    ok = ratio <= TARGET_RATIO and small_queries == big_queries
    print("result: ok" if ok else "result: target missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
