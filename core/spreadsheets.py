"""One reader for the spreadsheets people upload (.xlsx from Excel, .csv in any locale's dialect).

An importer describes its file with a `SpreadsheetReader` subclass: its columns (`Column`
objects naming the header texts they answer to and how a cell is kept), how many data rows it
takes, which header row it accepts and, where it wants its own wording, what it says about a
file it cannot use. The reader looks for the header row in the first rows of each sheet in turn
and reads the first sheet that has one, streaming the rows below it: it stops at the row cap
and reads no further, so a huge file costs no more than its first `max_rows` rows, and never
looks past `MAX_COLUMNS` columns. A CSV may be separated by commas, semicolons (Excel in a
Vietnamese locale) or tabs, carry a byte-order mark, be UTF-16 (Excel's "Unicode text") or not
be Unicode at all: then the message names TCVN3, VNI or Windows-1258 when the text shows it.

Bytes no person types never get past the reader, since a database or a workbook written later
would choke on them: a tab or line break inside a cell becomes a space, and a cell holding a
control character (NUL, ESC, the C1 range…) refuses the file, naming its row and column.

Problems with the whole file raise `SpreadsheetError` with a message for the user; checking
each cell is the importer's business (its columns' checks).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import PurePath
from typing import Any

from django.conf import settings
from openpyxl.utils import get_column_letter

from core.isolation import ChildFailed, ChildOutOfMemory, ChildOutOfTime, run_isolated
from core.legacy_encoding import (
    VIET_LETTERS,
    encoding_name,
    how_to_convert,
    legacy_cell_message,
    legacy_scores,
)
from core.spreadsheet_limits import (
    CHILD_LIMITS,
    ReadingClock,
    ReadingTooSlow,
    archive_problem,
    limit,
    open_workbook,
    reading_failed_message,
    too_much_memory_message,
    too_slow_message,
)
from core.vietnamese import format_vnd, normalize_key

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
# Far more than any list has; a sheet claiming 16,384 columns is not read that wide.
MAX_COLUMNS = 200
# The separators Excel writes for "CSV" in each locale, and for "Unicode text".
CSV_DELIMITERS = (",", ";", "\t")
# Line breaks and tabs inside a cell (Alt+Enter in Excel) read as a space.
_FOLDED_RE = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")
# What no person types and PostgreSQL (NUL) or an .xlsx (the rest of C0) cannot hold: control
# characters, lone surrogates and the two non-characters XML forbids.
_REFUSED_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# How many refused cells a message names before it only counts the rest.
NAMED_CELLS = 3
# A BOM says which UTF-16 or UTF-32 a CSV is in (UTF-32's is checked first: it starts like UTF-16 LE's).
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAVE_AS_CSV_UTF8 = (
    "Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → «CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» "
    "rồi tải lên lại."
)


class SpreadsheetError(Exception):
    """The file as a whole cannot be used: wrong format, no header row, too many rows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def words_key(text) -> str:
    """Accent-free, lowercase words without punctuation: "Thôn, ấp" -> "thon ap"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalize_key(str(text))).split())


def header_key(value: str) -> str:
    """A header's words without remarks in brackets: "CMND/CCCD (*)" -> "cmnd cccd"."""
    return words_key(re.sub(r"\(.*?\)", " ", value))


