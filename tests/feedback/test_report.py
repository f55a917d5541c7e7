"""The results report (BÁO CÁO, BC-UBND), read back from the PDF and the xlsx: the FORMAT-ND30.md
checks adapted to a report, and every figure compared with what the database holds."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.vietnamese import short_date
from directory.models import PlaceKind
from feedback.documents import render_report, render_report_html, report_xlsx
from feedback.models import Answer, Channel, Question, QuestionStatus, Topic, WrittenReply
from feedback.report import ReportDocument, build_report
from notifications.models import Attendance
from plans.models import Plan
from plans.planfile import import_plan
from sessions.models import HeldRecord, Quota, Session

from ..factories import PlaceFactory, UnitFactory
from ..matrix_rows import plan_file
from ..pdfcheck import (
    body_lines,
    dominant_size_share,
    find_line,
    find_lines,
    foreign_fonts,
    is_bold,
    mm,
    open_pdf,
    outside,
    page_number_lines,
    page_size_mm,
    pt,
    rules_under,
    squash,
    table_bboxes,
    table_rows,
    text_edges_mm,
    text_lines,
)
from ..xlsxcheck import FORMULA_PAYLOADS, as_text, formulas, read_back

pytestmark = pytest.mark.django_db

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TOPIC_CODES = ["giam-ngheo", "viec-lam", "tin-dung-chinh-sach", "bao-hiem-y-te", "nha-o"]


def issued_by(plan: Plan, issuer) -> Plan:
    """The report is for an issued plan: give it to the world's district, numbered and issued."""
    Plan.objects.filter(pk=plan.pk).update(
        issuer=issuer, status="issued", number=plan.pk + 100, issued_on=datetime.date(2024, 3, 1)
    )
    plan.refresh_from_db()
    return plan


def build_plan(questions: int = 12, *, prefix: str = "R") -> Plan:
    """A district plan with two sessions over three communes: one held (check-ins), one to come."""
    province = PlaceFactory(code=f"{prefix}52", kind=PlaceKind.TINH, name="Bình Định")
    district = PlaceFactory(code=f"{prefix}52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=province)
    communes = [
        PlaceFactory(code=f"{prefix}52-550-0{i}", kind=PlaceKind.XA, name=name, parent=district)
        for i, name in enumerate(["Phước Hòa", "Phước An", "Phước Thắng"], start=1)
    ]
    units = [
        UnitFactory(name="Phòng Lao động - TB&XH huyện", short_name="Phòng Lao động - TB&XH", place=district),
        UnitFactory(name="Phòng Tài nguyên và Môi trường huyện", short_name="Phòng TN&MT", place=district),
    ]
    plan = Plan.objects.create(
        issuer=district,
        kind="poverty",
        year=2024,
        summary="Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024",
        place_name="Tuy Phước",
        closing="Trên đây là Kế hoạch.",
        signer_authority="TM. Ủy ban nhân dân",
        signer_delegation="KT. Chủ tịch",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Bình",
        archive="VT, LĐTBXH",
    )
    held = Session.objects.create(
        plan=plan,
        position=0,
        venue_name="Hội trường UBND xã Phước Hòa",
        host_commune=communes[0],
        time_kind="exact",
        date=datetime.date(2024, 5, 10),
    )
    later = Session.objects.create(
        plan=plan, position=1, venue_name="Hội trường UBND xã Phước Thắng", time_kind="later"
    )
    Quota.objects.create(session=held, place=communes[0], count=60, position=0)
    Quota.objects.create(session=held, place=communes[1], count=40, position=1)
    Quota.objects.create(session=later, place=communes[2], count=80, position=0)
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            session=held,
            full_name=f"Người dân {i}",
            commune=communes[i % 2],
            walk_in=True,
            checked_in_at=now,
        )
        for i in range(7)
    )
    HeldRecord.objects.create(
        session=held,
        held_on=datetime.date(2024, 5, 10),
        venue="Hội trường UBND xã Phước Hòa",
        chair="Phó Chủ tịch UBND huyện",
        recorded_at=now,
    )
    add_questions(plan, questions, communes=communes, units=units)
    return plan


