"""The sign-in / allowance sheet of one commune's participants in a session, through the shared
PDF pipeline (core.pdf) in the official format (ND30)."""

from __future__ import annotations

from typing import Any

from core.pdf import PDF_CONTENT_TYPE, Document, render_pdf
from directory.models import Place

from . import selectors
from .models import Session

TEMPLATE = "sessions/document/signin.html"
TITLE = "DANH SÁCH ĐẠI BIỂU THAM DỰ HỘI NGHỊ ĐỐI THOẠI"
HEADER = ("STT", "Họ và tên", "Địa chỉ (thôn, xã)", "Loại hộ", "Ký nhận")


def signin_filename(*, session: Session, commune: Place) -> str:
    return f"danh-sach-ky-nhan-phien-{session.pk}-{commune.code}.pdf"


def session_line(session: Session) -> str:
    """ "Phiên: Nhà văn hóa xã Phước Hòa, 4/2024" (name, venue and time, without repeats)."""
    parts = [session.name, session.venue_name, session.time_label]
    return "Phiên: " + ", ".join(part for part in dict.fromkeys(parts) if part)


def signin_context(*, session: Session, commune: Place) -> dict[str, Any]:
    plan = session.plan
    rows = [
        (
            number,
            person.full_name,
            ", ".join(place.full_name for place in (person.hamlet, commune) if place is not None),
            person.category.name,
        )
        for number, person in enumerate(selectors.signin_rows(session, commune), start=1)
    ]
    return {
        "document_title": f"{TITLE} – {commune.title_name}",
        "agency_parent": plan.agency_parent.upper(),
        "agency_lines": plan.agency_lines,
        "number_line": "",
        "date_line": "",
        "doc_type": TITLE,
        "summary_lines": [session_line(session), commune.title_name],
        "header": HEADER,
        "rows": rows,
    }


def render_signin_sheet(*, session: Session, commune: Place) -> Document:
    """The sheet as a PDF ``Document``: one row per participant, in the list's order. Reads only."""
    context = signin_context(session=session, commune=commune)
    return Document(
        signin_filename(session=session, commune=commune), PDF_CONTENT_TYPE, render_pdf(TEMPLATE, context)
    )
