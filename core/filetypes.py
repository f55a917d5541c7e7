"""Is an uploaded document what its name says? Checked by its first bytes (magic numbers).

A file named ``tra-loi.pdf`` that is really an HTML page or a zip would otherwise be stored
and later handed to whoever opens the reply. Only the kinds the portal accepts as documents
are known here: PDF, Word (.doc, .docx) and photos (JPEG, PNG).
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

PDF = b"%PDF-"
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # the compound file of Word 97-2003 (.doc)
ZIP = b"PK\x03\x04"
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"

# Readers accept a PDF header anywhere in the first kilobyte (some scanners write junk first).
PDF_HEADER_WINDOW = 1024

KIND_LABELS = {
    ".pdf": "tệp PDF",
    ".doc": "văn bản Word (.doc)",
    ".docx": "văn bản Word (.docx)",
    ".jpg": "ảnh JPEG",
    ".jpeg": "ảnh JPEG",
    ".png": "ảnh PNG",
}


def _is_docx(stream: IO[bytes]) -> bool:
    """A .docx is a zip with a ``word/`` part (an .xlsx or a plain zip is not)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return any(name.startswith("word/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def content_matches_suffix(suffix: str, stream: IO[bytes]) -> bool:
    """Whether the bytes of `stream` are of the kind its suffix names. Rewinds the stream."""
    suffix = suffix.lower()
    stream.seek(0)
    head = stream.read(PDF_HEADER_WINDOW)
    stream.seek(0)
    try:
        if suffix == ".pdf":
            return PDF in head
        if suffix == ".doc":
            return head.startswith(OLE2)
        if suffix == ".docx":
            return head.startswith(ZIP) and _is_docx(stream)
        if suffix in (".jpg", ".jpeg"):
            return head.startswith(JPEG)
        if suffix == ".png":
            return head.startswith(PNG)
        return False
    finally:
        stream.seek(0)


def content_mismatch_message(name: str, stream: IO[bytes]) -> str | None:
    """A Vietnamese message naming the file when its content is not what its name says."""
    path = PurePath(name or "")
    suffix = path.suffix.lower()
    if suffix not in KIND_LABELS or content_matches_suffix(suffix, stream):
        return None
    return (
        f"Tệp «{path.name}» không phải là {KIND_LABELS[suffix]} thật; nội dung không khớp với "
        "đuôi tệp. Hãy tải lên đúng văn bản (xuất lại hoặc quét lại rồi chọn tệp đó)."
    )
