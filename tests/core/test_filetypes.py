import io
import zipfile

import pytest

from core.filetypes import content_matches_suffix, content_mismatch_message


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zip_bytes("[Content_Types].xml", "word/document.xml")
REAL = {
    ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    ".doc": bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 50,
    ".docx": DOCX,
    ".jpg": b"\xff\xd8\xff\xe0\0\x10JFIF",
    ".jpeg": b"\xff\xd8\xff\xe1\0\x10Exif",
    ".png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
}


@pytest.mark.parametrize("suffix", sorted(REAL))
def test_content_matches_suffix_for_real_files(suffix):
    assert content_matches_suffix(suffix, io.BytesIO(REAL[suffix])) is True
    assert content_mismatch_message(f"tra-loi{suffix.upper()}", io.BytesIO(REAL[suffix])) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", zip_bytes("a.txt")),
        ("x.pdf", b"<html><script>alert(1)</script></html>"),
        ("x.docx", zip_bytes("xl/workbook.xml")),
        ("x.docx", b"PK\x03\x04 truncated"),
        ("x.doc", b"%PDF-1.4"),
        ("x.png", b"\xff\xd8\xff\xe0"),
        ("x.jpg", b"GIF89a"),
        ("x.pdf", b""),
    ],
)
def test_content_mismatch_refused_with_the_file_named(name, content):
    stream = io.BytesIO(content)
    message = content_mismatch_message(name, stream)

    assert message is not None and message.startswith(f"Tệp «{name}» không phải là ")
    assert stream.tell() == 0


def test_content_mismatch_message_wording_for_a_fake_pdf():
    assert content_mismatch_message("thu/x.pdf", io.BytesIO(b"<html>")) == (
        "Tệp «x.pdf» không phải là tệp PDF thật; nội dung không khớp với đuôi tệp. "
        "Hãy tải lên đúng văn bản (xuất lại hoặc quét lại rồi chọn tệp đó)."
    )
