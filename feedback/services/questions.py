"""Questions: a commune's submission before the session, the secretary's entry at the session,
assignment to a unit (and a unit handing back a question that is not theirs) and merging
duplicates."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.roles import is_district_staff, is_secretary
from directory.models import Place, PlaceLevel, Unit
from sessions.models import ParticipantCategory, Session
from sessions.rules import session_in_territory
from sessions.selectors import session_communes
from sessions.session_day import SessionDayError, check_at_session_open

from ..models import Answer, Channel, EventKind, Question, QuestionEvent, QuestionStatus, Topic
from ..rules import (
    can_hand_back_question,
    can_submit_question,
    question_in_territory,
    question_is_assignable,
    question_is_open,
)
from . import FeedbackError

if TYPE_CHECKING:
    from accounts.models import User


def _hamlet_of(commune: Place | None, hamlet: Place | None) -> Place | None:
    if hamlet is None:
        return None
    if commune is not None and hamlet.pk == commune.pk and hamlet.level == PlaceLevel.HAMLET:
        return hamlet  # a hamlet contact's question (a commune's own plan)
    if commune is None or hamlet.parent_id != commune.pk or hamlet.level != PlaceLevel.HAMLET:
        raise FeedbackError(f"«{hamlet.name}» không phải thôn, ấp của xã đã chọn.")
    return hamlet


def locked(question: Question) -> Question:
    """Re-read the question under a row lock so that two people cannot change it at once."""
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("session__plan__issuer")
        .get(pk=question.pk)
    )


def check_at_session(session: Session) -> None:
    """What happened at the session is recorded on its day, or once it is recorded as held."""
    try:
        check_at_session_open(session)
    except SessionDayError as exc:
        raise FeedbackError(str(exc)) from exc


def submit_question(
    *,
    user: User,
    session: Session,
    text: str,
    topic: Topic,
    asker_name: str = "",
    asker_hamlet: Place | None = None,
    asker_category: ParticipantCategory | None = None,
    anonymous: bool = False,
) -> Question:
    """A commune official sends a question of their commune before the session. Creates a Question."""
    if not can_submit_question(user, session):
        raise FeedbackError("Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên.")
    text = (text or "").strip()
    if not text:
        raise FeedbackError("Hãy nhập nội dung câu hỏi.")
    commune = user.place
    with transaction.atomic():
        return Question.objects.create(
            session=session,
            commune=commune,
            text=text,
            asker_name="" if anonymous else asker_name.strip(),
            asker_hamlet=_hamlet_of(commune, asker_hamlet),
            asker_category=asker_category,
            anonymous=anonymous,
            channel=Channel.BEFORE_SESSION,
            topic=topic,
            created_by=user,
        )


def record_session_question(
    *,
    user: User,
    session: Session,
    channel: str,
    text: str,
    topic: Topic,
    commune: Place | None = None,
    asker_name: str = "",
    asker_hamlet: Place | None = None,
    anonymous: bool = False,
) -> Question:
    """The session's secretary enters a question spoken or written at the session. Creates a Question."""
    if not (is_secretary(user) and session_in_territory(user, session)):
        raise FeedbackError("Chỉ thư ký hội nghị mới nhập câu hỏi tại hội nghị.")
    if channel not in (Channel.SPOKEN, Channel.WRITTEN):
        raise FeedbackError("Câu hỏi tại hội nghị là câu hỏi phát biểu hoặc viết tại hội nghị.")
    text = (text or "").strip()
    if not text:
        raise FeedbackError("Hãy nhập nội dung câu hỏi.")
    if commune is not None and not session_communes(session).filter(pk=commune.pk).exists():
        raise FeedbackError(f"{commune.title_name} không thuộc các xã của phiên đối thoại này.")
    check_at_session(session)
    with transaction.atomic():
        return Question.objects.create(
            session=session,
            commune=commune,
            text=text,
            asker_name="" if anonymous else asker_name.strip(),
            asker_hamlet=_hamlet_of(commune, asker_hamlet),
            anonymous=anonymous,
            channel=channel,
            topic=topic,
            created_by=user,
        )


def check_unit_serves(unit: Unit, question: Question) -> None:
    """A question goes to a unit of the plan issuer's territory, or of a place above it (the
    province's department for a district plan): selectors.answering_units lists the same."""
    issuer = question.session.plan.issuer
    if not (unit.place.is_within(issuer) or issuer.is_within(unit.place)):
        raise FeedbackError(f"«{unit}» không thuộc địa bàn của kế hoạch.")


