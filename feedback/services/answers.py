"""Answers to a question: the unit's draft and the leader's approval (or return for changes),
the outcome recorded at the session, and the written reply that closes it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.roles import is_leader
from directory.models import Unit

from ..models import Answer, EventKind, Question, QuestionEvent, QuestionStatus, WrittenReply
from ..rules import can_approve_answer, can_draft_answer, can_mark_question, can_record_written_reply
from . import FeedbackError
from .questions import check_at_session, check_unit_serves, locked

if TYPE_CHECKING:
    from accounts.models import User


def answer_token(answer: Answer | None) -> str:
    """The version of an answer a form was rendered with: its last change, "0" for none yet."""
    return answer.updated_at.isoformat() if answer is not None else "0"


class StaleAnswerError(FeedbackError):
    """The answer was changed by someone else since the form was rendered; `answer` is theirs."""

    def __init__(self, message: str, answer: Answer | None):
        super().__init__(message)
        self.answer = answer


def _stale_message(answer: Answer | None) -> str:
    if answer is None:
        who, at = "người khác", ""
    else:
        drafter = answer.drafted_by
        who = (drafter.get_full_name() or drafter.get_username()) if drafter else "người khác"
        at = f" lúc {timezone.localtime(answer.updated_at):%H:%M}"
    return (
        f"Trả lời vừa được {who} sửa{at}; thay đổi của bạn chưa được lưu. Nội dung bạn nhập vẫn giữ "
        "bên dưới, cùng nội dung mới của người kia — hãy nhập lại cho khớp rồi bấm Lưu."
    )


def draft_answer(*, user: User, question: Question, text: str, expected_token: str = "") -> Answer:
    """An officer of the assigned unit writes (or rewrites) the answer; the question awaits approval.

    `expected_token` (answer_token of the answer the form showed; "" for no check): if the answer
    changed since, the draft is refused with StaleAnswerError, unless it is the same text by the
    same person (the same form sent twice), which is taken as already saved.
    """
    with transaction.atomic():
        question = locked(question)
        current = Answer.objects.select_related("drafted_by").filter(question=question).first()
        if expected_token and expected_token != answer_token(current):
            if (
                current is not None
                and current.drafted_by_id == user.pk
                and current.text == (text or "").strip()
            ):
                return current
            raise StaleAnswerError(_stale_message(current), current)
        if not can_draft_answer(user, question):
            if question.assigned_unit_id != getattr(user, "unit_id", None):
                raise FeedbackError("Câu hỏi này không được giao cho đơn vị của bạn; không thể trả lời.")
            raise FeedbackError(
                f"Câu hỏi đang ở trạng thái «{question.get_status_display()}», không sửa trả lời được."
            )
        text = (text or "").strip()
        if not text:
            raise FeedbackError("Hãy nhập nội dung trả lời.")
        answer, _ = Answer.objects.update_or_create(
            question=question,
            defaults={
                "unit_id": question.assigned_unit_id,
                "text": text,
                "drafted_by": user,
                "approved_by": None,
                "approved_at": None,
            },
        )
        question.status = QuestionStatus.ANSWER_DRAFTED
        question.save(update_fields=["status"])
        return answer


def approve_answer(*, user: User, question: Question) -> Answer:
    """A leader approves the unit's drafted answer."""
    if not is_leader(user):
        raise FeedbackError("Chỉ lãnh đạo mới duyệt trả lời.")
    with transaction.atomic():
        question = locked(question)
        if not can_approve_answer(user, question):
            raise FeedbackError("Câu hỏi chưa có dự thảo trả lời chờ duyệt.")
        answer = Answer.objects.select_for_update().get(question=question)
        answer.approved_by = user
        answer.approved_at = timezone.now()
        answer.save(update_fields=["approved_by", "approved_at", "updated_at"])
        question.status = QuestionStatus.ANSWER_APPROVED
        question.save(update_fields=["status"])
        return answer