def cell_text(value) -> str:
    """A cell as text, the way a person reads it: 1985.0 -> "1985", a date -> "12/05/1985"."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value if value.isascii() else unicodedata.normalize("NFC", value)
        return " ".join(text.split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def refused_character(text: str) -> str | None:
    """The first character of `text` that no cell may hold, as "U+0000"; None when there is none."""
    if text.isprintable():
        return None
    match = _REFUSED_RE.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def fold_line_breaks(text: str) -> str:
    """Tabs and line breaks inside a cell as one space each run: "Lộc\nThượng" -> "Lộc Thượng"."""
    return _FOLDED_RE.sub(" ", text)


def control_character_message(code: str) -> str:
    """What is wrong with a text holding the control character `code` ("U+0000")."""
    return f"có ký tự điều khiển {code} (không nhìn thấy được, thường lẫn vào khi sao chép từ phần mềm khác)"


def refused_cells_message(name: str, cells: list[tuple[int, str, str]], total: int) -> str:
    """Say which cells hold a control character: the first with its code, the next few by place."""
    number, label, code = cells[0]
    message = f"Dòng {number}, cột «{label}»: {control_character_message(code)}."
    if total > 1:
        others = "; ".join(f"dòng {n}, cột «{lab}»" for n, lab, _ in cells[1:])
        rest = total - len(cells)
        more = f" và {rest} ô khác" if rest else ""
        message += f" Các ô có ký tự như vậy còn ở {others}{more}."
    cells_word = "ô đó" if total == 1 else "các ô đó"
    return f"{message} Hãy gõ lại nội dung {cells_word} trong tệp «{name}» rồi tải lên lại."


class Column:
    """A column an importer reads: the field it fills, the label its messages name, and the
    header texts (as `header_key` spells them) that stand for it."""

    def __init__(self, field: str, label: str, aliases: Iterable[str] = ()):
        self.field = field
        self.label = label
        self.aliases = frozenset(aliases)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.field!r})"

    def matches(self, key: str) -> bool:
        """Whether a header cell, as `header_key` gives it, names this column."""
        return key in self.aliases

    def parse(self, value):
        """The cell as the importer keeps it. By default as stored: text stripped, a blank cell
        None, numbers and dates as they are (a formula is its text, never computed)."""
        return value


class TextColumn(Column):
    """A column kept as text ("" when blank), whatever the cell holds."""

    def parse(self, value) -> str:
        return cell_text(value)


class LegacyCells:
    """The cells of a file typed in TCVN3 or VNI, gathered while its rows are checked. The
    encoding named is the one the cells show most, so it is told once all rows are read."""

    def __init__(self):
        self.cells: list[tuple[Any, str, str]] = []
        self.tcvn = self.vni = 0

    def add(self, row, field: str, text: str, tcvn: int, vni: int) -> None:
        self.cells.append((row, field, text))
        self.tcvn, self.vni = self.tcvn + tcvn, self.vni + vni

    def report(self) -> str | None:
        """Give each cell its error on its row (`row.error(field, message)`) and return the
        message for the whole file; None when no cell was found."""
        if not self.cells:
            return None
        encoding = encoding_name(self.tcvn, self.vni)
        for row, field, text in self.cells:
            row.error(field, legacy_cell_message(text, encoding))
        return f"Tệp có chữ gõ bằng bảng mã {encoding}. {how_to_convert(encoding)}"


class SheetRows(list):
    """The data rows `SpreadsheetReader.read` returns, with `ignored_columns`: the header cells
    of the file that name no column the importer reads ("«Ghi chú» (cột I)"), so that a preview
    can say which of the file's columns were left out rather than drop them without a word."""

    ignored_columns: list[str]

    def __init__(self, rows=(), ignored_columns=()):
        super().__init__(rows)
        self.ignored_columns = list(ignored_columns)


def ignored_columns_notice(ignored: list[str], expected: str) -> str:
    """What a preview says about the columns of a file that were not read."""
    columns = ", ".join(ignored)
    return (
        f"Các cột sau của tệp không được nhập và bị bỏ qua: {columns}. "
        f"Chỉ nhận các cột {expected}; nếu một cột trên là một trong số đó, hãy sửa tiêu đề cột cho đúng mẫu."
    )


