"""Invitations of a session by e-mail: one outbox row per participant or invited unit with an
address, created in steps so that the sending starts while the rest are written."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.template.loader import render_to_string

from core.collation import vi_order
from directory.models import Unit
from sessions.models import Participant, Session

from ..models import OutboxMessage, OutboxStatus, Purpose


def invitation_key(*, session_id: int, participant_id: int) -> str:
    return f"invitation:s{session_id}:p{participant_id}"


def unit_invitation_key(*, session_id: int, unit_id: int) -> str:
    return f"invitation:s{session_id}:u{unit_id}"


def participants_without_email(session_id: int) -> list[Participant]:
    """Participants who get only the printed letter, for their commune to hand out."""
    return list(
        Participant.objects.filter(session_id=session_id, email="")
        .select_related("commune", "hamlet")
        .order_by(vi_order("commune__name"), "commune_id", vi_order("full_name"), "id")
    )


def _invitation_row(
    session: Session, *, salutation: str, invitee: str, printed_letter: str, **row
) -> OutboxMessage:
    """An invitation e-mail (HTML and text) for one recipient; ``row`` names it (dedupe key,
    participant or unit, address)."""
    context = {
        "session": session,
        "plan": session.plan,
        "salutation": salutation,
        "invitee": invitee,
        "printed_letter": printed_letter,
    }
    return OutboxMessage(
        purpose=Purpose.INVITATION,
        session=session,
        subject=f"Giấy mời dự hội nghị đối thoại: {session}",
        body_text=render_to_string("notifications/email/invitation.txt", context),
        body_html=render_to_string("notifications/email/invitation.html", context),
        **row,
    )


def _invitation_message(session: Session, participant: Participant) -> OutboxMessage:
    return _invitation_row(
        session,
        salutation=f"Ông/Bà {participant.full_name}",
        invitee="Ông/Bà",
        printed_letter=(
            "Giấy mời của Ông/Bà (có mã QR để điểm danh) được gửi kèm thư này (tệp PDF);"
            " xin Ông/Bà mang giấy mời đã in hoặc mở trên điện thoại khi đến dự."
        ),
        dedupe_key=invitation_key(session_id=session.pk, participant_id=participant.pk),
        participant=participant,
        to_email=participant.email,
    )


def _unit_invitation_message(session: Session, unit: Unit) -> OutboxMessage:
    return _invitation_row(
        session,
        salutation=f"Lãnh đạo {unit.name}",
        invitee="Lãnh đạo đơn vị",
        printed_letter="Giấy mời của đơn vị được gửi kèm thư này (tệp PDF) và theo đường văn thư.",
        dedupe_key=unit_invitation_key(session_id=session.pk, unit_id=unit.pk),
        unit=unit,
        to_email=unit.email,
    )


def queue_invitations(
    *, session_id: int, step: int = 500, on_step: Callable[[list[int]], None] | None = None
) -> int:
    """Create one queued outbox row per participant of the session who has an email, and one
    per invited unit (the offices named in the composition) that has one.

    Side effects: inserts ``OutboxMessage`` rows, ``step`` at a time; nothing is sent, but after
    each step ``on_step`` (if given) gets the ids of the rows it queued, so that the sending can
    start while the next rows are written. Recipients already holding a row are skipped (and a
    concurrent run is absorbed by the unique key), so a second run creates nothing. Returns the
    number of rows created.
    """
    session = Session.objects.select_related("plan", "plan__issuer", "host_commune").get(pk=session_id)
    existing = OutboxMessage.objects.filter(session_id=session_id, purpose=Purpose.INVITATION)
    done = set(existing.exclude(participant=None).values_list("participant_id", flat=True))
    units_done = set(existing.exclude(unit=None).values_list("unit_id", flat=True))
    participants = (
        Participant.objects.filter(session_id=session_id)
        .exclude(email="")
        .exclude(pk__in=done)
        .order_by("commune_id", "row_number", "id")
    )
    units = session.invited_units.exclude(email="").exclude(pk__in=units_done).order_by("code")
    # Each message is worded when its step is written, so the first step goes out at once.
    recipients = [(_unit_invitation_message, unit) for unit in units]
    recipients += [(_invitation_message, participant) for participant in participants]
    before = existing.count()
    for start in range(0, len(recipients), step):
        rows = [message(session, recipient) for message, recipient in recipients[start : start + step]]
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        if on_step is not None:
            # ignore_conflicts leaves the new rows without ids: read them back by their keys.
            on_step(
                list(
                    OutboxMessage.objects.filter(
                        dedupe_key__in=[row.dedupe_key for row in rows], status=OutboxStatus.QUEUED
                    )
                    .order_by("id")
                    .values_list("id", flat=True)
                )
            )
    return existing.count() - before


def request_invitations(*, session_id: int) -> None:
    """What the staff's "send invitations" button calls: after commit, the worker creates the
    outbox rows and sends them (notifications.tasks.send_invitations)."""
    from ..tasks import send_invitations  # noqa: PLC0415 (tasks import services: one way)

    transaction.on_commit(lambda: send_invitations.delay(session_id=session_id))
