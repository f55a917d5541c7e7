"""Reading a participant list (.xlsx or .csv) with the portal's spreadsheet reader, in the
list's own words: its header row names the full name and at least one other column, and the
messages point to the template."""

from __future__ import annotations

from core.spreadsheets import SpreadsheetError, SpreadsheetReader

from .columns import COLUMN_BY_FIELD, COLUMNS, REQUIRED_FIELDS, TEXT_FIELDS

MAX_ROWS = 10_000


class ParticipantReader(SpreadsheetReader):
    columns = COLUMNS
    max_rows = MAX_ROWS
    legacy_fields = TEXT_FIELDS

    def accepts_header(self, fields: set[str]) -> bool:
        return "full_name" in fields and len(fields) >= 2

    def check_header(self, name: str, fields: set[str], *, header_row: int) -> None:
        missing = [COLUMN_BY_FIELD[field].label for field in REQUIRED_FIELDS if field not in fields]
        if missing:
            columns = ", ".join(f"«{label}»" for label in missing)
            raise SpreadsheetError(
                f"Dòng tiêu đề (dòng {header_row}) của tệp «{name}» thiếu cột {columns}; hãy dùng tệp mẫu."
            )

    def unsupported_message(self, name: str, suffix: str) -> str:
        if suffix == ".xls":
            return (
                f"Tệp «{name}» ở định dạng Excel 97-2003 (.xls), chưa được hỗ trợ. "
                "Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → «Sổ làm việc Excel (*.xlsx)» rồi tải lên lại."
            )
        return f"Tệp «{name}» không phải tệp .xlsx hoặc .csv. Hãy dùng tệp mẫu (.xlsx)."

    def not_a_workbook_message(self, name: str) -> str:
        return (
            f"Tệp «{name}» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng. "
            "Hãy mở tệp bằng Excel và lưu lại dưới dạng «Sổ làm việc Excel (*.xlsx)», hoặc dùng tệp mẫu."
        )

    def no_header_message(self, name: str) -> str:
        return (
            f"Không tìm thấy dòng tiêu đề trong {self.header_search_rows} dòng đầu của tệp «{name}». "
            f"Dòng tiêu đề cần có các cột {self.expected_columns()}; hãy dùng tệp mẫu."
        )


def read_rows(*, filename: str, content: bytes) -> list[dict]:
    """The data rows of an .xlsx or .csv participant list.

    Each row is a dict with "row_number" (the row as numbered in the file) and one key per
    recognised column, holding the cell's value as stored (str, int, float, date or None).
    Formulas are returned as their text and never evaluated. Blank rows are skipped.
    Raises core.spreadsheets.SpreadsheetError when the file cannot be used at all.
    """
    return ParticipantReader().read(filename=filename, content=content)
