"""Reads for the invitations and check-in pages; each takes a fixed number of queries whatever
the number of outbox rows, participants or attendances."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, When

from core.collation import vi_order
from directory.models import Place
from sessions import selectors as session_selectors
from sessions.models import Participant, Session

from .models import Attendance, BatchJob, CancelledCheckin, JobKind, OutboxMessage, OutboxStatus, Purpose
from .services.invitations import participants_without_email

# People per page of the check-in list; the rest are a page away or found by name.
CHECKIN_PAGE_SIZE = 50
# The latest check-ins (with their undo buttons) and undone check-ins shown on the check-in page.
RECENT_CHECKINS = 10


def invitation_outbox(session: Session) -> QuerySet[OutboxMessage]:
    """The session's invitation emails, failed first, with their recipients. One query."""
    return (
        OutboxMessage.objects.filter(session=session, purpose=Purpose.INVITATION)
        .select_related("participant__commune", "unit", "user")
        .order_by(
            vi_order("participant__commune__name"), *session_selectors.name_order("participant__"), "id"
        )
    )


def latest_letters_job(session: Session) -> BatchJob | None:
    """The newest job printing the whole session's letters: the invitations page shows its bar or
    its file, so the file stays within reach after the page is left or reloaded."""
    return (
        BatchJob.objects.filter(session=session, kind=JobKind.LETTERS, commune=None).order_by("-pk").first()
    )


def outbox_counts(session: Session) -> dict[str, int]:
    """Invitation rows per status, every status present (0 when none). One query."""
    counts = dict.fromkeys(OutboxStatus.values, 0)
    rows = (
        OutboxMessage.objects.filter(session=session, purpose=Purpose.INVITATION)
        .order_by()
        .values_list("status")
        .annotate(total=Count("pk"))
    )
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class CommuneLetters:
    commune: Place
    participants: list[Participant]


def letters_to_hand_out(session: Session) -> list[CommuneLetters]:
    """Participants without an email grouped by commune: their commune prints and hands out the letters."""
    people = participants_without_email(session.pk)
    return [
        CommuneLetters(commune, list(group))
        for commune, group in groupby(people, key=lambda participant: participant.commune)
    ]


def invited_units(session: Session) -> list:
    """The offices named in the session's composition, each with its invitation row (or None). Two queries."""
    rows = {
        row.unit_id: row
        for row in OutboxMessage.objects.filter(
            session=session, purpose=Purpose.INVITATION, unit__isnull=False
        )
    }
    units = list(session.invited_units.order_by(vi_order("name")))
    for unit in units:
        unit.invitation = rows.get(unit.pk)
    return units


def checkin_people(session: Session, query: str = "", page: str | int | None = 1) -> Page:
    """A page of the participants matching `query` by name, in Vietnamese name order, each with
    `checked_in_at` and `attendance_id` (None when absent). Two queries (the count and the page),
    whatever the page."""
    arrived = Attendance.objects.filter(session=session, participant=OuterRef("pk"))
    people = (
        Participant.objects.filter(session=session)
        .select_related("commune", "hamlet", "category")
        .annotate(
            checked_in_at=Subquery(arrived.values("checked_in_at")[:1]),
            attendance_id=Subquery(arrived.values("pk")[:1]),
        )
        .order_by(*session_selectors.name_order())
    )
    query = " ".join(query.split())
    if query:
        # Accents optional ("huong" finds "Hương"); names typed exactly as written come first.
        people = people.matching_name(query).order_by(
            Case(When(full_name__icontains=query, then=0), default=1), *session_selectors.name_order()
        )
    result = Paginator(people, CHECKIN_PAGE_SIZE).get_page(page)
    # The page numbers to link: all of a short list, the ends and neighbours of a long one.
    result.links = list(result.paginator.get_elided_page_range(result.number, on_each_side=2, on_ends=1))
    return result


def recent_checkins(session: Session) -> list[Attendance]:
    """The session's latest check-ins, newest first, for the desk to undo a mistake. One query."""
    return list(
        Attendance.objects.filter(session=session)
        .select_related("commune", "hamlet", "checked_in_by")
        .order_by("-checked_in_at", "-id")[:RECENT_CHECKINS]
    )


def cancelled_checkins(session: Session) -> list[CancelledCheckin]:
    """The session's latest undone check-ins with who made and who undid them. One query."""
    return list(
        CancelledCheckin.objects.filter(session=session)
        .select_related("commune", "checked_in_by", "cancelled_by")
        .order_by("-cancelled_at", "-id")[:RECENT_CHECKINS]
    )


def territory_communes(session: Session) -> QuerySet[Place]:
    """Communes of the plan issuer's territory (hamlets of a commune's own plan): where a walk-in
    may come from."""
    return (
        Place.objects.within(session.plan.issuer)
        .filter(level=session_selectors.list_level(session))
        .order_by(vi_order("name"), "code")
    )


@dataclass
class AttendanceRow:
    commune: Place
    quota: int | None
    registered: int
    attended: int
    walk_ins: int

    @property
    def percent(self) -> int | None:
        return session_selectors.fill_percent(self.quota, self.attended)


def attendance_by_commune(session: Session) -> list[AttendanceRow]:
    """Per commune: quota, registered, checked in (walk-ins included) and walk-ins. Two queries."""
    counts: dict[int, dict[bool, int]] = {}
    for commune_id, walk_in, total in (
        Attendance.objects.filter(session=session)
        .order_by()
        .values_list("commune_id", "walk_in")
        .annotate(total=Count("pk"))
    ):
        counts.setdefault(commune_id, {})[walk_in] = total
    rows = []
    seen = set()
    for commune in session_selectors.fill_rates(session):
        seen.add(commune.pk)
        by_kind = counts.get(commune.pk, {})
        rows.append(
            AttendanceRow(
                commune=commune,
                quota=commune.quota,
                registered=commune.registered,
                attended=sum(by_kind.values()),
                walk_ins=by_kind.get(True, 0),
            )
        )
    others = set(counts) - seen
    if others:
        # Walk-ins from communes the session gave no quota: shown too, so no one goes uncounted.
        for commune in Place.objects.filter(pk__in=others).order_by("code"):
            by_kind = counts[commune.pk]
            rows.append(AttendanceRow(commune, None, 0, sum(by_kind.values()), by_kind.get(True, 0)))
    return rows


def fixed_date_sessions(plan) -> list[Session]:
    """The plan's sessions that have a date, for its calendar file."""
    return list(
        Session.objects.filter(plan=plan, time_kind="exact", date__isnull=False)
        .select_related("plan__issuer")
        .order_by("date", "start_time", "position", "id")
    )


def invitations_to_send(*, session) -> int:
    """What the worker will send for a session: a new row for each participant and invited unit
    with an email and none yet, and every invitation row still queued or failed. Three queries."""
    invitations = OutboxMessage.objects.filter(session=session, purpose=Purpose.INVITATION)
    new = (
        Participant.objects.filter(session=session)
        .exclude(email="")
        .exclude(pk__in=invitations.filter(participant__isnull=False).values("participant_id"))
        .count()
    )
    new_units = (
        session.invited_units.exclude(email="")
        .exclude(pk__in=invitations.filter(unit__isnull=False).values("unit_id"))
        .count()
    )
    return new + new_units + invitations.filter(status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED]).count()
