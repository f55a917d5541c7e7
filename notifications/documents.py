"""The invitation letter (Giấy mời, GM-UBND) through the shared PDF pipeline (core.pdf).

A batch is one PDF for a session (or one commune of it) with one letter a page, ready to print
and hand out, each with a QR code carrying the participant's signed check-in token. This module
words every line; templates/notifications/document/invitation.html only lays them out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import segno
from django.utils import timezone

from core.documents import number_line, signature_lines
from core.pdf import PDF_CONTENT_TYPE, Document, render_pdf, render_pdf_in_chunks
from core.vietnamese import date_line, office_in_sentence, strip_accents
from directory.models import Place, PlaceLevel, Unit
from sessions.models import Participant, Session

from .models import Purpose
from .services.checkin import checkin_token

TEMPLATE = "notifications/document/invitation.html"
QR_MASK = 4


@dataclass(frozen=True)
class Letter:
    invitee: str
    address: str
    qr_token: str  # "" for a unit's letter: officials are not counted at the door
    closing: str = "Rất mong Ông/Bà đến dự đúng thời gian./."
    blank: bool = False  # laid out with its variable parts hidden, to be placed later (letter_press)

    @property
    def qr_data_uri(self) -> str:
        return qr_data_uri(self.qr_token) if self.qr_token else ""


def unit_letter(unit: Unit) -> Letter:
    return Letter(
        invitee=f"Lãnh đạo {unit.name}",
        address="",
        qr_token="",
        closing="Rất mong Lãnh đạo đơn vị đến dự đúng thời gian./.",
    )


def qr_data_uri(token: str) -> str:
    # PNG rather than SVG: WeasyPrint embeds it as an image, which a printer (and pdfplumber) sees as one.
    # One pixel a module (segno writes PNG in pure Python); the template scales it up without smoothing.
    # A fixed mask: choosing the best of eight (segno's default) was three quarters of the time a
    # letter's code took; the tokens are base64 text, for which any mask gives a code that scans.
    return segno.make(token, error="m", mask=QR_MASK).png_data_uri(scale=1, border=2)


def invitation_context(
    session: Session,
    participants: list[Participant],
    *,
    today: datetime.date,
    units: list[Unit] = (),
) -> dict[str, Any]:
    plan = session.plan
    issuer = plan.issuer
    agency = f"{plan.agency_name[:1].upper()}{plan.agency_name[1:].lower()}"  # "Ủy ban nhân dân"
    venue = session.venue_name + (f", {session.venue_address}" if session.venue_address else "")
    meeting = f"Hội nghị {plan.get_kind_display()[:1].lower()}{plan.get_kind_display()[1:]} năm {plan.year}"
    if session.name:
        meeting += f" ({session.name})"
    letters = [unit_letter(unit) for unit in units]
    letters += [
        Letter(
            invitee=f"Ông/Bà {participant.full_name}",
            address=_address(participant, issuer),
            qr_token=checkin_token(session_id=session.pk, participant_id=participant.pk),
        )
        for participant in participants
    ]
    return {
        "document_title": f"GIẤY MỜI – {meeting}",
        "agency_parent": plan.agency_parent.upper(),
        "agency_lines": plan.agency_lines,
        "number_line": number_line(None, plan.symbol_for("GM")),
        "date_line": date_line(plan.place_name, None, month=today.month, year=today.year),
        "doc_type": "GIẤY MỜI",
        "subject_line": f"Dự {meeting[:1].lower()}{meeting[1:]}",
        "inviter": f"{agency} {issuer.full_name}",
        "meeting": meeting,
        "chair": f"Đồng chí {plan.signer_name}, {office_in_sentence(plan.signer_title)} {agency} {issuer.full_name}"
        if plan.signer_title
        else f"Lãnh đạo {agency} {issuer.full_name}",
        "time_label": session.time_label,
        "venue": venue,
        "recipients": ["- Như trên;", f"- Lưu: {plan.archive}."],
        "signature_lines": signature_lines(plan.signer_authority, plan.signer_delegation, plan.signer_title),
        "signer_name": plan.signer_name,
        "letters": letters,
    }


def print_letters(context: dict[str, Any], *, template_name: str = TEMPLATE) -> bytes:
    """The context's letters as one PDF, a page each: placed on the session's letter laid out
    once (notifications.letter_press), those it cannot place laid out whole by WeasyPrint."""
    from .letter_press import press_for  # noqa: PLC0415 (fontTools and PDFium: loaded where letters print)

    return press_for(template_name, context).build(list(context["letters"]))


def _address(participant: Participant, issuer: Place) -> str:
    """ "thôn An Hòa, xã Phước Hòa"; a hamlet's own list (a commune's plan) names the hamlet and
    the issuing commune ("thôn Bình An, xã Tuy Phước")."""
    places = [participant.hamlet, participant.commune]
    if participant.commune_id == participant.hamlet_id:
        places = [participant.hamlet, issuer if issuer.level == PlaceLevel.COMMUNE else None]
    return ", ".join(place.full_name for place in places if place is not None)


def render_invitations(*, session: Session, commune: Place | None = None, units: bool = False) -> Document:
    """The letters of a session, one a page: participants in list order (of one commune when
    given), or with ``units`` the letters to the offices named in the composition."""
    session = Session.objects.select_related("plan", "plan__issuer").get(pk=session.pk)
    if units:
        invited = list(session.invited_units.order_by("code"))
        context = invitation_context(session, [], today=timezone.localdate(), units=invited)
        return Document(
            f"giay-moi-phien-{session.pk}-co-quan.pdf",
            PDF_CONTENT_TYPE,
            render_pdf_in_chunks(TEMPLATE, context, items_key="letters"),
        )
    participants = Participant.objects.filter(session=session).select_related("commune", "hamlet")
    if commune is not None:
        participants = participants.filter(commune=commune)
    participants = list(participants.order_by("commune__name", "row_number", "id"))
    context = invitation_context(session, participants, today=timezone.localdate())
    suffix = f"-{commune.code}" if commune is not None else ""
    return Document(f"giay-moi-phien-{session.pk}{suffix}.pdf", PDF_CONTENT_TYPE, print_letters(context))


def letter_filename(name: str) -> str:
    """ "Giay-moi-Tran-Thi-Huong.pdf": the recipient's name without diacritics, safe in any mail program."""
    words = re.findall(r"[A-Za-z0-9]+", strip_accents(name))
    return "Giay-moi-" + "-".join(words)[:80] + ".pdf" if words else "Giay-moi.pdf"


