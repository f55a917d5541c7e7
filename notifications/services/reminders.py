"""Deadline reminders and escalations by e-mail: the day's due notices (notifications.deadlines)
become one outbox row per recipient, session, kind and stage."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string

from accounts.models import Role, User
from directory.models import Unit

from ..deadlines import LEADERS, OFFICERS, OFFICIALS, STAFF, due_notices
from ..models import OutboxMessage


def _recipients(audiences: set[tuple[str, int]]) -> dict[tuple[str, int], list]:
    """The active users with an email of each audience (notifications.deadlines): one query per
    kind of audience present, whatever the number of sessions, communes and units."""
    users = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    found: dict[tuple[str, int], list] = {audience: [] for audience in audiences}
    by_place = {OFFICIALS: Role.COMMUNE_OFFICIAL, STAFF: Role.DISTRICT_STAFF, LEADERS: Role.LEADER}
    for who, role in by_place.items():
        ids = {pk for kind, pk in audiences if kind == who}
        for user in users.filter(role=role, place_id__in=ids) if ids else ():
            found[(who, user.place_id)].append(user)
    units = {pk for kind, pk in audiences if kind == OFFICERS}
    for user in users.filter(role=Role.DEPARTMENT_OFFICER, unit_id__in=units) if units else ():
        found[(OFFICERS, user.unit_id)].append(user)
    return found


def _reminder_message(key: str, user, notices: list) -> OutboxMessage:
    first = notices[0]
    kind, session = first.kind, first.session
    items = [item for notice in notices for item in notice.deadline.items]
    context = {
        "user": user,
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
        user=user,
        to_email=user.email,
        subject=kind.subject(first, count=len(items))[:255],
        body_text=render_to_string(f"notifications/email/{template}.txt", context),
        body_html=render_to_string(f"notifications/email/{template}.html", context),
    )


def queue_reminders(*, today: datetime.date) -> list[OutboxMessage]:
    """Create the deadline reminders and escalations due on ``today`` (notifications.deadlines).

    Side effects: inserts queued ``OutboxMessage`` rows, one per recipient, session, kind of
    deadline and stage, each listing every item still open (a unit gets one mail for all its
    questions due that day, not one per question). Recipients without an email are skipped.
    Rows that exist already are not touched, so a second run for the same day creates nothing.
    Returns the rows created.
    """
    notices = due_notices(today=today)
    if not notices:
        return []
    recipients = _recipients({notice.audience for notice in notices})
    grouped: dict[str, tuple] = {}
    for notice in notices:
        group = f":{notice.group}" if notice.group else ""
        for user in recipients[notice.audience]:
            key = f"{notice.purpose}:{notice.kind.name}:s{notice.session.pk}{group}:{notice.stage}:u{user.pk}"
            grouped.setdefault(key, (user, []))[1].append(notice)
    existing = set(OutboxMessage.objects.filter(dedupe_key__in=grouped).values_list("dedupe_key", flat=True))
    rows = [
        _reminder_message(key, user, group_notices)
        for key, (user, group_notices) in grouped.items()
        if key not in existing
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    new_keys = [row.dedupe_key for row in rows]
    return list(OutboxMessage.objects.filter(dedupe_key__in=new_keys).order_by("id"))
