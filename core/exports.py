"""One writer for every workbook the portal hands out (the participant template and export, the
results report).

What people typed — names, questions, answers, venues — is data and must never run in the
recipient's Excel: a cell starting with = + - @ (or a tab or carriage return before one) would
be taken for a formula (=HYPERLINK(...) phoning home, =cmd|...). openpyxl writes any string
starting with "=" as a formula, so every string cell goes through `data_cell`, which stores such
a string as text and marks it "quote prefix" — what Excel records when someone types a leading
apostrophe — so that it stays text even when the cell is edited. The value itself is not
changed: an exported participant list reads back and imports again unchanged. Numbers, dates and
booleans are never touched (-1 is a number, not a formula).

Nor may a stored character the XML of a workbook cannot hold (a control character that got in
before the uploads refused them, a lone surrogate) make a download fail: `data_cell` leaves it
out of the cell.

`ExportWorkbook` streams its rows (openpyxl's write-only mode): a sheet's column widths, text
columns and frozen panes are fixed when it is created, before its first row.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

# A tab or CR is listed because spreadsheet programs skip it before reading a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# openpyxl refuses C0 controls but tab, LF and CR (IllegalCharacterError); a lone surrogate cannot be
# encoded as UTF-8 and U+FFFE/U+FFFF are not XML characters.
UNWRITABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet program could take `value` for a formula: only strings can."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class CellStyle:
    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None


def data_cell(sheet, value: Any, style: CellStyle | None = None) -> Cell:
    """A streamed cell holding `value` as data: a formula-like string is stored as text, and a
    character no workbook can hold is left out."""
    if isinstance(value, str) and not value.isprintable():
        value = UNWRITABLE_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if style is not None:
        for name in ("font", "fill", "border", "alignment"):
            if (part := getattr(style, name)) is not None:
                setattr(cell, name, part)
    return cell


class ExportSheet:
    """One sheet of an `ExportWorkbook`, written top to bottom."""

    def __init__(self, worksheet) -> None:
        self._worksheet = worksheet
        self.rows_written = 0

    def row(self, values: Iterable[Any] = (), *, style: CellStyle | None = None) -> int:
        """Append one row (each cell in `style`); returns its number."""
        self._worksheet.append([data_cell(self._worksheet, value, style) for value in values])
        self.rows_written += 1
        return self.rows_written

    def rows(self, rows: Iterable[Iterable[Any]], *, style: CellStyle | None = None) -> None:
        for values in rows:
            self.row(values, style=style)

    def merge(self, cell_range: str) -> None:
        """Merge `cell_range` (e.g. "A1:H1"); the value is the one in its top-left cell."""
        self._worksheet.merged_cells.add(cell_range)

    def validate(self, validation: DataValidation, cell_range: str) -> None:
        validation.add(cell_range)
        self._worksheet.data_validations.append(validation)


class ExportWorkbook:
    """A workbook written row by row whose every cell goes through `data_cell`."""

    def __init__(self) -> None:
        self._workbook = openpyxl.Workbook(write_only=True)

    def sheet(
        self,
        title: str,
        *,
        widths: Iterable[float] = (),
        text_columns: Iterable[str] = (),
        freeze: str | None = None,
        hidden: bool = False,
    ) -> ExportSheet:
        """A new sheet. `widths` are those of columns A, B, …; `text_columns` (letters) are
        formatted as text, so that what is typed there later (a phone number) keeps its leading
        zero; `freeze` is the top-left cell that does not scroll (e.g. "A2")."""
        worksheet = self._workbook.create_sheet(title)
        for column, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        for letter in text_columns:
            worksheet.column_dimensions[letter].number_format = "@"
        if freeze is not None:
            worksheet.freeze_panes = freeze
        if hidden:
            worksheet.sheet_state = "hidden"
        return ExportSheet(worksheet)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
