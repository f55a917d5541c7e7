"""Deadlines of dialogue sessions and the reminders due on a given day, in Vietnamese working days.

Kinds of deadline, each with its due-date rule, the people reminded before it, what counts as
done, and who hears about it when it is missed (the escalation). This app defines the kinds about
the sessions themselves; an app above it adds its own with ``register`` in its AppConfig.ready()
(feedback: the answers before the session and the written replies after it,
feedback/deadlines.py):

============  =================================  =====================  ==================  ==============
kind          due                                reminded               done when           escalated to
============  =================================  =====================  ==================  ==============
questions     ``plan.question_lead_days``        the commune's          the commune has     district staff
              (working) days before the session  officials              sent a participant  of the issuer
              (5 working days when not said)
notice        7 calendar days before the         district staff         the notice is       leaders of the
              session (Law on Local Gov. 2025,                          published           issuer
              Art. 43)
results       10 calendar days after the         district staff         the results are     leaders of the
              session (same article)                                    published           issuer
============  =================================  =====================  ==================  ==============

Reminders go out ``settings.DEADLINE_REMINDER_WORKING_DAYS`` working days before the due day
(3 and 1 by default), an escalation once from the day after it. Before-session deadlines stop at
the session (a list or an answer is no use after it); after-session ones are escalated for the
first time at most ``ESCALATION_CATCH_UP_DAYS`` days late, so a scan that resumes after an outage,
or a first run over old data, does not mail about matters long settled elsewhere. Each reminder
and escalation goes to each recipient once (notifications.services.reminders builds one message
per recipient, session, kind and stage that lists every item still open).

Sessions without a fixed date have no deadlines.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from core.workdays import add_working_days
from directory.models import Place, PlaceLevel
from plans.models import PUBLISHED_STATUSES
from sessions.deadlines import question_deadline
from sessions.models import RESULTS_DAYS_AFTER, Participant, Quota, Session, TimeKind

# Reminders before a deadline, in working days; settings.DEADLINE_REMINDER_WORKING_DAYS overrides.
REMINDER_WORKING_DAYS = (3, 1)
# After-session deadlines are escalated for the first time at most this many days after the due day.
ESCALATION_CATCH_UP_DAYS = 30

REMINDER = "reminder"
ESCALATION = "escalation"

QUESTIONS = "questions"
NOTICE = "notice"
RESULTS = "results"

# Who is told: the commune's officials, a unit's officers, the issuer's district staff or leaders.
OFFICIALS = "officials"
OFFICERS = "officers"
STAFF = "staff"
LEADERS = "leaders"


def reminder_working_days() -> tuple[int, ...]:
    """The reminder stages, largest first: (3, 1) unless the settings say otherwise."""
    days = getattr(settings, "DEADLINE_REMINDER_WORKING_DAYS", REMINDER_WORKING_DAYS)
    return tuple(sorted({int(day) for day in days if int(day) > 0}, reverse=True))


def reminder_days(deadline: datetime.date) -> dict[int, datetime.date]:
    """{3: the day of the "3 working days left" reminder, 1: …}."""
    return {days: add_working_days(deadline, -days) for days in reminder_working_days()}


def reminder_stage(deadline: datetime.date, today: datetime.date) -> int | None:
    """The reminder stage due on ``today``: the latest one whose day has come, until the deadline.

    After an outage the scan catches up with the latest stage only, not with every stage missed.
    """
    if today > deadline:
        return None
    due = [(day, days) for days, day in reminder_days(deadline).items() if day <= today]
    return max(due)[1] if due else None


@dataclass(frozen=True)
class Item:
    """One thing still open under a deadline, as a reminder lists it."""

    label: str
    detail: str = ""


@dataclass(frozen=True)
class Deadline:
    """One open deadline: a kind, a session, the due day, whose it is and what is still open.

    ``owner`` is the commune (questions) or the unit (answers, written replies) that must act;
    None when the issuer's district staff must (notice, results, a reply without a unit)."""

    kind: DeadlineKind
    session: Session
    due: datetime.date
    owner: object | None = None
    items: tuple[Item, ...] = field(default=())


@dataclass(frozen=True)
class DueNotice:
    """A reminder or an escalation due today about one deadline (recipients: ``audience``)."""

    purpose: str  # REMINDER or ESCALATION
    deadline: Deadline
    days_left: int | None  # the reminder stage (3, 1); None for an escalation

    @property
    def kind(self) -> DeadlineKind:
        return self.deadline.kind

    @property
    def session(self) -> Session:
        return self.deadline.session

    @property
    def due(self) -> datetime.date:
        return self.deadline.due

    @property
    def stage(self) -> str:
        return f"d-{self.days_left}" if self.purpose == REMINDER else "missed"

    @property
    def audience(self) -> tuple[str, int]:
        """(who, id): the commune's officials, a unit's officers, or the issuer's staff or leaders."""
        return self.kind.audience(self)

    @property
    def group(self) -> str:
        """The part of the dedupe key that tells this notice's message from the session's others."""
        return self.kind.group(self)