def return_answer(*, user: User, question: Question, reason: str) -> QuestionEvent:
    """A leader returns the unit's drafted answer for changes instead of approving it.

    Side effects: the question goes back to the unit (status «Đã giao đơn vị»; the draft is kept
    for the unit to rework) and a QuestionEvent keeps who returned it and why; the unit reads the
    reason on the question's page. Returns the event."""
    if not is_leader(user):
        raise FeedbackError("Chỉ lãnh đạo mới trả lại dự thảo trả lời.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise FeedbackError("Hãy ghi nội dung cần sửa để đơn vị biết.")
    with transaction.atomic():
        question = locked(question)
        if not can_approve_answer(user, question):
            raise FeedbackError("Câu hỏi chưa có dự thảo trả lời chờ duyệt.")
        event = QuestionEvent.objects.create(
            question=question,
            kind=EventKind.ANSWER_RETURNED,
            unit_id=question.assigned_unit_id,
            reason=reason,
            user=user,
        )
        question.status = QuestionStatus.ASSIGNED
        question.save(update_fields=["status"])
        return event


def mark_answered_at_session(*, user: User, question: Question, summary: str, given_by: str) -> Answer:
    """The secretary records that the question was answered at the session: a summary and who answered."""
    summary, given_by = (summary or "").strip(), (given_by or "").strip()
    if not summary:
        raise FeedbackError("Hãy ghi tóm tắt nội dung trả lời tại hội nghị.")
    if not given_by:
        raise FeedbackError("Hãy ghi người trả lời tại hội nghị.")
    with transaction.atomic():
        question = locked(question)
        if not can_mark_question(user, question):
            raise FeedbackError("Chỉ thư ký hội nghị ghi nhận kết quả trả lời các câu hỏi chưa trả lời.")
        check_at_session(question.session)
        answer, _ = Answer.objects.get_or_create(
            question=question, defaults={"unit_id": question.assigned_unit_id}
        )
        answer.given_at_session = True
        answer.session_summary = summary
        answer.given_by = given_by
        answer.save(update_fields=["given_at_session", "session_summary", "given_by", "updated_at"])
        question.status = QuestionStatus.ANSWERED_AT_SESSION
        question.save(update_fields=["status"])
        return answer


def mark_to_answer_in_writing(
    *,
    user: User,
    question: Question,
    due_date: datetime.date | None,
    beyond_district: bool = False,
    competent_authority: str = "",
    unit: Unit | None = None,
) -> WrittenReply:
    """The secretary sends the question to a written reply with a due date, naming the unit the
    chair gives it to (kept when not given); beyond the district's powers, the competent
    authority must be named. Creates the WrittenReply."""
    competent_authority = (competent_authority or "").strip()
    if due_date is None:
        raise FeedbackError("Hãy ghi hạn trả lời bằng văn bản.")
    if due_date < timezone.localdate():
        raise FeedbackError("Hạn trả lời bằng văn bản không được trước ngày hôm nay.")
    if beyond_district and not competent_authority:
        level = question.session.plan.issuer.get_level_display().lower()  # "cấp huyện", "cấp xã"
        raise FeedbackError(f"Câu hỏi vượt thẩm quyền {level}: hãy ghi cơ quan có thẩm quyền trả lời.")
    with transaction.atomic():
        question = locked(question)
        if not can_mark_question(user, question):
            raise FeedbackError("Chỉ thư ký hội nghị ghi nhận kết quả trả lời các câu hỏi chưa trả lời.")
        check_at_session(question.session)
        if unit is not None:
            check_unit_serves(unit, question)
            question.assigned_unit = unit
        reply, _ = WrittenReply.objects.update_or_create(
            question=question,
            defaults={
                "due_date": due_date,
                "beyond_district": beyond_district,
                "competent_authority": competent_authority,
            },
        )
        question.status = QuestionStatus.TO_ANSWER_IN_WRITING
        question.save(update_fields=["status", "assigned_unit"])
        return reply


def record_written_reply(
    *,
    user: User,
    question: Question,
    document_number: str,
    document_date: datetime.date | None,
    file: UploadedFile | None = None,
) -> WrittenReply:
    """District staff or the assigned unit record the reply document; the question is closed."""
    document_number = (document_number or "").strip()
    if not document_number:
        raise FeedbackError("Hãy ghi số văn bản trả lời.")
    if document_date is None:
        raise FeedbackError("Hãy ghi ngày văn bản trả lời.")
    if document_date > timezone.localdate():
        raise FeedbackError("Ngày văn bản trả lời không được sau ngày hôm nay.")
    with transaction.atomic():
        question = locked(question)
        if not can_record_written_reply(user, question):
            raise FeedbackError(
                "Câu hỏi không chờ trả lời bằng văn bản, hoặc bạn không được ghi nhận trả lời."
            )
        reply = WrittenReply.objects.select_for_update().get(question=question)
        reply.document_number = document_number
        reply.document_date = document_date
        if file is not None:
            reply.file = file
        reply.closed_at = timezone.now()
        reply.save()
        question.status = QuestionStatus.CLOSED
        question.save(update_fields=["status"])
        return reply
