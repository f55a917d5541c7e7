"""The PDF pipeline fetches only the portal's static files and inline data (issue 15, item 9)."""

from __future__ import annotations

import base64
import io
import logging

import pypdfium2
from PIL import Image

from core import pdf as pipeline

SECRET = "SECRET-MARKER-OUTSIDE-STATIC"


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdf_image_count(content: bytes) -> int:
    document = pypdfium2.PdfDocument(content)
    try:
        return sum(
            1
            for page in document
            for obj in page.get_objects()
            if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
        )
    finally:
        document.close()


def png_data_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "black").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_pdf_refuses_files_outside_static_and_logs_them(tmp_path, caplog):
    evil_css = tmp_path / "evil.css"
    evil_css.write_text(f'p::after {{ content: "{SECRET}"; }}', encoding="utf-8")
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="{evil_css.as_uri()}">'
        "<style>div { background: url(file:///etc/passwd); }</style>"
        "</head><body><p>Văn bản.</p>"
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"><div>x</div>'
        "</body></html>"
    )

    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        content = pipeline.html_to_pdf(html)

    assert SECRET not in pdf_text(content)
    assert "Văn bản." in pdf_text(content)
    refused = sorted({record.args[0] for record in caplog.records if record.name == "core.pdf"})
    assert refused == sorted([evil_css.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x.png"])


def test_pdf_keeps_inline_data_images_and_static_files(caplog):
    html = f'<html><body><p>QR</p><img src="{png_data_uri()}" style="width:2cm"></body></html>'

    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        content = pipeline.html_to_pdf(html)

    assert pdf_image_count(content) == 1
    assert [record for record in caplog.records if record.name == "core.pdf"] == []


def test_allowed_resource_only_static_folders_and_data():
    static_file = (pipeline.STATIC_DIR / "css" / "nd30.css").as_uri()

    assert pipeline.is_allowed_resource(static_file) is True
    assert pipeline.is_allowed_resource("data:image/png;base64,AAAA") is True
    assert pipeline.is_allowed_resource("file:///etc/passwd") is False
    assert pipeline.is_allowed_resource(pipeline.STATIC_DIR.as_uri() + "/../manage.py") is False
    assert pipeline.is_allowed_resource("https://example.com/a.png") is False
