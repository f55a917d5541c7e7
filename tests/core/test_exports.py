import datetime
import io

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import CellStyle, ExportWorkbook, formula_like

from ..xlsxcheck import FORMULA_PAYLOADS, as_text, formulas, read_back


@pytest.mark.parametrize("value", FORMULA_PAYLOADS)
def test_formula_like_strings(value):
    assert formula_like(value) is True


@pytest.mark.parametrize(
    "value", ["Nguyễn Văn An", "", "1-2", " =1", "0912345678", -1, 0, 2.5, datetime.date(2024, 5, 10), None]
)
def test_formula_like_not_plain_text_numbers_or_dates(value):
    assert formula_like(value) is False


def export(rows) -> tuple[bytes, openpyxl.Workbook]:
    workbook = ExportWorkbook()
    sheet = workbook.sheet("Dữ liệu")
    sheet.rows(rows)
    content = workbook.content()
    return content, openpyxl.load_workbook(io.BytesIO(content))


def test_export_writes_formula_like_strings_as_text():
    content, workbook = export([FORMULA_PAYLOADS])

    cells = list(workbook["Dữ liệu"][1])
    assert [as_text(cell) for cell in cells] == [(read_back(value), "s", True) for value in FORMULA_PAYLOADS]
    assert formulas(content) == []


def test_export_keeps_numbers_dates_and_plain_text():
    _, workbook = export([[-1, 2.5, 0, datetime.date(2024, 5, 10), "Nguyễn Văn An", None, "1-2"]])

    row = workbook["Dữ liệu"][1]
    assert [(cell.value, cell.data_type) for cell in row[:3]] == [(-1, "n"), (2.5, "n"), (0, "n")]
    assert row[3].is_date
    assert row[3].value == datetime.datetime(2024, 5, 10)
    assert [as_text(cell) for cell in (row[4], row[6])] == [
        ("Nguyễn Văn An", "s", False),
        ("1-2", "s", False),
    ]
    assert row[5].value is None


def test_export_sheet_layout_reads_back():
    workbook = ExportWorkbook()
    sheet = workbook.sheet("Danh sách", widths=(6, 28), text_columns=("B",), freeze="A3")
    title = sheet.row(["Tiêu đề"], style=CellStyle(font=Font(bold=True, size=14)))
    sheet.merge(f"A{title}:B{title}")
    sheet.row(["STT", "Họ và tên"], style=CellStyle(font=Font(bold=True)))
    sheet.validate(DataValidation(type="whole", operator="between", formula1="1", formula2="9"), "A3:A9")
    workbook.sheet("Danh mục", hidden=True).row(["Loại hộ"])

    book = openpyxl.load_workbook(io.BytesIO(workbook.content()))

    main = book["Danh sách"]
    assert (title, main["A1"].value, main["A1"].font.sz, main["B2"].font.b) == (1, "Tiêu đề", 14, True)
    assert [str(cell_range) for cell_range in main.merged_cells.ranges] == ["A1:B1"]
    assert [main.column_dimensions[letter].width for letter in "AB"] == [6, 28]
    assert main.column_dimensions["B"].number_format == "@"
    assert main.freeze_panes == "A3"
    assert [str(v.sqref) for v in main.data_validations.dataValidation] == ["A3:A9"]
    assert (book["Danh mục"].sheet_state, book["Danh mục"]["A1"].value) == ("hidden", "Loại hộ")


def test_export_leaves_out_characters_no_workbook_can_hold():
    # Stored before uploads refused them: NUL, ESC, a vertical tab, a lone surrogate, U+FFFF.
    content, workbook = export(
        [["Nguyễn\x00 Văn\x1b An\x0b", "Lộc\ud800 Thượng\uffff", "dòng 1\ndòng 2\tcột"]]
    )

    assert [cell.value for cell in workbook["Dữ liệu"][1]] == [
        "Nguyễn Văn An",
        "Lộc Thượng",
        "dòng 1\ndòng 2\tcột",
    ]
