"""Check-in at the door: the signed token printed as each letter's QR code, and the attendance
rows of invited participants and walk-ins.

Every check-in is refused outside the session's check-in window (sessions.session_day); a
walk-in who is already on the session's list or was already written down is offered instead of
being added again (notifications.services.walkins); a mistaken check-in is undone with a log.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import Participant, Session
from sessions.session_day import SessionDayError, check_checkin_open

from ..models import Attendance, CancelledCheckin
from .walkins import SamePersonFound, WalkIn, same_people

CHECKIN_SALT = "notifications.checkin"

__all__ = [
    "CheckinError",
    "SamePersonFound",
    "WalkIn",
    "add_walk_in",
    "check_in_participant",
    "checkin_token",
    "read_checkin_token",
    "undo_checkin",
]


class CheckinError(Exception):
    """A check-in refused (outside the window, nothing to undo); the message is for the desk."""


def checkin_token(*, session_id: int, participant_id: int) -> str:
    """The signed token printed as the letter's QR code and read at the door."""
    return signing.dumps({"s": session_id, "p": participant_id}, salt=CHECKIN_SALT, compress=True)


def read_checkin_token(token: str) -> tuple[int, int]:
    """(session id, participant id) of a token; raises ``signing.BadSignature`` if forged."""
    data = signing.loads(token, salt=CHECKIN_SALT)
    return int(data["s"]), int(data["p"])


def _check_open(session: Session, now: datetime.datetime | None) -> None:
    try:
        check_checkin_open(session, now)
    except SessionDayError as exc:
        raise CheckinError(str(exc)) from exc


def check_in_participant(
    *, session: Session, participant: Participant, user, now: datetime.datetime | None = None
) -> tuple[Attendance, bool]:
    """Mark an invited participant present, once. Returns (attendance, created).

    Refused (CheckinError) outside the session's check-in window. Side effects: inserts one
    ``Attendance`` row unless the participant already has one; a concurrent second mark is
    absorbed by the (session, participant) unique constraint.
    """
    now = now or timezone.now()
    _check_open(session, now)
    try:
        with transaction.atomic():
            return Attendance.objects.get_or_create(
                session=session,
                participant=participant,
                defaults={
                    "full_name": participant.full_name,
                    "commune_id": participant.commune_id,
                    "category_id": participant.category_id,
                    "checked_in_at": now,
                    "checked_in_by": user,
                },
            )
    except IntegrityError:
        return Attendance.objects.get(session=session, participant=participant), False


def add_walk_in(
    *,
    session: Session,
    walk_in: WalkIn,
    user,
    different_person: bool = False,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Record someone who came without a letter.

    Refused (CheckinError) outside the check-in window. When the person matches someone on the
    session's list or an earlier walk-in (CCCD, else name + birth year + hamlet in the same
    commune), raises SamePersonFound with those people, unless the desk said it is a different
    person (`different_person`) and no match shares their CCCD. Walk-ins of a session are added
    one at a time (the session row is locked), so two desks cannot both add the same person.
    Side effects: inserts one ``Attendance`` row.
    """
    now = now or timezone.now()
    _check_open(session, now)
    with transaction.atomic():
        Session.objects.select_for_update(of=("self",)).filter(pk=session.pk).first()
        matches = same_people(session=session, walk_in=walk_in)
        if matches and (not different_person or any(match.certain for match in matches)):
            raise SamePersonFound(matches)
        return Attendance.objects.create(
            session=session,
            full_name=walk_in.full_name,
            commune=walk_in.commune,
            category=walk_in.category,
            hamlet=walk_in.hamlet,
            birth_year=walk_in.birth_year,
            national_id=walk_in.national_id,
            walk_in=True,
            checked_in_at=now,
            checked_in_by=user,
        )


def undo_checkin(*, session: Session, attendance_id: int, user) -> CancelledCheckin:
    """Undo a mistaken check-in (any time: a stray one made before the session too).

    Side effects: deletes the ``Attendance`` row and writes a ``CancelledCheckin`` saying who had
    checked the person in and when, and who undid it and when. Undoing twice finds nothing the
    second time (CheckinError)."""
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(session=session, pk=attendance_id).first()
        if attendance is None:
            raise CheckinError("Lượt điểm danh này không còn (có thể đã được hủy).")
        log = CancelledCheckin.objects.create(
            session=session,
            participant_id=attendance.participant_id,
            full_name=attendance.full_name,
            commune_id=attendance.commune_id,
            walk_in=attendance.walk_in,
            checked_in_at=attendance.checked_in_at,
            checked_in_by_id=attendance.checked_in_by_id,
            cancelled_at=timezone.now(),
            cancelled_by=user,
        )
        attendance.delete()
        return log
