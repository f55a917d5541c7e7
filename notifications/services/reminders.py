"""Deadline reminders and escalations by e-mail: the day's due notices (notifications.deadlines)
become one outbox row per recipient, session, kind and stage.

Who receives them (``reach``): the active users of the audience with an e-mail address; for a
unit whose officers have none (or that has no account at all, as the social insurance office or
the social policy bank often have not), the unit's address in the directory. Whoever is left
without an address is *unreached*: the daily run says so, and the invitations page of a session
lists them with the phone numbers known, so staff call or send a paper instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from accounts.models import Role, User
from directory.models import Place, Unit

from ..deadlines import (
    ESCALATION,
    KINDS,
    LEADERS,
    OFFICERS,
    OFFICIALS,
    REMINDER,
    STAFF,
    DueNotice,
    due_notices,
)
from ..models import OutboxMessage

Audience = tuple[str, int]


@dataclass(frozen=True)
class Recipient:
    """One address a reminder goes to: a user's, or a unit's from the directory."""

    key: str  # in the dedupe key: "u7" (a user), "n12" (a unit's directory address)
    name: str  # how the message greets them
    email: str
    user: User | None = None
    unit: Unit | None = None


@dataclass
class Reach:
    """How an audience is reached: its addresses, else the phones of its people (name, phone)."""

    audience: Audience
    label: str
    recipients: list[Recipient] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)
    # The unit's directory address is used: its officers have no address of their own.
    via_directory: bool = False

    @property
    def reached(self) -> bool:
        return bool(self.recipients)

    @property
    def how(self) -> str:
        """What staff do instead of the e-mail, in Vietnamese."""
        if self.phones:
            return "Gọi điện: " + "; ".join(f"{name} {phone}" for name, phone in self.phones)
        return "Không có thư điện tử, không có số điện thoại: gửi giấy nhắc hoặc liên hệ trực tiếp"


def _audience_label(audience: Audience, places: dict[int, Place], units: dict[int, Unit]) -> str:
    who, pk = audience
    if who == OFFICERS:
        unit = units.get(pk)
        return unit.name if unit else f"Đơn vị số {pk}"
    place = places.get(pk)
    where = place.full_name if place else f"địa bàn số {pk}"
    return {
        OFFICIALS: f"Cán bộ {where}",
        STAFF: f"Chuyên viên phòng – UBND {where}",
        LEADERS: f"Lãnh đạo UBND {where}",
    }[who]


def reach(audiences: set[Audience]) -> dict[Audience, Reach]:
    """How each audience (notifications.deadlines) is reached. A fixed number of queries, whatever
    the number of sessions, communes and units: the users of each kind of audience present, the
    units and the places named."""
    users = User.objects.filter(is_active=True).order_by("pk")
    found: dict[Audience, list[User]] = {audience: [] for audience in audiences}
    by_place = {OFFICIALS: Role.COMMUNE_OFFICIAL, STAFF: Role.DISTRICT_STAFF, LEADERS: Role.LEADER}
    for who, role in by_place.items():
        ids = {pk for kind, pk in audiences if kind == who}
        for user in users.filter(role=role, place_id__in=ids) if ids else ():
            found[(who, user.place_id)].append(user)
    unit_ids = {pk for kind, pk in audiences if kind == OFFICERS}
    for user in users.filter(role=Role.DEPARTMENT_OFFICER, unit_id__in=unit_ids) if unit_ids else ():
        found[(OFFICERS, user.unit_id)].append(user)
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    place_ids = {pk for kind, pk in audiences if kind != OFFICERS}
    places = Place.objects.in_bulk(place_ids) if place_ids else {}
    reaches = {}
    for audience, people in found.items():
        entry = Reach(audience, _audience_label(audience, places, units))
        for user in people:
            name = user.get_full_name() or user.username
            if user.email:
                entry.recipients.append(Recipient(f"u{user.pk}", name, user.email, user=user))
            elif user.phone:
                entry.phones.append((name, user.phone))
        unit = units.get(audience[1]) if audience[0] == OFFICERS else None
        if not entry.recipients and unit is not None and unit.email:
            entry.recipients.append(Recipient(f"n{unit.pk}", unit.name, unit.email, unit=unit))
            entry.via_directory = True
        reaches[audience] = entry
    return reaches


@dataclass(frozen=True)
class Unreached:
    """A reminder or an escalation due today that no one of its audience can receive by e-mail."""

    notice: DueNotice
    reach: Reach

    def __str__(self) -> str:
        kind = "Nhắc hạn" if self.notice.purpose == REMINDER else "Báo cáo quá hạn"
        return f"{kind} «{self.notice.kind.label}» – {self.reach.label}: {self.reach.how}"


def _reminder_message(key: str, recipient: Recipient, notices: list) -> OutboxMessage:
    first = notices[0]
    kind, session = first.kind, first.session
    items = [item for notice in notices for item in notice.deadline.items]
    context = {
        "recipient": recipient.name,
        "user": recipient.user,
        # Written to at the directory's address: the unit cannot answer on the portal.
        "unit_without_account": recipient.unit is not None,
        "notice": first,
        "notices": notices,
        "kind": kind,
        "session": session,
        "items": items,
        "commune": first.deadline.owner,
        "action": kind.action(first),
    }
    template = kind.template(first)
    owner = first.deadline.owner
    return OutboxMessage(
        purpose=first.purpose,
        dedupe_key=key,
        session=session,
        unit=owner if isinstance(owner, Unit) else None,
        user=recipient.user,
        to_email=recipient.email,
        subject=kind.subject(first, count=len(items))[:255],
        body_text=render_to_string(f"notifications/email/{template}.txt", context),
        body_html=render_to_string(f"notifications/email/{template}.html", context),
    )


@dataclass
class ReminderRun:
    """What one day's scan did: the rows it created and the notices no one could receive."""

    messages: list[OutboxMessage]
    unreached: list[Unreached]


