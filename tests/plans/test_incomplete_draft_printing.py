"""Printing an incomplete draft (issue 12, section 2): every combination of empty fields prints,
each missing part as a dotted blank where a clerk writes by hand, and the ND30 structure stays
(FORMAT-ND30.md, read back from the PDF). The drafts are those of test_incomplete_draft.py."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.pdf import render_pdf
from plans.documents import TEMPLATE, plan_context, render_plan
from plans.models import Plan
from plans.rendering import (
    BLANK_CLOSING,
    BLANK_COMMUNES,
    BLANK_PLACE,
    BLANK_SIGNER_NAME,
    BLANK_SIGNER_TITLE,
    BLANK_SUMMARY,
    BLANK_VENUE,
    BLANK_YEAR,
    build_document,
    load_plan_for_document,
)
from plans.services import completeness

from ..matrix_rows import plan_file
from ..pdfcheck import (
    find_line,
    find_lines,
    foreign_fonts,
    is_italic,
    mm,
    open_pdf,
    page_size_mm,
    rules_under,
    squash,
    table_rows,
    text_lines,
)
from .test_incomplete_draft import EMPTY_DATE_LINE, _complete_file, _import, _sessions_file

pytestmark = pytest.mark.django_db

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# FORMAT-ND30.md, check 5.
NUMBER_PATTERN = re.compile(r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ]+-[A-ZĐ]+$")


# ---------------------------------------------------------------- printing


@pytest.fixture
def empty_pdf(world):
    plan = _import(world, _sessions_file(world))
    document = render_plan(plan)
    return plan, open_pdf(document.content)


def _first_page_lines(pdf):
    return text_lines(pdf.pages[0])


def test_empty_draft_prints_nd30_header_with_blank_number_place_and_year(empty_pdf):
    _plan, pdf = empty_pdf
    lines = _first_page_lines(pdf)

    assert [round(v) for v in page_size_mm(pdf.pages[0])] == [210, 297]
    assert foreign_fonts(pdf) == set()
    nation = find_line(lines, QUOC_HIEU)
    motto = find_line(lines, MOTTO)
    assert (nation.bold, motto.bold, motto.baseline > nation.baseline) == (True, True, True)
    assert rules_under(pdf.pages[0], motto) != []
    number = find_line(lines, "Số:", startswith=True)
    date = find_line(lines, EMPTY_DATE_LINE)
    assert NUMBER_PATTERN.match(number.squashed), number.squashed
    assert (number.squashed, date.italic, abs(number.baseline - date.baseline) <= 2) == (
        "Số: /KH-UBND",
        True,
        True,
    )


def test_empty_draft_prints_dotted_summary_under_the_type_name_with_its_rule(empty_pdf):
    _plan, pdf = empty_pdf
    lines = _first_page_lines(pdf)

    title = find_line(lines, "KẾ HOẠCH")
    summary = find_line(lines, BLANK_SUMMARY)

    assert (title.bold, summary.bold, summary.baseline > title.baseline) == (True, True, True)
    assert abs(summary.x_centre - title.x_centre) <= 6  # both centred on the text area
    assert rules_under(pdf.pages[0], summary) != []


def test_empty_draft_prints_blank_venue_in_the_sessions_table(empty_pdf):
    _plan, pdf = empty_pdf

    assert table_rows(pdf) == [
        ["Số TT", "Địa điểm", "Thời gian", "Số lượng người dân tham gia", "Ghi chú"],
        ["1", "Nhà văn hóa xã Phước Hòa", "Thông báo sau", "0", ""],
        ["2", BLANK_VENUE, "Thông báo sau", "0", ""],
    ]


def test_empty_draft_prints_dotted_closing_ending_the_body_and_dotted_signer(empty_pdf):
    _plan, pdf = empty_pdf
    lines = [line for page in pdf.pages for line in text_lines(page)]

    closing = find_line(lines, f"{BLANK_CLOSING}./.")
    recipients = find_line(lines, "Nơi nhận:")
    archive = find_line(lines, "- Lưu: VT.")
    title, name = find_lines(lines, BLANK_SIGNER_TITLE)  # the same dotted line twice
    assert BLANK_SIGNER_NAME == BLANK_SIGNER_TITLE

    assert closing.baseline < recipients.baseline
    assert (recipients.bold, all(is_italic(c) for c in recipients.ink)) == (True, True)
    assert archive.baseline > recipients.baseline
    assert abs(title.baseline - recipients.baseline) <= 3  # level with "Nơi nhận:"
    assert (title.bold, name.bold, mm(name.top - title.bottom) >= 12) == (True, True, True)
    page_width = float(pdf.pages[0].width)
    assert (title.x0 > page_width / 2, abs(title.x_centre - name.x_centre) <= 6) == (True, True)


# ---------------------------------------------------------------- each field alone, then all


def _empty(data: dict, field: str) -> None:
    """Empty `field` of a plan file (or the part it names)."""
    if field == "session_venue":
        for session in data["sessions"][:1]:
            session["venue_name"] = ""
    elif field == "session_communes":
        for session in data["sessions"][:1]:
            session.update(name="", communes=[], composition=[])
    elif field in ("legal_bases", "blocks", "budget_lines", "sessions", "recipients", "appendices"):
        data[field] = []
    elif field in ("year", "draft_month"):
        data[field] = None
    else:
        data[field] = ""


OPTIONAL_FIELDS = [
    "agency_parent",
    "summary",
    "place_name",
    "year",
    "draft_month",
    "preamble",
    "closing",
    "signer_authority",
    "signer_delegation",
    "signer_title",
    "signer_name",
    "legal_bases",
    "blocks",
    "budget_lines",
    "sessions",
    "session_venue",
    "session_communes",
    "recipients",
    "appendices",
]
# The blank each empty field prints, as read back from the PDF (white space squashed).
PRINTED_BLANKS = {
    "summary": [BLANK_SUMMARY],
    "place_name": [f"{BLANK_PLACE}, ngày"],
    "year": [f"năm {BLANK_YEAR}"],
    "closing": [f"{BLANK_CLOSING}./."],
    "signer_title": [BLANK_SIGNER_TITLE],
    "signer_name": [BLANK_SIGNER_NAME],
    "session_venue": [f"Địa điểm tổ chức: {BLANK_VENUE}"],
    "session_communes": [f"a) Cụm 1 gồm: {BLANK_COMMUNES}"],
}
GAPS = {
    "place_name": "Chưa có địa danh ghi ngày tháng.",
    "year": "Chưa có năm của kế hoạch.",
    "summary": "Chưa có trích yếu.",
    "blocks": "Kế hoạch chưa có mục nội dung nào.",
    "budget_lines": "Mục kinh phí chưa có dòng kinh phí nào.",
    "sessions": "Bảng thời gian, địa điểm chưa có phiên đối thoại nào.",
    "session_venue": "Chưa có địa điểm phiên 1.",
    "closing": "Chưa có câu kết.",
    "recipients": "Chưa có nơi nhận.",
    "signer_title": "Chưa có chức vụ người ký.",
    "signer_name": "Chưa có người ký.",
}


def _expected_gaps(fields: list[str]) -> list[str]:
    gone = set()
    if "blocks" in fields:  # no budget block, sessions table or clusters left to fill
        gone |= {"budget_lines", "sessions"}
    if "sessions" in fields:
        gone |= {"session_venue"}
    return [gap for field, gap in GAPS.items() if field in fields and field not in gone]


def _printed_words(pdf) -> str:
    return squash(" ".join(line.text for page in pdf.pages for line in text_lines(page)))


@pytest.mark.parametrize(
    "fields", [[f] for f in OPTIONAL_FIELDS] + [OPTIONAL_FIELDS], ids=lambda fields: "+".join(fields)
)
def test_plan_with_fields_emptied_prints_blanks_and_lists_its_gaps(world, fields):
    data = _complete_file(world)
    for field in fields:
        _empty(data, field)

    plan = _import(world, data)
    pdf = open_pdf(render_plan(plan).content)

    words = _printed_words(pdf)
    missing = [
        (field, blank)
        for field in fields
        for blank in PRINTED_BLANKS.get(field, [])
        if not ("blocks" in fields and field.startswith("session_")) and blank not in words
    ]
    assert missing == []
    assert find_lines(text_lines(pdf.pages[0]), QUOC_HIEU) != []
    assert re.search(r"\./\. Nơi nhận:", words), words[-300:]
    assert completeness.plan_gaps(plan) == _expected_gaps(fields)


# ---------------------------------------------------------------- any combination (hypothesis)

# The fields of the plan itself a draft may leave empty, and the parts it may not have yet.
TEXT_FIELDS = ["agency_parent", "summary", "place_name", "preamble", "closing"]
SIGNER_FIELDS = ["signer_authority", "signer_delegation", "signer_title", "signer_name"]
PARTS = ["legal_bases", "blocks", "budget_lines", "recipients", "appendices", "sessions"]
# Text a clerk may type, marks and characters HTML escapes included.
TYPED = st.text(alphabet="aăâđeêoôơuưy ÀẢÃÁẠ*<>&\"'./\n", max_size=30)


@pytest.fixture
def loaded_plan(world):
    """The complete plan, with its clusters block, loaded once with every part it prints."""
    plan = _import(world, _complete_file(world))
    return load_plan_for_document(plan.pk)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    emptied=st.sets(st.sampled_from(TEXT_FIELDS + SIGNER_FIELDS + PARTS + ["year", "draft_month"])),
    typed=st.dictionaries(st.sampled_from(TEXT_FIELDS + SIGNER_FIELDS), TYPED, max_size=3),
    venue=st.sampled_from(["", "Hội trường", None]),
    communes=st.booleans(),
    month=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
)
def test_any_combination_of_empty_fields_prints(loaded_plan, emptied, typed, venue, communes, month):
    """Every combination of empty (or oddly typed) fields builds and prints as a PDF; an empty
    field prints its blank. The plan is changed in memory only: nothing is saved."""
    plan = copy.copy(loaded_plan)
    plan._prefetched_objects_cache = dict(loaded_plan._prefetched_objects_cache)
    session = copy.copy(loaded_plan.sessions.all()[0])
    session._prefetched_objects_cache = dict(session._prefetched_objects_cache)
    if venue is not None:
        session.venue_name = venue
    if not communes:
        session.name = ""
        session._prefetched_objects_cache["communes"] = session.communes.model.objects.none()
    plan._prefetched_objects_cache["sessions"] = [session]
    plan.draft_month = month
    for name, value in typed.items():
        setattr(plan, name, value)
    for name in emptied:
        if name in PARTS:
            plan._prefetched_objects_cache[name] = getattr(plan, name).model.objects.none()
        elif name in ("year", "draft_month"):
            setattr(plan, name, None)
        else:
            setattr(plan, name, "")

    document = build_document(plan)
    content = render_pdf(TEMPLATE, plan_context(document))

    assert content[:5] == b"%PDF-"
    assert document.content_lines()[-1].endswith("./.")
    if not plan.summary.strip():
        assert document.summary_lines == [BLANK_SUMMARY]
    if not plan.signer_name.strip():
        assert document.signer_name == BLANK_SIGNER_NAME
    if not plan.signer_title.strip():
        assert document.signature_lines[-1] == BLANK_SIGNER_TITLE
    if not plan.place_name.strip():
        assert document.date_line.startswith(f"{BLANK_PLACE}, ngày")
    if plan.year is None:
        assert document.date_line.endswith(f"năm {BLANK_YEAR}")
    gaps = completeness.plan_gaps(plan)
    assert ("Chưa có trích yếu." in gaps, "Chưa có người ký." in gaps) == (
        not plan.summary.strip(),
        not plan.signer_name.strip(),
    )
    assert Plan.objects.get(pk=plan.pk).summary == loaded_plan.summary  # nothing saved


def test_draft_that_kept_a_number_but_no_issue_date_prints(world):
    # The crash of issue 12: a number without an issue date asked date_line for a draft line
    # without its year ("year is required when date is None").
    plan = _import(world, plan_file(world, number=212, draft_month=4), keep_status=True)

    document = build_document(load_plan_for_document(plan.pk))

    assert (document.number_line, document.date_line) == (
        "Số: 212/KH-UBND",
        "Tuy Phước, ngày     tháng 4 năm 2024",
    )
    assert render_plan(plan).content[:5] == b"%PDF-"