def issuer_id(deadline: Deadline) -> int:
    return deadline.session.plan.issuer_id


def shorten(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class DeadlineKind:
    """A kind of deadline. Subclasses give the due-date rule and what is open (``open_deadlines``)."""

    name: str = ""
    label: str = ""  # what is due, in Vietnamese: "Công khai kết quả hội nghị"
    # Where the kind comes in a day's scan (and so in the outbox): in the order the work is due
    # around a session, whichever app registered it.
    position: int = 0
    after_session = False
    escalated_to = STAFF

    def open_deadlines(
        self, *, today: datetime.date, horizon: datetime.date, session_id: int | None = None
    ) -> list[Deadline]:
        """Open deadlines of dated sessions whose reminders or escalation may fall on ``today``
        (due on or before ``horizon``, the furthest due day a reminder of today can be about);
        of one session only with ``session_id`` (a session's page asks who its reminders reach)."""
        raise NotImplementedError

    def escalate_until(self, deadline: Deadline) -> datetime.date:
        if self.after_session:
            return deadline.due + datetime.timedelta(days=ESCALATION_CATCH_UP_DAYS)
        return deadline.session.date

    def notices(self, deadline: Deadline, *, today: datetime.date) -> list[DueNotice]:
        stage = reminder_stage(deadline.due, today)
        if stage is not None and (not self.after_session or today >= deadline.session.date):
            return [DueNotice(REMINDER, deadline, stage)]
        if deadline.due < today <= self.escalate_until(deadline):
            return [DueNotice(ESCALATION, deadline, None)]
        return []

    def audience(self, notice: DueNotice) -> tuple[str, int]:
        if notice.purpose == ESCALATION:
            return (self.escalated_to, issuer_id(notice.deadline))
        return (STAFF, issuer_id(notice.deadline))

    def group(self, notice: DueNotice) -> str:
        return ""

    # What the message says: subjects take {count} (open items), {due} and {session}.
    reminder_subject = ""
    escalation_subject = ""
    reminder_action = ""
    escalation_action = ""

    def subject(self, notice: DueNotice, *, count: int) -> str:
        pattern = self.reminder_subject if notice.purpose == REMINDER else self.escalation_subject
        return pattern.format(
            count=count, due=f"{notice.due:%d/%m/%Y}", session=shorten(str(notice.session), 80)
        )

    def action(self, notice: DueNotice) -> str:
        return self.reminder_action if notice.purpose == REMINDER else self.escalation_action

    def template(self, notice: DueNotice) -> str:
        """The e-mail templates' name under notifications/email/ (.txt and .html)."""
        return "deadline"


def _dated_sessions(session_id: int | None = None):
    sessions = Session.objects.filter(time_kind=TimeKind.EXACT, date__isnull=False)
    return sessions if session_id is None else sessions.filter(pk=session_id)


def _published_sessions(session_id: int | None = None):
    """Dated sessions of approved or issued plans: only these can be announced and reported."""
    return _dated_sessions(session_id).filter(plan__status__in=PUBLISHED_STATUSES)


class CommuneListsKind(DeadlineKind):
    name = QUESTIONS
    label = "Danh sách người tham dự và câu hỏi của người dân"
    position = 10

    def open_deadlines(self, *, today, horizon, session_id=None):
        sessions = list(
            _dated_sessions(session_id).filter(date__gte=today).select_related("plan", "plan__issuer")
        )
        missing = _missing_communes(sessions)
        communes = _places({commune for communes in missing.values() for commune in communes})
        deadlines = []
        for session in sessions:
            due = question_deadline(session)
            if due > horizon:
                continue
            deadlines += [
                Deadline(self, session, due, communes[commune], (Item(communes[commune].title_name),))
                for commune in sorted(missing.get(session.pk, ()))
            ]
        return deadlines

    def audience(self, notice):
        if notice.purpose == REMINDER:
            return (OFFICIALS, notice.deadline.owner.pk)
        return (STAFF, issuer_id(notice.deadline))

    def group(self, notice):
        return f"c{notice.deadline.owner.code}"

    def subject(self, notice, *, count):
        commune, due = notice.deadline.owner, f"{notice.due:%d/%m/%Y}"
        if notice.purpose == REMINDER:
            return f"Nhắc hạn: {commune.title_name} gửi danh sách người tham dự và câu hỏi trước ngày {due}"
        return f"Quá hạn: {commune.title_name} chưa gửi danh sách người tham dự ({due})"

    def template(self, notice):
        # The commune lists keep their own wording (notifications/email/reminder.txt, escalation.txt).
        return notice.purpose


def _places(ids) -> dict:
    return Place.objects.in_bulk(ids)


def _missing_communes(sessions: list[Session]) -> dict[int, set[int]]:
    """Per session, the communes with a quota that have sent no participant yet."""
    quota_communes: dict[int, set[int]] = {}
    for session_id, place_id, level, parent_id, issuer_id in Quota.objects.filter(
        session__in=sessions
    ).values_list("session_id", "place_id", "place__level", "place__parent_id", "session__plan__issuer_id"):
        # A hamlet's quota belongs to its commune's list, except in its commune's own plan, where
        # the hamlet sends its own list (sessions.selectors.list_level).
        commune = parent_id if level == PlaceLevel.HAMLET and parent_id != issuer_id else place_id
        quota_communes.setdefault(session_id, set()).add(commune)
    sent = set(
        Participant.objects.filter(session__in=sessions).values_list("session_id", "commune_id").distinct()
    )
    return {
        session_id: {commune for commune in communes if (session_id, commune) not in sent}
        for session_id, communes in quota_communes.items()
    }


class NoticeKind(DeadlineKind):
    name = NOTICE
    label = "Thông báo công khai hội nghị đối thoại (chậm nhất 7 ngày trước hội nghị)"
    position = 40
    escalated_to = LEADERS
    reminder_subject = "Nhắc hạn: thông báo công khai hội nghị đối thoại trước ngày {due} – {session}"
    escalation_subject = "Quá hạn: chưa thông báo công khai hội nghị đối thoại (hạn {due}) – {session}"
    reminder_action = (
        "Đề nghị đồng chí thông báo công khai thời gian, địa điểm và nội dung đối thoại trên trang của phiên."
    )
    escalation_action = "Đề nghị đồng chí chỉ đạo thông báo công khai hội nghị ngay."

    def open_deadlines(self, *, today, horizon, session_id=None):
        sessions = _published_sessions(session_id).filter(date__gte=today, notice_published_at__isnull=True)
        return [
            Deadline(self, session, session.notice_due)
            for session in sessions.select_related("plan__issuer").order_by("date", "pk")
            if session.notice_due <= horizon
        ]


class ResultsKind(DeadlineKind):
    name = RESULTS
    label = "Công khai kết quả hội nghị đối thoại (trong 10 ngày sau hội nghị)"
    position = 50
    escalated_to = LEADERS
    after_session = True
    reminder_subject = "Nhắc hạn: công khai kết quả hội nghị đối thoại trước ngày {due} – {session}"
    escalation_subject = "Quá hạn: chưa công khai kết quả hội nghị đối thoại (hạn {due}) – {session}"
    reminder_action = "Đề nghị đồng chí công khai các câu hỏi và trả lời trên trang của phiên trước hạn."
    escalation_action = "Đề nghị đồng chí chỉ đạo công khai kết quả hội nghị ngay."

    def open_deadlines(self, *, today, horizon, session_id=None):
        after = datetime.timedelta(days=RESULTS_DAYS_AFTER)
        sessions = _published_sessions(session_id).filter(
            results_published_at__isnull=True,
            date__lte=horizon - after,
            date__gte=today - after - datetime.timedelta(days=ESCALATION_CATCH_UP_DAYS),
        )
        return [
            Deadline(self, session, session.results_due)
            for session in sessions.select_related("plan__issuer").order_by("date", "pk")
        ]


# Every kind by name, in scan order: this app's own, and those registered from above.
KINDS: dict[str, DeadlineKind] = {}


def register(kind: DeadlineKind) -> DeadlineKind:
    """Add a kind of deadline to the daily scan (called from an AppConfig.ready()); registering
    a kind of the same name again replaces it."""
    KINDS[kind.name] = kind
    ordered = sorted(KINDS.values(), key=lambda known: known.position)
    KINDS.clear()
    KINDS.update((known.name, known) for known in ordered)
    return kind


register(CommuneListsKind())
register(NoticeKind())
register(ResultsKind())


def due_notices(*, today: datetime.date, kinds=None) -> list[DueNotice]:
    """Every reminder and escalation due on ``today``, kind by kind (a fixed number of queries)."""
    stages = reminder_working_days()
    horizon = add_working_days(today, max(stages)) if stages else today
    notices = []
    for name in kinds or KINDS:
        kind = KINDS[name]
        for deadline in kind.open_deadlines(today=today, horizon=horizon):
            notices += kind.notices(deadline, today=today)
    return notices
