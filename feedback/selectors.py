"""Reads of questions shared by the feedback pages; each is a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import is_commune_official, is_department_officer, is_office, user_place
from directory.models import Place, Unit
from sessions.models import Session

from .models import OPEN_STATUSES, EventKind, Question, QuestionEvent, QuestionStatus


def questions_for_user(user) -> QuerySet[Question]:
    """The questions the user may see, as in feedback.rules (`feedback.view_question`)."""
    territory = user_place(user)
    if territory is None:
        return Question.objects.none()
    if is_office(user):
        return Question.objects.filter(session__plan__issuer__in=Place.objects.within(territory))
    if is_commune_official(user):
        return Question.objects.filter(commune_id=user.place_id)
    if is_department_officer(user):
        return Question.objects.filter(assigned_unit_id=user.unit_id)
    return Question.objects.none()


def question_list(user, *, session=None, topic=None, unit=None, status=None) -> QuerySet[Question]:
    questions = questions_for_user(user)
    if session:
        questions = questions.filter(session_id=session)
    if topic:
        questions = questions.filter(topic_id=topic)
    if unit:
        questions = questions.filter(assigned_unit_id=unit)
    if status:
        questions = questions.filter(status=status)
    return questions.select_related("session", "topic", "assigned_unit", "commune").order_by(
        "-created_at", "-pk"
    )


def question_for_page(pk: int) -> Question:
    """One question with what its page shows; raises Question.DoesNotExist."""
    return Question.objects.select_related(
        "session__plan__issuer",
        "commune",
        "asker_hamlet",
        "asker_category",
        "topic",
        "assigned_unit",
        "duplicate_of",
        "answer__drafted_by",
        "answer__approved_by",
        "written_reply",
    ).get(pk=pk)


def question_events(question: Question) -> list[QuestionEvent]:
    """The question's hand-backs and returned drafts, newest first, with who and which unit. One query."""
    return list(question.events.select_related("user", "unit"))


def merge_candidates(question: Question) -> QuerySet[Question]:
    """The questions of the same plan that `question` may be merged into (not duplicates themselves)."""
    return (
        Question.objects.filter(session__plan_id=question.session.plan_id, duplicate_of__isnull=True)
        .exclude(pk=question.pk)
        .order_by("pk")
    )


def answering_units(plan) -> QuerySet[Unit]:
    """The units that may answer a plan's questions: those of the issuer's territory and of the
    places above it (a provincial department for a district plan); see ``services.unit_serves``."""
    issuer = plan.issuer
    return Unit.objects.filter(
        Q(place__in=Place.objects.within(issuer)) | Q(place__path__in=issuer.ancestor_paths)
    )


def effective_due() -> Coalesce:
    """The written reply's due date once the question awaits one, else the unit's due date."""
    return Coalesce("written_reply__due_date", "due_date")


@dataclass
class UnitBacklog:
    unit: Unit | None
    open_count: int
    overdue_count: int
    oldest_due: datetime.date | None
    days_late: int


def unit_backlog(user) -> list[UnitBacklog]:
    """Open questions per unit (one row for those not yet assigned) and how late the oldest is. Two queries."""
    today = timezone.localdate()
    rows = (
        questions_for_user(user)
        .filter(status__in=OPEN_STATUSES, duplicate_of__isnull=True)
        .annotate(due=effective_due())
        .values("assigned_unit_id")
        .annotate(
            open_count=Count("pk"),
            overdue_count=Count("pk", filter=Q(due__lt=today)),
            oldest_due=Min("due"),
        )
        .order_by()
    )
    rows = list(rows)
    units = Unit.objects.in_bulk([row["assigned_unit_id"] for row in rows if row["assigned_unit_id"]])
    backlog = [
        UnitBacklog(
            unit=units.get(row["assigned_unit_id"]),
            open_count=row["open_count"],
            overdue_count=row["overdue_count"],
            oldest_due=row["oldest_due"],
            days_late=max((today - row["oldest_due"]).days, 0) if row["oldest_due"] else 0,
        )
        for row in rows
    ]
    backlog.sort(key=lambda row: (-row.days_late, -row.open_count, str(row.unit or "")))
    return backlog


# ---------------------------------------------------------------- the public page of a session
#
# Privacy: the public page is on the open internet, so it carries no personal data of the
# askers at all (Decree 13/2023/NĐ-CP): never a name, even when the asker gave one and did not
# ask to stay anonymous, and no household category ("hộ nghèo" tied to a hamlet identifies
# people). A question shows only its commune and hamlet, its topic and its text. Rows are built
# here as plain values so the template cannot reach the question's other fields.


