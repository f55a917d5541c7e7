"""The sign-in / allowance sheet read back from the PDF: format, title, one row per participant."""

import pytest

from sessions.documents import HEADER, TITLE, render_signin_sheet
from sessions.models import Participant, ParticipantCategory

from ..pdfcheck import (
    A4_MM,
    all_lines,
    find_line,
    foreign_fonts,
    open_pdf,
    page_size_mm,
    squash,
    table_rows,
)
from .participant_data import make_session

CATEGORIES = ("ho-ngheo", "ho-can-ngheo", "hoi-vien-nong-dan")


def add_people(world, session, count):
    categories = [ParticipantCategory.objects.get(code=code) for code in CATEGORIES]
    # Inserted out of order: the sheet follows the names (sessions.selectors.name_order), not insertion.
    Participant.objects.bulk_create(
        Participant(
            session=session,
            commune=world.commune,
            hamlet=world.hamlet if number % 2 else None,
            full_name=f"Lê Thị Hồng Nhung {number:02d}",
            birth_year=1970 + number % 30,
            category=categories[number % 3],
            row_number=number + 5,
        )
        for number in reversed(range(1, count + 1))
    )
    return [f"Lê Thị Hồng Nhung {number:02d}" for number in range(1, count + 1)]


def data_rows(pdf, pages=None):
    return [row for row in table_rows(pdf, pages=pages) if row and row[0].isdigit()]


@pytest.fixture
def sheet(world):
    session = make_session(world)
    names = add_people(world, session, 60)
    document = render_signin_sheet(session=session, commune=world.commune)
    return session, names, document


def test_signin_sheet_is_a4_portrait_in_times_fonts(sheet):
    session, _, document = sheet
    assert document.content_type == "application/pdf"
    assert document.filename == f"danh-sach-ky-nhan-phien-{session.pk}-52-550-03.pdf"
    pdf = open_pdf(document.content)
    for page in pdf.pages:
        width, height = page_size_mm(page)
        assert (round(width), round(height)) == A4_MM
    assert foreign_fonts(pdf) == set()


def test_signin_sheet_prints_header_and_title(sheet):
    pdf = open_pdf(sheet[2].content)
    lines = all_lines(pdf)
    find_line(lines, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    find_line(lines, "Độc lập - Tự do - Hạnh phúc")
    find_line(lines, "ỦY BAN NHÂN DÂN")
    find_line(lines, "HUYỆN TUY PHƯỚC")
    assert find_line(lines, TITLE).page_number == 1
    find_line(lines, "Phiên: Hội trường UBND xã Phước Hòa, 4/2024")
    find_line(lines, "Xã Phước Hòa")


def test_signin_sheet_has_one_row_per_participant_in_order(world, sheet):
    _, names, document = sheet
    pdf = open_pdf(document.content)
    rows = data_rows(pdf)
    assert [row[0] for row in rows] == [str(number) for number in range(1, 61)]
    assert [row[1] for row in rows] == names
    assert rows[0][2:] == ["thôn Lộc Thượng, xã Phước Hòa", "Hộ cận nghèo", ""]
    assert rows[1][2:] == ["xã Phước Hòa", "Hội viên Hội Nông dân", ""]


def test_signin_sheet_repeats_table_header_on_every_page(sheet):
    pdf = open_pdf(sheet[2].content)
    assert len(pdf.pages) >= 2
    for page in pdf.pages:
        assert table_rows(pdf, pages=[page])[0] == [squash(cell) for cell in HEADER]
    assert data_rows(pdf, pages=[pdf.pages[1]])  # page 2 carries participants under its own header


def test_signin_sheet_without_participants_prints_empty_table(world):
    session = make_session(world)
    pdf = open_pdf(render_signin_sheet(session=session, commune=world.commune).content)
    assert table_rows(pdf) == [[squash(cell) for cell in HEADER]]
