"""Deadlines of a session and the reminders due on a given day, in Vietnamese working days.

So far one deadline is tracked: each commune's participant list and citizens' questions, due
``plan.question_lead_days`` (working) days before the session (5 working days when the plan
does not say). Reminders go to the commune's officials ``REMINDER_WORKING_DAYS`` working days
before it, and the district staff of the plan's issuer hear about every commune that missed it
from the day after. A commune "missed" it when it has a quota in the session and has sent no
participant. Sessions without a fixed date have no deadlines yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dialogue_portal.workdays import add_working_days, deadline_before
from sessions.models import Session

DEFAULT_QUESTION_LEAD_DAYS = 5
# Reminders before a deadline, in working days; each one goes out once per recipient.
REMINDER_WORKING_DAYS = (3, 1)
QUESTIONS = "questions"


def question_deadline(session: Session) -> datetime.date | None:
    """The last day for the communes' participant lists and questions; None without a fixed date."""
    if not session.has_fixed_date:
        return None
    plan = session.plan
    if plan.question_lead_days is None:
        return deadline_before(session.date, DEFAULT_QUESTION_LEAD_DAYS, working_days=True)
    return deadline_before(
        session.date, plan.question_lead_days, working_days=plan.question_lead_working_days
    )


def reminder_days(deadline: datetime.date) -> dict[int, datetime.date]:
    """{3: the day of the "3 working days left" reminder, 1: …}."""
    return {days: add_working_days(deadline, -days) for days in REMINDER_WORKING_DAYS}


@dataclass(frozen=True)
class DueNotice:
    """One notice due today for one commune of one session (recipients are found by the service)."""

    kind: str  # "reminder" or "escalation"
    session: Session
    commune_id: int
    deadline: datetime.date
    days_left: int | None  # the reminder stage (3, 1); None for an escalation

    @property
    def stage(self) -> str:
        return f"d-{self.days_left}" if self.kind == "reminder" else "missed"


def reminder_stage(deadline: datetime.date, today: datetime.date) -> int | None:
    """The reminder stage due on ``today``: the latest one whose day has come, until the deadline.

    After an outage the scan catches up with the latest stage only, not with every stage missed.
    """
    if today > deadline:
        return None
    due = [(day, days) for days, day in reminder_days(deadline).items() if day <= today]
    return max(due)[1] if due else None


def due_notices(
    sessions, *, today: datetime.date, missing_by_session: dict[int, set[int]]
) -> list[DueNotice]:
    """Notices due on ``today``.

    ``missing_by_session`` maps a session id to the communes (ids) with a quota and no
    participant yet: only they are reminded, and only they are reported when late.
    """
    notices = []
    for session in sessions:
        deadline = question_deadline(session)
        if deadline is None or today > session.date:
            continue
        missing = sorted(missing_by_session.get(session.pk, ()))
        stage = reminder_stage(deadline, today)
        if stage is not None:
            notices += [DueNotice("reminder", session, commune, deadline, stage) for commune in missing]
        elif today > deadline:
            notices += [DueNotice("escalation", session, commune, deadline, None) for commune in missing]
    return notices
