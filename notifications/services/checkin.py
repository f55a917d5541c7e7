"""Check-in at the door: the signed token printed as each letter's QR code, and the attendance
rows of invited participants and walk-ins."""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import Participant, Session

from ..models import Attendance

CHECKIN_SALT = "notifications.checkin"


def checkin_token(*, session_id: int, participant_id: int) -> str:
    """The signed token printed as the letter's QR code and read at the door."""
    return signing.dumps({"s": session_id, "p": participant_id}, salt=CHECKIN_SALT, compress=True)


def read_checkin_token(token: str) -> tuple[int, int]:
    """(session id, participant id) of a token; raises ``signing.BadSignature`` if forged."""
    data = signing.loads(token, salt=CHECKIN_SALT)
    return int(data["s"]), int(data["p"])


def check_in_participant(*, session: Session, participant: Participant, user) -> tuple[Attendance, bool]:
    """Mark an invited participant present, once. Returns (attendance, created).

    Side effects: inserts one ``Attendance`` row unless the participant already has one; a
    concurrent second mark is absorbed by the (session, participant) unique constraint.
    """
    try:
        with transaction.atomic():
            return Attendance.objects.get_or_create(
                session=session,
                participant=participant,
                defaults={
                    "full_name": participant.full_name,
                    "commune_id": participant.commune_id,
                    "category_id": participant.category_id,
                    "checked_in_at": timezone.now(),
                    "checked_in_by": user,
                },
            )
    except IntegrityError:
        return Attendance.objects.get(session=session, participant=participant), False


def add_walk_in(*, session: Session, full_name: str, commune, category, user) -> Attendance:
    """Record someone who came without a letter. Side effects: inserts one ``Attendance`` row."""
    return Attendance.objects.create(
        session=session,
        full_name=full_name,
        commune=commune,
        category=category,
        walk_in=True,
        checked_in_at=timezone.now(),
        checked_in_by=user,
    )
