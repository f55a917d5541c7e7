"""Hostile spreadsheets, generated: zip bombs, a shared-strings bomb, a declared dimension far
beyond its cells, a part of hundreds of megabytes, truncated and renamed files, control characters, too many rows and columns.

Each maker takes a size, so the tests build small ones (with the caps lowered) and
bench/hostile_uploads.py full-size ones. The bombs are written streaming into the archive, so a
gigabyte of XML never sits in memory and the file stays one or two megabytes."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"


def workbook(rows: Iterable[Iterable], *, write_only: bool = False) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_parts(base: bytes, parts: dict[str, Iterable[bytes]]) -> bytes:
    """`base` with the named parts' contents replaced by the chunks given, streamed (deflated)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in parts:
                _stream(target, info.filename, parts[info.filename])
            else:
                target.writestr(info, source.read(info.filename))
        for name in parts.keys() - set(source.namelist()):
            _stream(target, name, parts[name])
    return out.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)


def _repeat(piece: bytes, count: int, *, head: bytes = b"", tail: bytes = b"") -> Iterator[bytes]:
    yield head
    block = piece * 10_000
    full, rest = divmod(count, 10_000)
    for _ in range(full):
        yield block
    yield piece * rest
    yield tail


def row_bomb(header: list[str], rows: int) -> bytes:
    """A sheet whose XML is the header row and then `rows` empty `<row/>` (6 bytes each), with no
    declared dimension."""
    base = workbook([header])
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        sheet = archive.read(SHEET)
    # Without its dimension (or with one as large), the sheet is read to its last row.
    start = sheet.index(b"<dimension")
    sheet = sheet[:start] + sheet[sheet.index(b"/>", start) + 2 :]
    end = sheet.index(b"</sheetData>")
    return replace_parts(base, {SHEET: _repeat(b"<row/>", rows, head=sheet[:end], tail=sheet[end:])})


def long_row(header: list[str], cells: int) -> bytes:
    """The header row, then one row of `cells` numbered cells (openpyxl holds a row whole)."""
    base = workbook([header])
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        sheet = archive.read(SHEET)
    end = sheet.index(b"</sheetData>")
    numbers = (b"<c><v>%d</v></c>" % number for number in range(cells))
    return replace_parts(base, {SHEET: [sheet[:end], b"<row>", *numbers, b"</row>", sheet[end:]]})


def shared_strings_bomb(header: list[str], strings: int) -> bytes:
    """A workbook whose shared-strings table holds `strings` entries (the sheet uses a few)."""
    base = workbook([header])
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return replace_parts(
        base,
        {
            "[Content_Types].xml": [types],
            "xl/_rels/workbook.xml.rels": [rels],
            SHARED_STRINGS: _repeat(b"<si><t>x</t></si>", strings, head=head, tail=b"</sst>"),
        },
    )


def huge_part(header: list[str], megabytes: int) -> bytes:
    """A workbook whose `[Content_Types].xml` ends in `megabytes` of blank space: compressed a
    thousand times, and read whole into memory (then parsed) when the workbook is opened."""
    base = workbook([header])
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        types = archive.read("[Content_Types].xml")
    return replace_parts(base, {"[Content_Types].xml": _repeat(b" " * 1024, megabytes * 1024, head=types)})


def wide_dimension(header: list[str], row: list) -> bytes:
    """Two rows of cells in a sheet declaring `A1:XFD8000` (16,384 columns by 8,000 rows)."""
    base = workbook([header, row])
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        sheet = archive.read(SHEET)
    start, end = sheet.index(b"<dimension"), sheet.index(b"/>", sheet.index(b"<dimension")) + 2
    return replace_parts(base, {SHEET: [sheet[:start] + b'<dimension ref="A1:XFD8000"/>' + sheet[end:]]})


def many_parts(header: list[str], parts: int) -> bytes:
    base = workbook([header])
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(parts):
            archive.writestr(f"xl/media/extra{number}.xml", b"<x/>")
    return out.getvalue()


def truncated(header: list[str], row: list) -> bytes:
    content = workbook([header, row])
    return content[: len(content) // 2]


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def random_bytes(size: int = 4096) -> bytes:
    return os.urandom(size)


def control_characters_csv(header: list[str], row: list) -> bytes:
    broken = [f"{value}\x00\x1b" if isinstance(value, str) else value for value in row]
    return _csv([header, broken])


def _csv(rows: Iterable[Iterable]) -> bytes:
    return "".join(",".join(str(value) for value in values) + "\r\n" for values in rows).encode()


def many_rows_csv(header: list[str], row: list, count: int) -> bytes:
    return _csv([header, *([row] * count)])


def many_rows_xlsx(header: list[str], row: list, count: int) -> bytes:
    return workbook([header, *([row] * count)], write_only=True)


def wide_csv(header: list[str], row: list, columns: int, rows: int = 3) -> bytes:
    pad = columns - len(header)
    return _csv([header + [f"Cột {n}" for n in range(pad)], *([row + ["x"] * pad] * rows)])


def wide_xlsx(header: list[str], row: list, columns: int, rows: int = 3) -> bytes:
    pad = columns - len(header)
    return workbook(
        [header + [f"Cột {n}" for n in range(pad)], *([row + ["x"] * pad] * rows)], write_only=True
    )