def add_questions(plan: Plan, count: int, *, communes, units) -> None:
    sessions = list(plan.sessions.all())
    topics = {t.code: t for t in Topic.objects.filter(code__in=TOPIC_CODES)}
    statuses = [
        QuestionStatus.NEW,
        QuestionStatus.ASSIGNED,
        QuestionStatus.ANSWERED_AT_SESSION,
        QuestionStatus.TO_ANSWER_IN_WRITING,
        QuestionStatus.CLOSED,
    ]
    created = Question.objects.bulk_create(
        Question(
            session=sessions[i % len(sessions)],
            commune=communes[i % len(communes)],
            text=f"Câu hỏi số {i + 1} về chính sách hỗ trợ hộ nghèo, hộ cận nghèo?",
            asker_name="Trần Thị Bích" if i % 3 else "",
            anonymous=i % 3 == 0,
            channel=Channel.BEFORE_SESSION,
            # Uneven counts per topic so that a swapped row shows.
            topic=topics[TOPIC_CODES[(i * i) % len(TOPIC_CODES)]],
            status=statuses[i % len(statuses)],
            assigned_unit=None if statuses[i % len(statuses)] == QuestionStatus.NEW else units[i % 2],
            due_date=datetime.date(2024, 6, 1),
        )
        for i in range(count)
    )
    answers, replies = [], []
    for question in created:
        if question.status == QuestionStatus.ANSWERED_AT_SESSION:
            answers.append(
                Answer(
                    question=question,
                    unit=question.assigned_unit,
                    given_at_session=True,
                    session_summary="Được vay vốn tại Ngân hàng Chính sách xã hội.",
                    given_by="Trưởng phòng Lao động - TB&XH",
                )
            )
        elif question.status == QuestionStatus.TO_ANSWER_IN_WRITING:
            replies.append(WrittenReply(question=question, due_date=datetime.date(2024, 6, 15)))
        elif question.status == QuestionStatus.CLOSED:
            replies.append(
                WrittenReply(
                    question=question,
                    due_date=datetime.date(2024, 6, 15),
                    document_number="125/UBND-LĐTBXH",
                    document_date=datetime.date(2024, 6, 10),
                    closed_at=timezone.now(),
                )
            )
    Answer.objects.bulk_create(answers)
    WrittenReply.objects.bulk_create(replies)
    if created:
        # A merged duplicate is not counted.
        Question.objects.create(
            session=sessions[0],
            text="Câu hỏi trùng",
            channel=Channel.SPOKEN,
            topic=topics["giam-ngheo"],
            duplicate_of=created[0],
        )