def assign_question(*, user: User, question: Question, unit: Unit, due_date: datetime.date) -> Question:
    """District staff give the question to a unit with a due date (or give it to another unit).

    The due date is not in the past, and falls before the session when the session has a date,
    else after today.
    Reassigning to another unit drops the previous unit's draft answer."""
    if not is_district_staff(user):
        raise FeedbackError("Chỉ chuyên viên phòng mới giao hoặc giao lại câu hỏi cho đơn vị.")
    with transaction.atomic():
        question = locked(question)
        if not question_in_territory(user, question):
            raise FeedbackError("Câu hỏi này không thuộc địa bàn của bạn.")
        if not question_is_assignable(user, question):
            raise FeedbackError(
                f"Câu hỏi đang ở trạng thái «{question.get_status_display()}», không giao lại được."
            )
        check_unit_serves(unit, question)
        session = question.session
        today = timezone.localdate()
        if due_date < today:
            raise FeedbackError(
                f"Hạn trả lời {due_date:%d/%m/%Y} đã qua; hãy chọn từ hôm nay ({today:%d/%m/%Y}) trở đi."
            )
        if session.has_fixed_date:
            if due_date >= session.date:
                raise FeedbackError(f"Hạn trả lời phải trước ngày hội nghị ({session.date:%d/%m/%Y}).")
        elif due_date <= today:
            raise FeedbackError("Hạn trả lời phải sau ngày hôm nay.")
        if question.assigned_unit_id and question.assigned_unit_id != unit.pk:
            Answer.objects.filter(question=question).delete()
            question.status = QuestionStatus.ASSIGNED
        elif question.status == QuestionStatus.NEW:
            question.status = QuestionStatus.ASSIGNED
        question.assigned_unit = unit
        question.due_date = due_date
        question.save(update_fields=["assigned_unit", "due_date", "status"])
        return question


def hand_back_question(*, user: User, question: Question, reason: str) -> QuestionEvent:
    """An officer of the assigned unit hands back a question that is not the unit's to answer.

    Side effects: the question returns to district staff unassigned (status «Mới», no unit, no
    due date; the unit's draft, if any, is dropped) and a QuestionEvent keeps who handed it back,
    for which unit and why. District staff find it on their home page and give it to the right
    unit. Returns the event."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise FeedbackError("Hãy ghi lý do trả lại câu hỏi (ví dụ: thuộc thẩm quyền của đơn vị nào).")
    with transaction.atomic():
        question = locked(question)
        if not can_hand_back_question(user, question):
            if question.assigned_unit_id != getattr(user, "unit_id", None):
                raise FeedbackError("Câu hỏi này không được giao cho đơn vị của bạn.")
            raise FeedbackError(
                f"Câu hỏi đang ở trạng thái «{question.get_status_display()}», không trả lại được nữa."
            )
        event = QuestionEvent.objects.create(
            question=question,
            kind=EventKind.HANDED_BACK,
            unit_id=question.assigned_unit_id,
            reason=reason,
            user=user,
        )
        Answer.objects.filter(question=question).delete()
        question.status = QuestionStatus.NEW
        question.assigned_unit = None
        question.due_date = None
        question.save(update_fields=["status", "assigned_unit", "due_date"])
        return event


def merge_duplicate(*, user: User, question: Question, original: Question) -> Question:
    """District staff mark `question` as a duplicate of `original` in the same plan; it is closed
    and its own duplicates now point at `original`."""
    if not is_district_staff(user):
        raise FeedbackError("Chỉ chuyên viên phòng mới gộp câu hỏi trùng.")
    if question.pk == original.pk:
        raise FeedbackError("Không thể gộp câu hỏi với chính nó.")
    with transaction.atomic():
        # Both rows locked in one statement, in id order: two merges of the same pair made at
        # once in opposite directions wait for each other instead of deadlocking.
        locked = {
            q.pk: q
            for q in Question.objects.select_for_update(of=("self",))
            .select_related("session__plan__issuer")
            .filter(pk__in=[question.pk, original.pk])
            .order_by("pk")
        }
        question, original = locked[question.pk], locked[original.pk]
        if not (question_in_territory(user, question) and question_in_territory(user, original)):
            raise FeedbackError("Câu hỏi này không thuộc địa bàn của bạn.")
        if not question_is_open(user, question):
            raise FeedbackError("Câu hỏi đã được trả lời hoặc đã gộp, không gộp được nữa.")
        if original.duplicate_of_id is not None:
            raise FeedbackError(f"Câu hỏi số {original.pk} cũng là câu hỏi trùng; hãy gộp vào câu hỏi gốc.")
        if original.session.plan_id != question.session.plan_id:
            raise FeedbackError("Chỉ gộp được các câu hỏi trong cùng một kế hoạch.")
        Question.objects.filter(duplicate_of=question).update(duplicate_of=original)
        question.duplicate_of = original
        question.status = QuestionStatus.CLOSED
        question.save(update_fields=["duplicate_of", "status"])
        return question
