"""The shared spreadsheet reader: formats, CSV dialects and encodings, sheets, and the caps that
stop reading early."""

import codecs
import datetime
import io

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.spreadsheets import (
    MAX_COLUMNS,
    Column,
    SpreadsheetError,
    SpreadsheetReader,
    TextColumn,
    cell_text,
    header_key,
)


@pytest.fixture(autouse=True)
def read_in_this_process(settings):
    """The reading's own logic, watched in this process (a test's reader class, a counting
    patch); reading in a child process is tested in tests/core/test_isolated_reading.py."""
    settings.UPLOAD_READ_ISOLATED = False


class PeopleReader(SpreadsheetReader):
    columns = (
        Column("name", "Họ và tên", {"ho va ten", "ho ten"}),
        TextColumn("hamlet", "Thôn, ấp", {"thon ap", "thon"}),
        Column("year", "Năm sinh", {"nam sinh"}),
    )
    max_rows = 3

    def accepts_header(self, fields):
        return "name" in fields


def read(filename, content, reader=None):
    return (reader or PeopleReader()).read(filename=filename, content=content)


def workbook_bytes(*sheets) -> bytes:
    """An .xlsx with one sheet per list of rows."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(f"Trang {number}")
        for values in rows:
            sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_header_key_drops_accents_punctuation_and_remarks():
    assert header_key("Thôn, ấp (*)") == "thon ap"
    assert header_key("  HỌ VÀ TÊN ") == "ho va ten"


def test_cell_text_reads_numbers_dates_and_spaces_as_a_person_does():
    assert [
        cell_text(1985.0),
        cell_text(datetime.datetime(1985, 5, 12, 0, 0)),
        cell_text("  Lộc   Thượng "),
        cell_text(None),
        cell_text(True),
    ] == ["1985", "12/05/1985", "Lộc Thượng", "", "TRUE"]


def test_read_xlsx_rows_under_a_header_below_titles_keeping_cells_as_stored():
    content = workbook_bytes(
        [
            ["DANH SÁCH"],
            [],
            ["STT", "Họ và tên", "Thôn", "Năm sinh"],
            [1, "  Nguyễn Văn An ", " Lộc  Thượng", 1985],
            [None, None, None, None],
            [2, "Trần Thị Bích", None, "=A4+1"],
        ]
    )
    assert read("ds.xlsx", content) == [
        {"row_number": 4, "name": "Nguyễn Văn An", "hamlet": "Lộc Thượng", "year": 1985},
        {"row_number": 6, "name": "Trần Thị Bích", "hamlet": "", "year": "=A4+1"},
    ]


def test_read_xlsx_takes_the_first_sheet_with_a_header():
    content = workbook_bytes(
        [["Hướng dẫn điền danh sách"], ["Điền từ dòng 3 của trang sau."]],
        [["Họ và tên", "Thôn, ấp"], ["Nguyễn Văn An", "Lộc Thượng"]],
        [["Họ và tên", "Thôn, ấp"], ["Không đọc", "Trang thứ ba"]],
    )
    assert read("ds.xlsx", content) == [{"row_number": 2, "name": "Nguyễn Văn An", "hamlet": "Lộc Thượng"}]


def test_read_xlsx_without_header_on_any_sheet_is_refused():
    content = workbook_bytes([["a", "b"], ["c", "d"]], [["e"]])
    with pytest.raises(SpreadsheetError) as error:
        read("ds.xlsx", content)
    assert error.value.message == (
        "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của tệp «ds.xlsx»; dòng tiêu đề cần có các cột "
        "«Họ và tên», «Thôn, ấp», «Năm sinh»."
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_read_csv_with_each_delimiter_excel_writes(delimiter):
    lines = [
        delimiter.join(["Họ và tên", "Thôn", "Năm sinh"]),
        delimiter.join(["Nguyễn Văn An", "Lộc Thượng", "1985"]),
    ]
    content = "\r\n".join(lines).encode()
    assert read("ds.csv", content) == [
        {"row_number": 2, "name": "Nguyễn Văn An", "hamlet": "Lộc Thượng", "year": "1985"}
    ]


def test_read_csv_with_byte_order_mark():
    content = "Họ và tên,Thôn\nNguyễn Văn An,Lộc Thượng\n".encode("utf-8-sig")
    assert read("ds.csv", content) == [{"row_number": 2, "name": "Nguyễn Văn An", "hamlet": "Lộc Thượng"}]


def test_read_csv_in_windows_1258_is_named():
    # Words without tones: Windows-1258 has "ư", "ơ", "ă" as letters (tones are separate marks).
    content = "Ho va ten,Thon\nLương Văn Thư,Lương Sơn\n".encode("cp1258")
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", content)
    assert error.value.message.startswith(
        "Tệp «ds.csv» dùng bảng mã Windows-1258, không phải Unicode (UTF-8). Hãy mở tệp bằng Excel"
    )


def test_read_csv_in_tcvn3_names_the_first_cell():
    content = "Ho va ten;Thon\r\nNguyÔn V¨n B×nh;Léc Th\xadîng\r\n".encode("latin-1")
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", content)
    assert error.value.message.startswith(
        "Tệp «ds.csv» dùng bảng mã TCVN3 (ABC), không phải Unicode (ví dụ dòng 2, cột «Họ và tên»: "
        "«NguyÔn V¨n B×nh»). Cách chuyển sang Unicode:"
    )


def test_row_cap_counts_data_rows_not_blank_ones():
    rows = [["Họ và tên"], ["An"], [None], ["Bình"], [""], ["Chi"]]
    assert [row["name"] for row in read("ds.xlsx", workbook_bytes(rows))] == ["An", "Bình", "Chi"]


def test_row_cap_stops_reading_a_csv_before_the_rest_of_the_file():
    # The last line is broken; reading stops at the cap and never gets to it.
    lines = ["Họ và tên", *(f"Người {n}" for n in range(20)), '"' + "x" * 140_000]
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", "\n".join(lines).encode())
    assert error.value.message == "Tệp «ds.csv» có hơn 3 dòng dữ liệu; mỗi lần chỉ nhận tối đa 3 dòng."


def test_row_cap_stops_reading_an_xlsx_sheet(monkeypatch):
    pulled = []
    iter_rows = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for values in iter_rows(self, *args, **kwargs):
            pulled.append(values)
            yield values

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    content = workbook_bytes([["Họ và tên"], *([f"Người {n}"] for n in range(1000))])
    with pytest.raises(SpreadsheetError) as error:
        read("ds.xlsx", content)
    assert error.value.message == "Tệp «ds.xlsx» có hơn 3 dòng dữ liệu; mỗi lần chỉ nhận tối đa 3 dòng."
    assert len(pulled) == 10  # the rows searched for the header, not the thousand below


def test_column_cap_ignores_a_header_past_the_last_column_read():
    wide = [None] * MAX_COLUMNS + ["Họ và tên"]
    with pytest.raises(SpreadsheetError):
        read("ds.xlsx", workbook_bytes([wide, [None] * MAX_COLUMNS + ["An"]]))
    with pytest.raises(SpreadsheetError):
        read(
            "ds.csv",
            ("Thôn" + "," * MAX_COLUMNS + "Họ và tên\nLộc Thượng" + "," * MAX_COLUMNS + "An\n").encode(),
        )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("ds.xlsx", b"", "Tệp «ds.xlsx» rỗng, không có dữ liệu."),
        ("ds.xls", b"\xd0\xcf\x11\xe0", "Tệp «ds.xls» không phải tệp .xlsx hoặc .csv."),
        ("ds.xlsx", b"not a zip", "Tệp «ds.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."),
        (
            "ds.xlsx",
            b"PK\x03\x04broken",
            "Tệp «ds.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng.",
        ),
        (
            "ds.csv",
            ('Họ và tên\n"' + "x" * 140_000).encode(),
            "Tệp «ds.csv» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng).",
        ),
    ],
)
def test_unusable_files_are_refused_in_vietnamese(filename, content, message):
    with pytest.raises(SpreadsheetError) as error:
        read(filename, content)
    assert error.value.message == message


def test_importer_rewords_a_message_and_refuses_a_header_missing_a_column():
    class StrictReader(PeopleReader):
        def check_header(self, name, fields, *, header_row):
            if "year" not in fields:
                raise SpreadsheetError(f"Dòng tiêu đề (dòng {header_row}) thiếu cột «Năm sinh».")

        def too_many_rows_message(self, name):
            return "Quá nhiều dòng."

    reader = StrictReader()
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", "Tiêu đề\nHọ và tên,Thôn\nAn,Lộc Thượng\n".encode(), reader)
    assert error.value.message == "Dòng tiêu đề (dòng 2) thiếu cột «Năm sinh»."
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", "Họ và tên,Năm sinh\nA,1\nB,2\nC,3\nD,4\n".encode(), reader)
    assert error.value.message == "Quá nhiều dòng."


UNICODE_TEXT = "Họ và tên\tThôn, ấp\r\nLương Văn Thư\tLộc Thượng\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_read_csv_in_utf16_reads_excel_unicode_text(encoding):
    # Excel's "Unicode text" is UTF-16 LE with a BOM, separated by tabs; BE and no BOM read too.
    content = UNICODE_TEXT.encode(encoding)
    if encoding == "utf-16-be":
        content = codecs.BOM_UTF16_BE + content
    assert read("ds.csv", content) == [{"row_number": 2, "name": "Lương Văn Thư", "hamlet": "Lộc Thượng"}]


def test_read_csv_in_broken_utf16_is_named_utf16_not_windows_1258():
    content = UNICODE_TEXT.encode("utf-16")[:-1]
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", content)
    assert error.value.message == (
        "Tệp «ds.csv» lưu ở bảng mã UTF-16 nhưng có đoạn không đọc được (tệp bị cắt hoặc hỏng). Hãy mở tệp "
        "bằng Excel, chọn Tệp → Lưu thành → «CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» rồi tải lên lại."
    )


CONTROL_HINT = "(không nhìn thấy được, thường lẫn vào khi sao chép từ phần mềm khác)."


def test_read_csv_control_characters_refused_naming_row_and_column():
    content = (
        "Họ và tên,Thôn,Ghi chú\n"
        "Nguyễn\x00 Văn An,Lộc Thượng,\x07\n"  # a control character in a column not read is no matter
        "Trần Thị Bích,Lộc\x1b Thượng\n"
        "Lê Văn\x7f C,Lộc\x9f Thượng\n"
    ).encode()
    with pytest.raises(SpreadsheetError) as error:
        read("ds.csv", content, PeopleReader())
    assert error.value.message == (
        f"Dòng 2, cột «Họ và tên»: có ký tự điều khiển U+0000 {CONTROL_HINT} Các ô có ký tự như vậy còn ở "
        "dòng 3, cột «Thôn, ấp»; dòng 4, cột «Họ và tên» và 1 ô khác. "
        "Hãy gõ lại nội dung các ô đó trong tệp «ds.csv» rồi tải lên lại."
    )


def test_read_xlsx_control_character_refused_naming_row_and_column():
    # XML cannot hold C0 controls, but it can hold C1 ones (here U+0086).
    content = workbook_bytes([["Họ và tên", "Thôn"], ["Nguyễn Văn An", "Lộc\x86 Thượng"]])
    with pytest.raises(SpreadsheetError) as error:
        read("ds.xlsx", content)
    assert error.value.message == (
        f"Dòng 2, cột «Thôn, ấp»: có ký tự điều khiển U+0086 {CONTROL_HINT} "
        "Hãy gõ lại nội dung ô đó trong tệp «ds.xlsx» rồi tải lên lại."
    )


def test_read_line_breaks_and_tabs_inside_a_cell_read_as_spaces():
    content = workbook_bytes([["Họ và tên", "Thôn"], ["Nguyễn\nVăn\r\nAn", "Lộc\tThượng\u2028"]])
    assert read("ds.xlsx", content) == [{"row_number": 2, "name": "Nguyễn Văn An", "hamlet": "Lộc Thượng"}]


def test_shared_strings_read_as_openpyxl_reads_them():
    """The reader's own shared-strings table (core.spreadsheet_limits) gives what openpyxl's does:
    plain texts, rich-text runs joined, phonetic guides left out, empty strings, escaped x005F_."""
    from openpyxl.reader.strings import read_string_table  # noqa: PLC0415 (the reference only)

    from core.spreadsheet_limits import _string_table  # noqa: PLC0415 (a private helper, tested)

    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>Nguyễn Văn An</t></si>"
        '<si><r><rPr><b/></rPr><t>Lộc </t></r><r><t xml:space="preserve">Thượng </t></r></si>'
        "<si><t>Trần</t><rPh sb='0' eb='1'><t>ちん</t></rPh></si>"
        "<si><t/></si><si><t>_x005F_x000D_</t></si>"
        "</sst>"
    ).encode()

    assert _string_table(io.BytesIO(table)) == read_string_table(io.BytesIO(table))
    assert _string_table(io.BytesIO(table))[:3] == ["Nguyễn Văn An", "Lộc Thượng ", "Trần"]