@dataclass
class Printed:
    document: ReportDocument
    pdf_bytes: bytes
    xlsx_bytes: bytes
    db_topics: dict[str, int]
    db_statuses: dict[str, int]
    db_units: dict[str, int]
    db_attendance: dict[str, int]
    db_question_texts: list[str]

    @cached_property
    def pdf(self):
        return open_pdf(self.pdf_bytes)


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker) -> Printed:
    with django_db_blocker.unblock(), transaction.atomic():
        plan = build_plan(questions=23)
        questions = Question.objects.filter(session__plan=plan, duplicate_of__isnull=True)
        result = Printed(
            document=build_report(plan),
            pdf_bytes=render_report(plan).content,
            xlsx_bytes=report_xlsx(plan),
            db_topics=dict(questions.values_list("topic__name").annotate(n=Count("pk")).order_by()),
            db_statuses={
                QuestionStatus(status).label: n
                for status, n in questions.values_list("status").annotate(n=Count("pk")).order_by()
            },
            db_units=dict(
                questions.values_list("assigned_unit__short_name").annotate(n=Count("pk")).order_by()
            ),
            db_attendance=dict(
                Attendance.objects.filter(session__plan=plan)
                .values_list("commune__name")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            db_question_texts=list(
                questions.order_by("session__position", "pk").values_list("text", flat=True)
            ),
        )
        transaction.set_rollback(True)
    return result


def _text_area(pdf) -> tuple[float, float]:
    lines = [line for page in pdf.pages for line in body_lines(page)]
    return min(line.x0 for line in lines), max(line.x1 for line in lines)


def _rows_after(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """The rows of the table whose header is ``header`` (header rows repeated on later pages dropped)."""
    start = rows.index(header) + 1
    out = []
    for row in rows[start:]:
        if row == header:
            continue
        if len(row) != len(header) or row[0] == "STT":
            break
        out.append(row)
        if row[1] == "Tổng cộng":
            break
    return out


# ---------------------------------------------------------------- page, fonts, header


def test_report_pages_a4_and_fonts_times_compatible(printed):
    pdf = printed.pdf
    for page in pdf.pages:
        width, height = page_size_mm(page)
        assert abs(width - 210) <= 1 and abs(height - 297) <= 1
    assert foreign_fonts(pdf) == set()


def test_report_margins_within_nd30_ranges(printed):
    pdf = printed.pdf
    for page in pdf.pages:
        edges = text_edges_mm(page)
        assert 30 - 0.5 <= edges["left"] <= 35
        assert edges["right"] >= 15
        assert edges["bottom"] >= 19
    assert 19 <= text_edges_mm(pdf.pages[0])["top"] <= 27
    assert 15 <= min(text_edges_mm(page)["right"] for page in pdf.pages) <= 20 + 0.5


def test_report_header_quoc_hieu_motto_agency_and_number(printed):
    pdf, document = printed.pdf, printed.document
    page = pdf.pages[0]
    lines = body_lines(page)
    left, right = _text_area(pdf)
    nation = find_line(lines, QUOC_HIEU)
    assert nation.bold and 12 <= nation.size <= 13
    assert (nation.x_centre - left) / (right - left) >= 0.6
    motto = find_line(lines, MOTTO)
    assert motto.bold and 13 <= motto.size <= 14
    assert abs(motto.x_centre - nation.x_centre) <= pt(2)
    (rule,) = rules_under(page, motto)
    assert rule.width == pytest.approx(motto.width, rel=0.1)
    for text in document.agency_lines:
        agency = find_line(lines, text)
        assert agency.bold and agency.text == agency.text.upper()
        assert agency.x_centre < left + 0.44 * (right - left)
    agency_rule = rules_under(page, find_line(lines, document.agency_lines[-1]))[0]
    assert 0.3 <= agency_rule.width / find_line(lines, document.agency_lines[-1]).width <= 0.55
    number = find_line(lines, "Số:", startswith=True)
    assert re.match(r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ]+-[A-ZĐ]+$", number.text)
    assert number.text.endswith("/BC-UBND")
    date = find_line(lines, "Tuy Phước, ngày", startswith=True)
    assert date.italic and abs(date.baseline - number.baseline) <= 2
    assert page_number_lines(page) == []


def test_report_title_summary_and_kinh_gui_block(printed):
    pdf, document = printed.pdf, printed.document
    lines = body_lines(pdf.pages[0])
    left, right = _text_area(pdf)
    title = find_line(lines, "BÁO CÁO")
    assert title.bold and 13 <= title.size <= 14
    assert abs(title.x_centre - (left + right) / 2) <= pt(2)
    assert document.summary_lines == ["Kết quả tổ chức hội nghị đối thoại chính sách về giảm nghèo năm 2024"]
    summary = find_line(lines, document.summary_lines[0])
    assert summary.bold and 13 <= summary.size <= 14
    assert abs(summary.x_centre - (left + right) / 2) <= pt(2)
    (rule,) = rules_under(pdf.pages[0], summary)
    assert 1 / 3 - 0.05 <= rule.width / summary.width <= 0.55
    first = find_line(lines, "Kính gửi:", startswith=True)
    assert first.baseline > summary.baseline
    below = [line for line in lines if line.baseline >= first.baseline][: len(document.addressees)]
    assert [line.squashed for line in below] == [
        "Kính gửi: - Sở Lao động - Thương binh và Xã hội;",
        "- Thường trực UBND tỉnh Bình Định;",
    ]
    assert all(not line.bold and 13 <= line.size <= 14 for line in below)
    # The recipients' dashes line up under each other.
    assert abs(below[1].x0 - first.chars_of("-")[0]["x0"]) <= 1


def test_report_sections_bold_upper_and_body_size(printed):
    pdf, document = printed.pdf, printed.document
    lines = [line for page in pdf.pages for line in body_lines(page)]
    for text in ("I. KẾT QUẢ TỔ CHỨC HỘI NGHỊ", "II. KẾT QUẢ TIẾP NHẬN VÀ TRẢ LỜI CÂU HỎI"):
        section = find_line(lines, text)
        assert section.bold and section.upright
    heading = find_line(lines, "1. Câu hỏi theo lĩnh vực")
    assert heading.bold and heading.upright
    # The running text: from the "Kính gửi:" block to "Nơi nhận:", outside tables and chart labels.
    start = find_line(lines, "Kính gửi:", startswith=True)
    end = _nơi_nhận(pdf)
    flow = [
        line
        for page in pdf.pages
        for line in body_lines(page)
        if outside(line, table_bboxes(page))
        and (line.page_number, line.baseline) > (start.page_number, start.baseline)
        and (line.page_number, line.baseline) < (end.page_number, end.baseline)
        and line.size >= 12
    ]
    size, share = dominant_size_share([c for line in flow for c in line.ink])
    assert 13 <= size <= 14 and share >= 0.9
    first_paragraph = find_line(lines, "Thực hiện Kế hoạch", startswith=True)
    assert mm(first_paragraph.x0 - _text_area(pdf)[0]) == pytest.approx(12.7, abs=0.3)
    assert flow[-1].text.endswith("./.")
    assert document.body[-1].text.endswith("./.")


def _nơi_nhận(pdf):
    return find_line(body_lines(pdf.pages[-1]), "Nơi nhận:")


def test_report_signature_and_recipients(printed):
    pdf, document = printed.pdf, printed.document
    page = pdf.pages[-1]
    lines = body_lines(page)
    left, right = _text_area(pdf)
    title = _nơi_nhận(pdf)
    assert title.bold and title.italic and title.size == 12
    assert abs(mm(title.x0 - left)) <= 0.5
    signature = [find_line(lines, text) for text in document.signature_lines]
    assert [line.text for line in signature] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert abs(title.baseline - signature[0].baseline) <= 3
    for line in signature:
        assert line.bold and 13 <= line.size <= 14 and (line.x0 - left) / (right - left) >= 0.5
        assert abs(line.x_centre - signature[0].x_centre) <= pt(2)
    name = find_line(lines, document.signer_name)
    assert name.bold and name.top - signature[-1].bottom >= pt(12)
    entries = [line for line in lines if line.baseline > title.baseline and line.x1 < (left + right) / 2]
    assert [line.text for line in entries] == ["- Như trên;", "- Lưu: VT, LĐTBXH."]
    assert all(line.size == 11 and not any(is_bold(c) for c in line.ink) for line in entries)


def test_report_page_numbers_from_page_two(printed):
    pdf = printed.pdf
    assert len(pdf.pages) >= 2
    for page in pdf.pages[1:]:
        (number,) = page_number_lines(page)
        assert number.text == str(page.page_number)


# ---------------------------------------------------------------- figures against the database


def test_report_topic_table_equals_database(printed):
    rows = _rows_after(table_rows(printed.pdf), ["STT", "Lĩnh vực", "Số câu hỏi"])
    *topics, total = rows
    assert {row[1]: int(row[2]) for row in topics} == printed.db_topics
    assert total[1:] == ["Tổng cộng", str(sum(printed.db_topics.values()))]
    assert len(set(printed.db_topics.values())) > 1


def test_report_unit_and_status_tables_equal_database(printed):
    rows = table_rows(printed.pdf)
    *units, _ = _rows_after(rows, ["STT", "Đơn vị", "Số câu hỏi"])
    expected_units = {name or "Chưa giao đơn vị": n for name, n in printed.db_units.items()}
    assert {row[1]: int(row[2]) for row in units} == expected_units
    *statuses, _ = _rows_after(rows, ["STT", "Tình trạng", "Số câu hỏi"])
    assert {row[1]: int(row[2]) for row in statuses} == printed.db_statuses


def test_report_attendance_and_sessions_equal_database(printed):
    rows = table_rows(printed.pdf)
    communes = _rows_after(rows, ["STT", "Xã, thị trấn", "Chỉ tiêu", "Tham dự", "Tỷ lệ"])
    assert [row[1:4] for row in communes] == [
        ["Phước Hòa", "60", str(printed.db_attendance["Phước Hòa"])],
        ["Phước An", "40", str(printed.db_attendance["Phước An"])],
        ["Phước Thắng", "80", "0"],
        ["Tổng cộng", "180", "7"],
    ]
    assert communes[0][4] == "6,7%"
    sessions = _rows_after(rows, ["STT", "Địa điểm", "Thời gian", "Tình hình", "Số người dự"])
    assert [row[3:] for row in sessions] == [["Đã tổ chức", "7"], ["Chưa tổ chức", "0"]]
    lines = [line.squashed for page in printed.pdf.pages for line in text_lines(page)]
    assert any("đã tổ chức 01/02 hội nghị." in line for line in lines)


def test_report_question_table_lists_every_question_with_its_answer(printed):
    header = ["STT", "Nội dung câu hỏi", "Người hỏi", "Lĩnh vực", "Đơn vị trả lời", "Kết quả trả lời"]
    rows = [row for row in table_rows(printed.pdf) if len(row) == len(header)]
    questions = rows[rows.index(header) + 1 :]
    questions = [row for row in questions if row != header]
    assert [row[1] for row in questions] == [squash(t) for t in printed.db_question_texts]
    assert [row[0] for row in questions] == [str(i) for i in range(1, len(questions) + 1)]
    closed = [row for row in questions if row[5].startswith("Đã đóng")]
    # A long document number may wrap after its hyphen; compare without spaces.
    assert closed
    assert all("vănbảnsố125/UBND-LĐTBXHngày10/6/2024" in row[5].replace(" ", "") for row in closed)


def test_report_charts_drawn_with_bars_and_labels(printed):
    pdf = printed.pdf
    text = " ".join(line.squashed for page in pdf.pages for line in text_lines(page))
    assert "Biểu đồ 1. Số người tham dự so với chỉ tiêu theo xã" in text
    assert "Biểu đồ 2. Số câu hỏi theo lĩnh vực" in text
    bars = [r for page in pdf.pages for r in page.rects if r["height"] > 5 and r["width"] < 450]
    # Two bars per commune, one per topic (pdfplumber sees each SVG rect as a rect).
    assert len(bars) >= 2 * 3 + len(printed.db_topics)


def test_report_xlsx_has_the_same_figures(printed):
    workbook = openpyxl.load_workbook(io.BytesIO(printed.xlsx_bytes))
    topics = {row[1]: row[2] for row in workbook["Theo lĩnh vực"].iter_rows(min_row=2, values_only=True)}
    assert topics == printed.db_topics
    statuses = {row[1]: row[2] for row in workbook["Theo tình trạng"].iter_rows(min_row=2, values_only=True)}
    assert statuses == printed.db_statuses
    attendance = {
        row[1]: row[3] for row in workbook["Tham dự theo xã"].iter_rows(min_row=2, values_only=True)
    }
    assert attendance == {**printed.db_attendance, "Phước Thắng": 0}
    summary = dict(workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert summary["Số hội nghị theo kế hoạch"] == 2
    assert summary["Số hội nghị đã tổ chức"] == 1
    assert summary["Số câu hỏi"] == len(printed.db_question_texts)
    texts = [row[1] for row in workbook["Câu hỏi và trả lời"].iter_rows(min_row=2, values_only=True)]
    assert texts == printed.db_question_texts


def test_report_xlsx_keeps_typed_formulas_as_text():
    """Issue 15: question text, asker, venue and answer reached the district's workbook as
    formulas. Whatever people typed comes back as text, marked to stay text in Excel."""
    plan = build_plan(questions=0)
    held = plan.sessions.get(position=0)
    topic = Topic.objects.get(code="giam-ngheo")
    unit = UnitFactory(place=plan.issuer)
    for position, payload in enumerate(FORMULA_PAYLOADS, start=2):
        Session.objects.create(plan=plan, position=position, venue_name=payload, time_kind="later")
        question = Question.objects.create(
            session=held,
            commune=held.host_commune,
            text=payload,
            asker_name=payload,
            channel=Channel.BEFORE_SESSION,
            topic=topic,
            status=QuestionStatus.ANSWER_APPROVED,
            assigned_unit=unit,
            due_date=datetime.date(2024, 6, 1),
        )
        Answer.objects.create(question=question, unit=unit, text=payload, approved_at=timezone.now())

    content = report_xlsx(plan)

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    expected = [(read_back(payload), "s", True) for payload in FORMULA_PAYLOADS]
    # The first two sessions are build_plan's.
    assert [as_text(row[1]) for row in workbook["Hội nghị"].iter_rows(min_row=4)] == expected
    questions = list(workbook["Câu hỏi và trả lời"].iter_rows(min_row=2))
    assert [[as_text(row[column]) for row in questions] for column in (1, 2, 7)] == [expected] * 3
    assert formulas(content) == []


# ---------------------------------------------------------------- options, command, queries


def test_report_addressees_from_argument():
    plan = build_plan(questions=1)
    document = build_report(plan, addressees=["Sở Lao động - TB&XH tỉnh Bình Định", "Thường trực Huyện ủy."])
    assert document.addressees == ["- Sở Lao động - TB&XH tỉnh Bình Định;", "- Thường trực Huyện ủy;"]


def test_report_quotes_a_summary_typed_with_a_full_stop_inside_its_sentence():
    plan = build_plan(questions=0)
    plan.summary = "Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024."
    plan.save()
    plan = issued_by(plan, plan.issuer)

    document = build_report(plan)

    assert document.body[0].text == (
        f"Thực hiện Kế hoạch số {plan.number_label} ngày {short_date(plan.issued_on)} của Ủy ban nhân dân "
        f"{plan.issuer.full_name} về tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024, "
        f"Ủy ban nhân dân {plan.issuer.full_name} báo cáo kết quả như sau:"
    )


def test_report_session_held_only_by_its_held_record():
    plan = build_plan(questions=0)
    held, later = plan.sessions.order_by("position")
    # Neither check-ins nor a date gone by make a session held: only the record does.
    HeldRecord.objects.filter(session=held).delete()
    document = build_report(plan, today=datetime.date(2024, 5, 11))
    assert [row.held for row in document.sessions] == [False, False]
    assert (document.sessions_held, [row.attended for row in document.sessions]) == (0, [7, 0])
    Attendance.objects.create(
        session=later,
        full_name="Người dân sớm",
        commune=held.host_commune,
        walk_in=True,
        checked_in_at=timezone.now(),
    )
    assert [row.held for row in build_report(plan, today=datetime.date(2024, 5, 11)).sessions] == [
        False,
        False,
    ]
    HeldRecord.objects.create(
        session=held,
        held_on=datetime.date(2024, 5, 10),
        venue="Hội trường",
        chair="Chủ tịch UBND huyện",
        recorded_at=timezone.now(),
    )
    document = build_report(plan, today=datetime.date(2024, 5, 11))
    assert [row.held for row in document.sessions] == [True, False]
    assert document.sessions_held == 1


def test_render_report_command_writes_pdf_and_xlsx(tmp_path):
    plan = build_plan(questions=3)
    out, xlsx = tmp_path / "bc.pdf", tmp_path / "bc.xlsx"
    call_command("render_report", str(plan.pk), "--out", str(out), "--xlsx", str(xlsx), stdout=io.StringIO())
    with open_pdf(out.read_bytes()) as pdf:
        assert find_lines(body_lines(pdf.pages[0]), "BÁO CÁO")
    workbook = openpyxl.load_workbook(xlsx)
    assert Counter(
        row[4] for row in workbook["Câu hỏi và trả lời"].iter_rows(min_row=2, values_only=True)
    ) == {
        name: n
        for name, n in Question.objects.filter(session__plan=plan, duplicate_of__isnull=True)
        .values_list("topic__name")
        .annotate(n=Count("pk"))
        .order_by()
    }


def test_report_queries_same_for_10_and_200_questions():
    small = build_plan(questions=10)
    with CaptureQueriesContext(connection) as small_queries:
        render_report_html(small)
    big = build_plan(questions=200, prefix="S")
    with CaptureQueriesContext(connection) as big_queries:
        render_report_html(big)
    assert len(small_queries) == len(big_queries)
    assert len(big_queries) <= 10


def test_report_views_serve_pdf_and_xlsx_to_the_issuing_office(world, login):
    plan = import_plan(
        data=plan_file(world, status="issued", number=7, issued_on="2024-03-01"), keep_status=True
    )
    client = login(world.users["leader"])

    pdf = client.get(reverse("feedback:report.pdf", args=[plan.pk]))
    xlsx = client.get(reverse("feedback:report.xlsx", args=[plan.pk]))

    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert (
        login(world.users["commune_official"]).get(reverse("feedback:report.pdf", args=[plan.pk])).status_code
        == 403
    )
    assert client.get(reverse("feedback:report.pdf", args=[999999])).status_code == 404


def test_report_xlsx_of_a_question_holding_a_control_character_is_served(world, login):
    """Issue 15: a control character stored before uploads refused them made every export of the
    plan fail; the workbook leaves the character out."""
    plan = import_plan(
        data=plan_file(world, status="issued", number=7, issued_on="2024-03-01"), keep_status=True
    )
    session = plan.sessions.first()
    Question.objects.create(
        session=session,
        commune=session.host_commune,
        text="Vay\x01 vốn\x1b thế nào?",
        asker_name="Nguyễn\x08 Văn An",
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.get(code="giam-ngheo"),
    )

    response = login(world.users["leader"]).get(reverse("feedback:report.xlsx", args=[plan.pk]))

    assert response.status_code == 200
    questions = openpyxl.load_workbook(io.BytesIO(response.content))["Câu hỏi và trả lời"]
    assert [cell.value for cell in next(questions.iter_rows(min_row=2, max_row=2))][1:3] == [
        "Vay vốn thế nào?",
        "Nguyễn Văn An",
    ]