class SpreadsheetReader:
    """How one importer reads its files; subclasses set the class attributes and may reword the
    messages. `read` returns the data rows (`SheetRows`) as dicts: "row_number" (as numbered in
    the file) and one key per column found in the header, holding `Column.parse` of the cell.
    Blank rows are skipped. The header cells naming no column are listed in `ignored_columns`,
    but for `unlisted_headers` (the "STT" every Vietnamese list starts with)."""

    columns: tuple[Column, ...] = ()
    # Header texts (as `header_key` spells them) of columns a file may have and no one misses.
    unlisted_headers: frozenset[str] = frozenset({"stt", "tt", "so tt", "so thu tu", "thu tu"})
    max_rows: int = 10_000
    header_search_rows: int = HEADER_SEARCH_ROWS
    # The fields scanned for TCVN3 or VNI text when a CSV is not UTF-8 (all columns when empty).
    legacy_fields: tuple[str, ...] = ()

    # --- what the importer accepts and says; override to reword -----------------------------

    def accepts_header(self, fields: set[str]) -> bool:
        """Whether a row naming these fields is the header row."""
        return bool(fields)

    def check_header(self, name: str, fields: set[str], *, header_row: int) -> None:
        """Refuse a header row that lacks a column the import cannot do without."""

    def expected_columns(self) -> str:
        return ", ".join(f"«{column.label}»" for column in self.columns)

    def empty_message(self, name: str) -> str:
        return f"Tệp «{name}» rỗng, không có dữ liệu."

    def unsupported_message(self, name: str, suffix: str) -> str:
        return f"Tệp «{name}» không phải tệp .xlsx hoặc .csv."

    def not_a_workbook_message(self, name: str) -> str:
        return f"Tệp «{name}» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."

    def bad_csv_message(self, name: str) -> str:
        return f"Tệp «{name}» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng)."

    def no_header_message(self, name: str) -> str:
        return (
            f"Không tìm thấy dòng tiêu đề trong {self.header_search_rows} dòng đầu của tệp «{name}»; "
            f"dòng tiêu đề cần có các cột {self.expected_columns()}."
        )

    def broken_unicode_message(self, name: str, encoding: str) -> str:
        return (
            f"Tệp «{name}» lưu ở bảng mã {encoding[:6].upper()} nhưng có đoạn không đọc được (tệp bị cắt "
            f"hoặc hỏng). {SAVE_AS_CSV_UTF8}"
        )

    def too_many_rows_message(self, name: str) -> str:
        limit = format_vnd(self.max_rows)
        return f"Tệp «{name}» có hơn {limit} dòng dữ liệu; mỗi lần chỉ nhận tối đa {limit} dòng."

    # --- reading -----------------------------------------------------------------------------

    def read(self, *, filename: str, content: bytes) -> SheetRows:
        """The data rows of an .xlsx or .csv file. Raises SpreadsheetError when the file cannot
        be used at all."""
        name = PurePath(filename or "").name or "tải lên"
        if not content:
            raise SpreadsheetError(self.empty_message(name))
        suffix = PurePath(name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise SpreadsheetError(self.unsupported_message(name, suffix))
        if not limit("UPLOAD_READ_ISOLATED"):
            return self.read_here(name, content)
        memory_mb, seconds = limit("UPLOAD_READ_MEMORY_MB"), float(limit("UPLOAD_READ_SECONDS"))
        caps = {setting: limit(setting) for setting in CHILD_LIMITS}
        try:
            return run_isolated(
                _read_in_child, self, name, content, caps, memory_mb=memory_mb, seconds=seconds
            )
        except ChildOutOfMemory:
            logger.info("Reading %r went over %s MB", name, memory_mb)
            raise SpreadsheetError(too_much_memory_message(name, memory_mb)) from None
        except ChildOutOfTime:
            logger.info("Reading %r killed after %s s", name, seconds)
            raise SpreadsheetError(too_slow_message(name, seconds)) from None
        except ChildFailed as exc:
            if not exc.crashed:
                raise RuntimeError(f"Reading {name!r} failed in its child process:\n{exc}") from None
            logger.warning("Reading %r: the child process died (%s)", name, exc)
            raise SpreadsheetError(reading_failed_message(name)) from None

    def read_here(self, name: str, content: bytes) -> list[dict]:
        """`read` in this process, unbounded in memory: what the reading child runs. `name` is
        the file's name without folders, its suffix .xlsx or .csv."""
        suffix = PurePath(name).suffix.lower()
        self._clock = ReadingClock()
        try:
            if suffix == ".xlsx":
                return self._read_xlsx(name, content)
            return self._read_csv(name, content)
        except ReadingTooSlow:
            logger.info("Reading %r stopped at its deadline", name)
            raise SpreadsheetError(too_slow_message(name, self._clock.seconds)) from None

    def header_mapping(self, values) -> dict[int, Column]:
        """The columns a row names, by position; the first cell naming a column wins."""
        mapping: dict[int, Column] = {}
        taken: set[str] = set()
        for index, value in enumerate(islice(values, MAX_COLUMNS)):
            if not isinstance(value, str):
                continue
            key = header_key(value)
            if not key:
                continue
            for column in self.columns:
                if column.matches(key):
                    if column.field not in taken:
                        mapping[index] = column
                        taken.add(column.field)
                    break
        return mapping

    def _find_header(self, head: list) -> tuple[int, dict[int, Column]] | None:
        for index, values in enumerate(head):
            mapping = self.header_mapping(values)
            if self.accepts_header({column.field for column in mapping.values()}):
                self._ignored = self.ignored_headers(head[index], mapping)
                return index, mapping
        return None

    def ignored_headers(self, values, mapping: dict[int, Column]) -> list[str]:
        """The header cells `mapping` does not read, as "«Ghi chú» (cột I)": texts naming no
        column, or naming one a cell further left already names."""
        ignored = []
        for index, value in enumerate(islice(values, MAX_COLUMNS)):
            if index in mapping or value is None:
                continue
            text = cell_text(value)
            if not text or header_key(text) in self.unlisted_headers:
                continue
            ignored.append(f"«{text[:60]}» (cột {get_column_letter(index + 1)})")
        return ignored

    def _read_xlsx(self, name: str, content: bytes) -> list[dict]:
        if not content.startswith(b"PK"):
            raise SpreadsheetError(self.not_a_workbook_message(name))
        # Look at the archive's directory before anything is decompressed: a small file may
        # expand to gigabytes (core.spreadsheet_limits).
        if problem := archive_problem(name, content):
            logger.info("Refused workbook %r: %s", name, problem)
            raise SpreadsheetError(problem)
        try:
            # data_only=False: a formula cell yields its text ("=A1+1"); nothing is ever computed.
            workbook = open_workbook(content)
        except Exception as exc:
            # A damaged archive raises anything from BadZipFile to KeyError or XML errors.
            logger.info("Unreadable workbook %r: %r", name, exc)
            raise SpreadsheetError(self.not_a_workbook_message(name)) from exc
        try:
            for sheet in workbook.worksheets:
                # Never wider than MAX_COLUMNS, whatever the sheet declares; without a declared
                # dimension each row comes as wide as its own last cell (padding every row of a
                # plain list to MAX_COLUMNS would cost more than reading it).
                width = min(sheet.max_column, MAX_COLUMNS) if sheet.max_column else None
                rows = sheet.iter_rows(max_col=width, values_only=True)
                head = list(islice(rows, self.header_search_rows))
                found = self._find_header(head)
                if found is None:
                    continue
                index, mapping = found
                self._check_header(name, mapping, header_row=index + 1)
                return self._collect(name, chain(head[index + 1 :], rows), mapping, first_row=index + 2)
            raise SpreadsheetError(self.no_header_message(name))
        except (SpreadsheetError, ReadingTooSlow):
            raise
        except Exception as exc:
            logger.info("Unreadable worksheet in %r: %r", name, exc)
            raise SpreadsheetError(self.not_a_workbook_message(name)) from exc
        finally:
            workbook.close()

    def _read_csv(self, name: str, content: bytes) -> list[dict]:
        encoding = _unicode_encoding(content)
        try:
            text = content.decode(encoding or "utf-8-sig")
        except UnicodeDecodeError:
            if encoding is not None:
                raise SpreadsheetError(self.broken_unicode_message(name, encoding)) from None
            raise self._not_utf8(name, content) from None
        if encoding is not None:
            text = text.removeprefix("\ufeff")
        try:
            return self._csv_rows(name, text, check=True)
        except csv.Error as exc:
            raise SpreadsheetError(self.bad_csv_message(name)) from exc

    def _csv_rows(self, name: str, text: str, *, check: bool) -> list[dict]:
        """The rows after the header row, trying each delimiter until one shows a header."""
        for delimiter in CSV_DELIMITERS:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            head = list(islice(reader, self.header_search_rows))
            found = self._find_header(head)
            if found is not None:
                index, mapping = found
                if check:
                    self._check_header(name, mapping, header_row=index + 1)
                return self._collect(
                    name, chain(head[index + 1 :], reader), mapping, first_row=index + 2, check=check
                )
        raise SpreadsheetError(self.no_header_message(name))

    def _check_header(self, name: str, mapping: dict[int, Column], *, header_row: int) -> None:
        self.check_header(name, {column.field for column in mapping.values()}, header_row=header_row)

    def _not_utf8(self, name: str, content: bytes) -> SpreadsheetError:
        """Explain a CSV file that is not UTF-8, naming TCVN3 or VNI and the first such cell when
        the text shows it. Those encodings are one byte per letter and the fonts that display
        them map those bytes to Latin-1 code points, so the Latin-1 reading is the one the
        detection works on."""
        try:
            rows = self._csv_rows(name, content.decode("latin-1"), check=False)
        except (SpreadsheetError, csv.Error):
            rows = []
        labels = {column.field: column.label for column in self.columns}
        fields = self.legacy_fields or tuple(labels)
        first, tcvn_total, vni_total = None, 0, 0
        for row in rows:
            for field in fields:
                value = row.get(field)
                if isinstance(value, str) and value:
                    tcvn, vni = legacy_scores(value)
                    if tcvn or vni:
                        tcvn_total, vni_total = tcvn_total + tcvn, vni_total + vni
                        first = first or (row["row_number"], labels[field], value)
        if first is not None:
            encoding = encoding_name(tcvn_total, vni_total)
            number, label, value = first
            return SpreadsheetError(
                f"Tệp «{name}» dùng bảng mã {encoding}, không phải Unicode "
                f"(ví dụ dòng {number}, cột «{label}»: «{value}»). {how_to_convert(encoding)}"
            )
        try:
            text = unicodedata.normalize("NFC", content.decode("cp1258"))
        except UnicodeDecodeError:
            text = ""
        # Almost any bytes decode as cp1258; only letters Latin-1 lacks (ư, ơ, đ, ễ…) show that it is.
        if any(char in VIET_LETTERS and ord(char) > 0xFF for char in text):
            return SpreadsheetError(
                f"Tệp «{name}» dùng bảng mã Windows-1258, không phải Unicode (UTF-8). {SAVE_AS_CSV_UTF8}"
            )
        return SpreadsheetError(f"Tệp «{name}» không dùng bảng mã Unicode (UTF-8). {SAVE_AS_CSV_UTF8}")

    def _collect(
        self, name: str, records: Iterator, mapping: dict[int, Column], *, first_row: int, check: bool = True
    ) -> list[dict]:
        """The kept rows. With `check` (always, but when a non-Unicode file is only being looked
        at to name its encoding) a cell holding a control character refuses the file."""
        rows: list[dict] = []
        columns = [(index, column.field, column.label) for index, column in mapping.items()]
        limit = self.max_rows
        refused: list[tuple[int, str, str]] = []
        refused_total = 0
        clock = getattr(self, "_clock", None) or ReadingClock()
        every = clock.every
        # This loop runs for every cell of a 10,000-row file: it only strips, spots blank rows and
        # (for the rare text that is not all printable) folds line breaks and spots control
        # characters; the columns that keep a cell otherwise are asked afterwards, on kept rows.
        for number, values in enumerate(records, start=first_row):
            if not number % every:
                clock.check()  # blank rows count too: a sheet of a million `<row/>` stops here
            row: dict = {"row_number": number}
            blank = True
            width = len(values)
            for index, field, label in columns:
                value = values[index] if index < width else None
                if isinstance(value, str):
                    if not value.isprintable():
                        value = fold_line_breaks(value)
                        if check and (code := refused_character(value)):
                            refused_total += 1
                            if len(refused) < NAMED_CELLS:
                                refused.append((number, label, code))
                    value = value.strip() or None
                if value is not None:
                    blank = False
                row[field] = value
            if blank:
                continue
            if len(rows) == limit:
                raise SpreadsheetError(self.too_many_rows_message(name))
            rows.append(row)
        if refused:
            raise SpreadsheetError(refused_cells_message(name, refused, refused_total))
        parsers = [
            (column.field, column.parse)
            for column in mapping.values()
            if type(column).parse is not Column.parse
        ]
        if parsers:
            for row in rows:
                for field, parse in parsers:
                    row[field] = parse(row[field])
        return SheetRows(rows, getattr(self, "_ignored", ()))


def _read_in_child(reader: SpreadsheetReader, name: str, content: bytes, caps: dict) -> list[dict]:
    """In the reading child (core.isolation): the parent's caps, then the reading."""
    for setting, value in caps.items():
        setattr(settings, setting, value)
    return reader.read_here(name, content)


def _unicode_encoding(content: bytes) -> str | None:
    """ "utf-16" or "utf-32" when `content` is in one of them (by its BOM, or for UTF-16 without one
    by the zero byte beside each ASCII letter); None for anything else."""
    for bom, encoding in _UNICODE_BOMS:
        if content.startswith(bom):
            return encoding
    sample = content[:2000]
    if len(sample) >= 4:
        # ASCII text in UTF-16 has a zero in every other byte (odd ones in LE, even ones in BE).
        half = len(sample) // 2
        if sample[1::2].count(0) > half * 0.4 and not sample[0::2].count(0):
            return "utf-16-le"
        if sample[0::2].count(0) > half * 0.4 and not sample[1::2].count(0):
            return "utf-16-be"
    return None
