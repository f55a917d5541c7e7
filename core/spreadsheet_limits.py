"""What an uploaded spreadsheet may cost before it is read: the archive check and the deadline.

An .xlsx is a zip archive of XML parts, and a small one can expand to gigabytes (a sheet of
millions of `<row/>`, a shared-strings table of millions of entries). `check_archive` looks at
the archive's directory without extracting anything and refuses a workbook with too many parts,
a part (or all of them) too large once uncompressed, or a large part compressed far more than
real data is. The sizes checked are the declared ones: Python's zipfile stops reading a part at
its declared size (and fails its CRC check past it), so a part cannot expand further than it
says. A sheet's XML is also scanned, streaming, for a row of more cells than Excel allows
(openpyxl holds a row whole). `ReadingClock` bounds the time spent streaming rows.

Every limit is a setting, so tests can lower it: SPREADSHEET_MAX_PARTS,
SPREADSHEET_MAX_SHEET_BYTES, SPREADSHEET_MAX_SHARED_STRINGS_BYTES, SPREADSHEET_MAX_PART_BYTES
(any other part: styles, themes…), SPREADSHEET_MAX_TOTAL_BYTES, SPREADSHEET_MAX_RATIO (with
SPREADSHEET_RATIO_FROM_BYTES, the size from which a part's ratio is checked),
SPREADSHEET_MAX_ROW_CELLS and SPREADSHEET_READ_SECONDS.

The reading itself runs in a child process (core.isolation) whose address space is capped at
UPLOAD_READ_MEMORY_MB and which is killed after UPLOAD_READ_SECONDS, whatever the checks above
missed; UPLOAD_READ_ISOLATED = False reads in the calling process instead.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

from django.conf import settings
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet import _reader as openpyxl_sheet_reader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.vietnamese import format_vnd

MB = 1024 * 1024
DEFAULTS = {
    "SPREADSHEET_MAX_PARTS": 200,
    # A 10,000-row list of ten columns is about 5 MB of sheet XML.
    "SPREADSHEET_MAX_SHEET_BYTES": 50 * MB,
    "SPREADSHEET_MAX_SHARED_STRINGS_BYTES": 20 * MB,
    "SPREADSHEET_MAX_PART_BYTES": 5 * MB,
    "SPREADSHEET_MAX_TOTAL_BYTES": 100 * MB,
    # Real sheet XML compresses 5-30 times; a bomb a thousand times.
    "SPREADSHEET_MAX_RATIO": 100,
    "SPREADSHEET_RATIO_FROM_BYTES": 2 * MB,
    "SPREADSHEET_READ_SECONDS": 10.0,
    # Excel's own width: openpyxl builds a whole row in memory (600 MB for a million cells).
    "SPREADSHEET_MAX_ROW_CELLS": 16_384,
    # The child that reads: its address space (Django and openpyxl take about 150 MB of it) and
    # its wall-clock time, the backstop behind SPREADSHEET_READ_SECONDS.
    "UPLOAD_READ_MEMORY_MB": 512,
    "UPLOAD_READ_SECONDS": 12.0,
    "UPLOAD_READ_ISOLATED": True,
}
# What the reading child is told of the caps above (it does not see a test's settings).
CHILD_LIMITS = tuple(name for name in DEFAULTS if name.startswith("SPREADSHEET_"))
_ROOT_RE = re.compile(rb"<(\w+:)?worksheet[\s>]")
_CHUNK = 1024 * 1024


def limit(name: str):
    return getattr(settings, name, DEFAULTS[name])


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def too_large_message(name: str, size: int) -> str:
    return (
        f"Tệp «{name}» quá lớn khi giải nén ({_megabytes(size)} MB); bảng tính không thể lớn như vậy. "
        "Hãy kiểm tra lại tệp, hoặc chia danh sách thành nhiều tệp nhỏ hơn."
    )


def too_many_parts_message(name: str, parts: int) -> str:
    return (
        f"Tệp «{name}» có quá nhiều thành phần bên trong ({parts}); đây không phải bảng tính thông thường. "
        "Hãy lưu lại danh sách thành một tệp .xlsx mới rồi tải lên lại."
    )


def compressed_too_much_message(name: str, size: int, ratio: int) -> str:
    return (
        f"Tệp «{name}» quá lớn khi giải nén ({_megabytes(size)} MB, nén hơn {ratio} lần); "
        "tệp có dấu hiệu bất thường nên không được đọc."
    )


def too_slow_message(name: str, seconds: float) -> str:
    return (
        f"Đọc tệp «{name}» mất quá {seconds:g} giây nên đã dừng; tệp quá lớn hoặc có cấu trúc bất thường. "
        "Hãy chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lại."
    )


def too_much_memory_message(name: str, megabytes: int) -> str:
    return (
        f"Đọc tệp «{name}» cần hơn {format_vnd(megabytes)} MB bộ nhớ nên đã dừng; tệp quá lớn hoặc có cấu "
        "trúc bất thường. Hãy kiểm tra lại tệp, hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lại."
    )


def reading_failed_message(name: str) -> str:
    return (
        f"Việc đọc tệp «{name}» bị dừng bất thường; tệp có cấu trúc bất thường nên không được đọc. "
        "Hãy mở tệp bằng Excel, lưu lại thành tệp .xlsx mới rồi tải lên lại."
    )


def too_wide_message(name: str, cells: int) -> str:
    return (
        f"Tệp «{name}» có một dòng hơn {format_vnd(cells)} ô, nhiều hơn Excel cho phép; "
        "tệp có cấu trúc bất thường nên không được đọc."
    )


def widest_row_over(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bool:
    """Whether a row of the sheet part `info` holds more than `cap` cells: its XML is scanned
    as it is decompressed (a few milliseconds a megabyte, bytes.count), never held whole."""
    cells = 0
    tail = b""
    row_tag = cell_tags = None
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            buffer = tail + chunk
            if row_tag is None:
                # The tags' namespace prefix, if any, is the root element's ("<x:worksheet").
                prefix = (match.group(1) or b"") if (match := _ROOT_RE.search(buffer)) else b""
                row_tag = b"<" + prefix + b"row"
                cell_tags = [b"<" + prefix + b"c" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")]
            cut = buffer.rfind(b"<")
            if cut <= 0:
                cut = len(buffer)
            buffer, tail = buffer[:cut], buffer[cut:]
            for index, segment in enumerate(buffer.split(row_tag)):
                if index:
                    cells = 0
                cells += sum(segment.count(tag) for tag in cell_tags)
                if cells > cap:
                    return True
    return False


def _part_cap(filename: str) -> int:
    lowered = filename.lower()
    if lowered.startswith("xl/worksheets/"):
        return limit("SPREADSHEET_MAX_SHEET_BYTES")
    if lowered == "xl/sharedstrings.xml":
        return limit("SPREADSHEET_MAX_SHARED_STRINGS_BYTES")
    return limit("SPREADSHEET_MAX_PART_BYTES")


def archive_problem(name: str, content: bytes) -> str | None:
    """Why the .xlsx `content` must not be opened (a Vietnamese message), or None when its
    archive looks like a spreadsheet's. A file that is not a zip archive at all is the reader's
    business (None here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if len(infos) > limit("SPREADSHEET_MAX_PARTS"):
        return too_many_parts_message(name, len(infos))
    total = 0
    ratio_limit = limit("SPREADSHEET_MAX_RATIO")
    ratio_from = limit("SPREADSHEET_RATIO_FROM_BYTES")
    for info in infos:
        size = info.file_size
        total += size
        if size > _part_cap(info.filename):
            return too_large_message(name, size)
        if size >= ratio_from and size > ratio_limit * max(info.compress_size, 1):
            return compressed_too_much_message(name, size, ratio_limit)
    if total > limit("SPREADSHEET_MAX_TOTAL_BYTES"):
        return too_large_message(name, total)
    cap = limit("SPREADSHEET_MAX_ROW_CELLS")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in infos:
                if info.filename.lower().startswith("xl/worksheets/") and widest_row_over(archive, info, cap):
                    return too_wide_message(name, cap)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return None  # a damaged part: openpyxl says the file is not a workbook
    return None


class ReadingTooSlow(Exception):
    pass


class ReadingClock:
    """A deadline for reading one file, checked every `every` rows (time.monotonic is cheap,
    but not free on a 10,000-row file)."""

    def __init__(self, seconds: float | None = None, every: int = 256):
        self.seconds = float(limit("SPREADSHEET_READ_SECONDS") if seconds is None else seconds)
        self.deadline = time.monotonic() + self.seconds
        self.every = every

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReadingTooSlow(self.seconds)


def _declared_size(sheet: ReadOnlyWorksheet) -> None:
    """openpyxl's own `ReadOnlyWorksheet._get_size`, looking for the `<dimension>` element only
    before the sheet's data. openpyxl waits for the *end* of `<sheetData>`, so a sheet declaring
    no dimension (as many exporters write it) was parsed in full when the workbook was opened,
    before a single row was read, where neither the row cap nor the deadline can stop it (six
    seconds for 100,000 rows). The result is the same: the declared bounds, or none."""
    source = sheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == openpyxl_sheet_reader.DIMENSION_TAG:
                bounds = SheetDimension.from_tree(element).boundaries
                if bounds is not None:
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds
                return
            if element.tag == openpyxl_sheet_reader.DATA_TAG:
                return
    finally:
        source.close()


ReadOnlyWorksheet._get_size = _declared_size


_STRING_TAG, _TEXT_TAG, _RUN_TAG = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))


def _string_table(source) -> list[str]:
    """openpyxl's `read_string_table` without an openpyxl `Text` object built per string (a
    third of the reading of a list of names, each name its own string): each string's plain
    text and its rich-text runs' texts, joined, as openpyxl gives them."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag == _STRING_TAG:
            plain = node.find(_TEXT_TAG)
            text = (plain.text or "") if plain is not None else ""
            for run in node.iterfind(_RUN_TAG):
                piece = run.find(_TEXT_TAG)
                if piece is not None and piece.text:
                    text += piece.text
            strings.append(text.replace("x005F_", ""))
            node.clear()
    return strings


class _WorkbookReader(ExcelReader):
    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _string_table(source)


def open_workbook(content: bytes):
    """`openpyxl.load_workbook(…, read_only=True, data_only=False)` of an uploaded file, its
    shared strings read by `_string_table`. A formula cell yields its text; nothing is computed."""
    reader = _WorkbookReader(
        io.BytesIO(content), read_only=True, keep_vba=False, data_only=False, keep_links=False
    )
    reader.read()
    return reader.wb