@dataclass(frozen=True)
class PublicQuestion:
    number: int
    topic: str
    place: str
    text: str
    answer_kind: str  # "session", "approved", "written", "writing", "none"
    answer_text: str
    answered_by: str
    reply_number: str = ""
    reply_date: datetime.date | None = None
    reply_due: datetime.date | None = None


def public_session(pk: int):
    """A session whose notice or results are public, with its plan; raises Session.DoesNotExist."""
    return (
        Session.objects.select_related("plan__issuer", "host_commune")
        .filter(Q(notice_published_at__isnull=False) | Q(results_published_at__isnull=False))
        .get(pk=pk)
    )


def _public_row(number: int, question: Question) -> PublicQuestion:
    place = ", ".join(p.title_name for p in (question.asker_hamlet, question.commune) if p is not None)
    row = {
        "number": number,
        "topic": question.topic.name,
        "place": place,
        "text": question.text,
        "answer_kind": "none",
        "answer_text": "",
        "answered_by": "",
    }
    answer = getattr(question, "answer", None)
    reply = getattr(question, "written_reply", None)
    unit = question.assigned_unit.name if question.assigned_unit_id else ""
    if answer is not None and answer.given_at_session:
        row.update(answer_kind="session", answer_text=answer.session_summary, answered_by=answer.given_by)
    elif reply is not None:
        authority = reply.competent_authority or unit
        if reply.closed_at is not None:
            row.update(
                answer_kind="written",
                answered_by=authority,
                reply_number=reply.document_number,
                reply_date=reply.document_date,
            )
        else:
            row.update(answer_kind="writing", answered_by=authority, reply_due=reply.due_date)
    elif answer is not None and answer.approved_at is not None:
        # Only a leader's approved answer is public, never a unit's draft.
        row.update(answer_kind="approved", answer_text=answer.text, answered_by=unit)
    return PublicQuestion(**row)


def public_questions(session) -> list[PublicQuestion]:
    """The session's questions (duplicates merged away) with their public answers. One query."""
    questions = (
        Question.objects.filter(session=session, duplicate_of__isnull=True)
        .select_related("topic", "commune", "asker_hamlet", "assigned_unit", "answer", "written_reply")
        .order_by("topic__position", "topic_id", "pk")
    )
    return [_public_row(number, question) for number, question in enumerate(questions, start=1)]


__all__ = ["QuestionStatus", "question_for_page", "question_list", "questions_for_user", "unit_backlog"]


def unit_queue(user, *, limit: int = 8) -> list[Question]:
    """What a department officer's unit must still answer, earliest due first, each with `due`:
    the answer's due date before the session, or the written reply's after it; and with
    `returned_reason` when a leader returned the unit's draft for changes. One query."""
    waiting = (QuestionStatus.ASSIGNED, QuestionStatus.ANSWER_DRAFTED, QuestionStatus.TO_ANSWER_IN_WRITING)
    returned = QuestionEvent.objects.filter(question=OuterRef("pk"), kind=EventKind.ANSWER_RETURNED).order_by(
        "-at", "-id"
    )
    return list(
        questions_for_user(user)
        .filter(status__in=waiting, duplicate_of=None)
        .annotate(due=effective_due(), last_returned_reason=Subquery(returned.values("reason")[:1]))
        .select_related("session", "topic")
        .order_by(F("due").asc(nulls_last=True), "pk")[:limit]
    )


def answers_awaiting_approval(user, *, limit: int = 8) -> list[Question]:
    """A leader's work: drafted answers of their territory's questions, oldest question first.
    One query."""
    return list(
        questions_for_user(user)
        .filter(status=QuestionStatus.ANSWER_DRAFTED, duplicate_of=None)
        .select_related("session", "assigned_unit")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:limit]
    )


def handed_back_questions(user, *, limit: int = 8) -> list[Question]:
    """District staff's work: questions a unit handed back, not given to another unit yet, each
    with `handed_back_reason` and `handed_back_unit` (the unit's name). One query."""
    last = QuestionEvent.objects.filter(question=OuterRef("pk"), kind=EventKind.HANDED_BACK).order_by(
        "-at", "-id"
    )
    return list(
        questions_for_user(user)
        .filter(status=QuestionStatus.NEW, duplicate_of=None, events__kind=EventKind.HANDED_BACK)
        .distinct()
        .annotate(
            handed_back_reason=Subquery(last.values("reason")[:1]),
            handed_back_unit=Subquery(last.values("unit__name")[:1]),
            handed_back_at=Subquery(last.values("at")[:1]),
        )
        .select_related("session")
        .order_by("-handed_back_at", "-pk")[:limit]
    )
