"""Answers: drafts and approval, outcomes at the session, written replies (feedback.services.answers)."""

import pytest

from feedback.models import Answer, QuestionStatus, WrittenReply
from feedback.services import FeedbackError
from feedback.services.answers import (
    approve_answer,
    draft_answer,
    mark_answered_at_session,
    mark_to_answer_in_writing,
    record_written_reply,
)

from .feedback_data import in_days, make_question, make_session

pytestmark = pytest.mark.django_db


def test_draft_answer_by_another_unit_refused(world):
    question = make_question(
        world, make_session(world), status=QuestionStatus.ASSIGNED, unit=world.other_unit
    )
    with pytest.raises(FeedbackError) as error:
        draft_answer(user=world.users["department_officer"], question=question, text="Trả lời")
    assert error.value.message == "Câu hỏi này không được giao cho đơn vị của bạn; không thể trả lời."
    assert Answer.objects.count() == 0


def test_answer_flow_draft_approve_then_answered_at_session(world):
    # Dated today: what happens at the session is recorded on its day.
    question = make_question(world, make_session(world, date=in_days(0)), status=QuestionStatus.ASSIGNED)
    draft_answer(user=world.users["department_officer"], question=question, text="Được vay tối đa 100 triệu.")
    with pytest.raises(FeedbackError):
        approve_answer(user=world.users["district_staff"], question=question)
    answer = approve_answer(user=world.users["leader"], question=question)
    assert answer.approved_by == world.users["leader"]
    mark_answered_at_session(
        user=world.users["secretary"],
        question=question,
        summary="Đã giải đáp.",
        given_by="Trưởng phòng LĐTBXH",
    )
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED_AT_SESSION
    assert (answer.given_at_session, answer.given_by, answer.text) == (
        True,
        "Trưởng phòng LĐTBXH",
        "Được vay tối đa 100 triệu.",
    )


def test_mark_to_answer_in_writing_beyond_district_needs_authority(world):
    question = make_question(world, make_session(world, date=in_days(0)))
    secretary = world.users["secretary"]
    with pytest.raises(FeedbackError) as error:
        mark_to_answer_in_writing(
            user=secretary, question=question, due_date=in_days(15), beyond_district=True
        )
    assert error.value.message == "Câu hỏi vượt thẩm quyền cấp huyện: hãy ghi cơ quan có thẩm quyền trả lời."
    with pytest.raises(FeedbackError) as error:
        mark_to_answer_in_writing(user=secretary, question=question, due_date=None)
    assert error.value.message == "Hãy ghi hạn trả lời bằng văn bản."
    reply = mark_to_answer_in_writing(
        user=secretary,
        question=question,
        due_date=in_days(15),
        beyond_district=True,
        competent_authority="Sở Tài nguyên và Môi trường",
    )
    assert reply.competent_authority == "Sở Tài nguyên và Môi trường"


def test_record_written_reply_closes_question(world):
    question = make_question(world, make_session(world), status=QuestionStatus.TO_ANSWER_IN_WRITING)
    WrittenReply.objects.create(question=question, due_date=in_days(10))
    record_written_reply(
        user=world.users["department_officer"],
        question=question,
        document_number="125/LĐTBXH",
        document_date=in_days(0),
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    assert question.written_reply.closed_at is not None