def run_reminders(*, today: datetime.date) -> ReminderRun:
    """Create the deadline reminders and escalations due on ``today`` (notifications.deadlines).

    Side effects: inserts queued ``OutboxMessage`` rows, one per recipient, session, kind of
    deadline and stage, each listing every item still open (a unit gets one mail for all its
    questions due that day, not one per question). A unit whose officers have no address is
    written to at its directory address; notices whose audience has no address at all are
    returned as ``unreached``. Rows that exist already are not touched, so a second run for the
    same day creates nothing.
    """
    notices = due_notices(today=today)
    if not notices:
        return ReminderRun([], [])
    reaches = reach({notice.audience for notice in notices})
    grouped: dict[str, tuple] = {}
    unreached: list[Unreached] = []
    told: set[tuple] = set()
    for notice in notices:
        entry = reaches[notice.audience]
        if not entry.reached and (notice.purpose, notice.kind.name, notice.audience) not in told:
            # Once per audience and kind: two communes late on the same day are one call to staff.
            told.add((notice.purpose, notice.kind.name, notice.audience))
            unreached.append(Unreached(notice, entry))
        group = f":{notice.group}" if notice.group else ""
        for recipient in entry.recipients:
            key = f"{notice.purpose}:{notice.kind.name}:s{notice.session.pk}{group}:{notice.stage}:{recipient.key}"
            grouped.setdefault(key, (recipient, []))[1].append(notice)
    existing = set(OutboxMessage.objects.filter(dedupe_key__in=grouped).values_list("dedupe_key", flat=True))
    rows = [
        _reminder_message(key, recipient, group_notices)
        for key, (recipient, group_notices) in grouped.items()
        if key not in existing
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    new_keys = [row.dedupe_key for row in rows]
    return ReminderRun(list(OutboxMessage.objects.filter(dedupe_key__in=new_keys).order_by("id")), unreached)


def queue_reminders(*, today: datetime.date) -> list[OutboxMessage]:
    """``run_reminders`` for callers that only want the rows created."""
    return run_reminders(today=today).messages


# ---------------------------------------------------------------- who a session's reminders reach


@dataclass
class SessionReach:
    """One audience of a session's deadlines and the deadlines it hears about."""

    reach: Reach
    labels: list[str]


def session_reach(session, *, today: datetime.date) -> list[SessionReach]:
    """Everyone the session's open deadlines will remind or escalate to (from ``today`` on), each
    with how they are reached; the unreached first. A fixed number of queries per kind of deadline."""
    audiences: dict[Audience, list[str]] = {}
    for kind in KINDS.values():
        for deadline in kind.open_deadlines(today=today, horizon=datetime.date.max, session_id=session.pk):
            for purpose, stage in ((REMINDER, 1), (ESCALATION, None)):
                audience = kind.audience(DueNotice(purpose, deadline, stage))
                labels = audiences.setdefault(audience, [])
                if kind.label not in labels:
                    labels.append(kind.label)
    reaches = reach(set(audiences))
    rows = [SessionReach(reaches[audience], labels) for audience, labels in audiences.items()]
    rows.sort(key=lambda row: (row.reach.reached, row.reach.label))
    return rows


__all__ = [
    "Reach",
    "Recipient",
    "ReminderRun",
    "Unreached",
    "queue_reminders",
    "reach",
    "run_reminders",
    "session_reach",
]
