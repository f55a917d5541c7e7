import io

import openpyxl
from django.utils import timezone

from directory.models import PlaceKind
from sessions.models import Participant
from sessions.participants.reading import read_rows
from sessions.participants.services import import_participants
from sessions.participants.workbook import build_template, template_filename

from ..factories import PlaceFactory
from ..xlsxcheck import FORMULA_PAYLOADS, as_text, formulas
from .participant_data import HEADER, make_session


def open_template(world, session):
    return openpyxl.load_workbook(io.BytesIO(build_template(session=session, commune=world.commune)))


def test_template_opens_with_titles_and_header_row(world):
    session = make_session(world, quota=150)

    sheet = open_template(world, session)["Danh sách"]

    assert [sheet.cell(row=row, column=1).value for row in (1, 2, 3)] == [
        "DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI",
        "Phiên: Hội trường UBND xã Phước Hòa – 4/2024",
        "Xã Phước Hòa – chỉ tiêu 150 người",
    ]
    assert [cell.value for cell in sheet[5]] == HEADER
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFGH"] == [6, 28, 10, 22, 26, 16, 18, 30]
    assert sheet.freeze_panes == "A6"


def test_template_without_quota_says_so(world):
    session = make_session(world, quota=None)

    sheet = open_template(world, session)["Danh sách"]

    assert sheet["A3"].value == "Xã Phước Hòa – chưa giao chỉ tiêu"


def test_template_lists_only_the_commune_hamlets(world):
    PlaceFactory(code="52-550-03-02", kind=PlaceKind.THON, name="Mỹ Cang", parent=world.commune)
    session = make_session(world)

    workbook = open_template(world, session)

    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert [cell.value for cell in lists["B"] if cell.value] == ["Thôn, ấp", "Lộc Thượng", "Mỹ Cang"]
    assert [cell.value for cell in lists["A"]] == [
        "Loại hộ",
        "Hộ nghèo",
        "Hộ cận nghèo",
        "Hộ mới thoát nghèo",
        "Hộ mới thoát cận nghèo",
        "Hội viên Hội Nông dân",
        "Hội viên Hội LHPN",
        "Khác",
    ]
    validations = {
        str(v.sqref): (v.type, v.formula1, v.formula2)
        for v in workbook["Danh sách"].data_validations.dataValidation
    }
    assert validations == {
        "E6:E10005": ("list", "'Danh mục'!$A$2:$A$8", None),
        "C6:C10005": ("whole", "1900", str(timezone.localdate().year - 16)),
        "D6:D10005": ("list", "'Danh mục'!$B$2:$B$3", None),
    }


def test_template_keeps_formula_like_names_as_text(world):
    PlaceFactory(code="52-550-03-02", kind=PlaceKind.THON, name=FORMULA_PAYLOADS[0], parent=world.commune)
    session = make_session(world)

    content = build_template(session=session, commune=world.commune)

    lists = openpyxl.load_workbook(io.BytesIO(content))["Danh mục"]
    hamlets = [as_text(cell) for cell in lists["B"]]
    assert (FORMULA_PAYLOADS[0], "s", True) in hamlets
    assert ("Lộc Thượng", "s", False) in hamlets
    assert formulas(content) == []


def test_template_reads_back_with_no_rows(world):
    session = make_session(world)

    assert (
        read_rows(filename="mau.xlsx", content=build_template(session=session, commune=world.commune)) == []
    )


def test_template_filled_in_imports_cleanly(world):
    session = make_session(world)
    workbook = open_template(world, session)
    sheet = workbook["Danh sách"]
    for column, value in enumerate(
        [1, "Trần Thị Bích", 1979, "Lộc Thượng", "Hộ cận nghèo", "0905123456", "052179000123", ""], start=1
    ):
        sheet.cell(row=6, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_participants(
        session=session,
        commune=world.commune,
        filename=template_filename(session=session, commune=world.commune),
        content=buffer.getvalue(),
        user=None,
    )

    assert report.saved == 1
    assert list(Participant.objects.values_list("row_number", "full_name", "category__name")) == [
        (6, "Trần Thị Bích", "Hộ cận nghèo")
    ]


def test_template_filename_names_session_and_commune(world):
    session = make_session(world)

    assert (
        template_filename(session=session, commune=world.commune)
        == f"mau-danh-sach-phien-{session.pk}-52-550-03.xlsx"
    )
