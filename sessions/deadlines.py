"""The communes' deadline for a session's participant lists and questions.

It depends only on the session and its plan, so it lives here, below notifications: the
dashboard's upcoming sessions show it, and notifications.deadlines builds its reminders on it.
"""

from __future__ import annotations

import datetime

from core.workdays import deadline_before

from .models import Session

DEFAULT_QUESTION_LEAD_DAYS = 5


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