def invitation_attachments(
    *, session: Session, participants: list[Participant] = (), units: list[Unit] = (), today: datetime.date
) -> dict[tuple[str, int], tuple[str, bytes]]:
    """Each recipient's own letter for their invitation e-mail: ``("p", id)`` for a participant,
    ``("u", id)`` for a unit, to (file name, PDF). Participants' letters are placed on the
    session's letter laid out once; the few units' letters are laid out whole."""
    attachments: dict[tuple[str, int], tuple[str, bytes]] = {}
    if participants:
        context = invitation_context(session, list(participants), today=today)
        from .letter_press import press_for  # noqa: PLC0415 (as in print_letters)

        letters = press_for(TEMPLATE, context).build_each(list(context["letters"]))
        for participant, letter in zip(participants, letters, strict=True):
            attachments[("p", participant.pk)] = (letter_filename(participant.full_name), letter)
    for unit in units:
        context = invitation_context(session, [], today=today, units=[unit])
        attachments[("u", unit.pk)] = (letter_filename(unit.name), render_pdf(TEMPLATE, context))
    return attachments


def outbox_attachments(rows: list) -> dict[int, tuple[str, bytes]]:
    """notifications.services.outbox's attachments: each invitation row gets its recipient's
    own letter (participant or unit); other rows get nothing. A few queries for a batch."""
    invitations = [row for row in rows if row.purpose == Purpose.INVITATION and row.session_id]
    attachments: dict[int, tuple[str, bytes]] = {}
    for session_id in {row.session_id for row in invitations}:
        session = Session.objects.select_related("plan", "plan__issuer").filter(pk=session_id).first()
        if session is None:
            continue
        mine = [row for row in invitations if row.session_id == session_id]
        by_id = Participant.objects.select_related("commune", "hamlet").in_bulk(
            [row.participant_id for row in mine if row.participant_id]
        )
        units = Unit.objects.in_bulk([row.unit_id for row in mine if row.unit_id])
        letters = invitation_attachments(
            session=session,
            participants=[by_id[row.participant_id] for row in mine if row.participant_id in by_id],
            units=[units[row.unit_id] for row in mine if row.unit_id in units],
            today=timezone.localdate(),
        )
        for row in mine:
            key = ("p", row.participant_id) if row.participant_id else ("u", row.unit_id)
            if key in letters:
                attachments[row.pk] = letters[key]
    return attachments
