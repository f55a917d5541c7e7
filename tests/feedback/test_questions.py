"""Questions: submission, the secretary's entry, assignment and merging (feedback.services.questions)."""

import pytest

from feedback.models import Answer, Channel, Question, QuestionStatus
from feedback.services import FeedbackError
from feedback.services.questions import (
    assign_question,
    merge_duplicate,
    record_session_question,
    submit_question,
)

from .feedback_data import in_days, make_question, make_session, topic

pytestmark = pytest.mark.django_db


def test_submit_question_by_commune_official_saves_before_session_channel(world):
    session = make_session(world)
    question = submit_question(
        user=world.users["commune_official"],
        session=session,
        text="  Xin hỏi về hỗ trợ nhà ở cho hộ nghèo?  ",
        topic=topic("nha-o"),
        asker_name="Lê Văn Tám",
        asker_hamlet=world.hamlet,
    )
    question.refresh_from_db()
    assert (question.commune, question.channel, question.status, question.text) == (
        world.commune,
        Channel.BEFORE_SESSION,
        QuestionStatus.NEW,
        "Xin hỏi về hỗ trợ nhà ở cho hộ nghèo?",
    )


def test_submit_question_for_session_of_another_commune_refused(world):
    session = make_session(world)
    with pytest.raises(FeedbackError) as error:
        submit_question(
            user=world.users["other_commune_official"], session=session, text="Câu hỏi?", topic=topic()
        )
    assert error.value.message == (
        "Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên."
    )
    assert Question.objects.count() == 0


def test_submit_question_with_hamlet_of_another_commune_refused(world):
    session = make_session(world)
    with pytest.raises(FeedbackError) as error:
        submit_question(
            user=world.users["commune_official"],
            session=session,
            text="Câu hỏi?",
            topic=topic(),
            asker_hamlet=world.other_hamlet,
        )
    assert error.value.message == "«Quảng Tín» không phải thôn, ấp của xã đã chọn."


def test_record_session_question_only_by_secretary(world):
    session = make_session(world, date=in_days(0))
    question = record_session_question(
        user=world.users["secretary"],
        session=session,
        channel=Channel.SPOKEN,
        text="Hỏi về BHYT",
        topic=topic(),
    )
    assert question.channel == Channel.SPOKEN
    with pytest.raises(FeedbackError):
        record_session_question(
            user=world.users["district_staff"],
            session=session,
            channel=Channel.SPOKEN,
            text="x",
            topic=topic(),
        )


def test_record_session_question_of_a_commune_outside_the_session_refused(world):
    session = make_session(world)  # concerns only world.commune
    with pytest.raises(FeedbackError) as error:
        record_session_question(
            user=world.users["secretary"],
            session=session,
            channel=Channel.SPOKEN,
            text="Hỏi về BHYT",
            topic=topic(),
            commune=world.other_commune,
        )
    assert error.value.message == "Xã Phước An không thuộc các xã của phiên đối thoại này."
    assert not Question.objects.exists()


@pytest.mark.parametrize("role", ["leader", "secretary", "commune_official", "department_officer"])
def test_assign_question_by_anyone_but_district_staff_refused(world, role):
    question = make_question(world, make_session(world))
    with pytest.raises(FeedbackError) as error:
        assign_question(user=world.users[role], question=question, unit=world.unit, due_date=in_days(5))
    assert error.value.message == "Chỉ chuyên viên phòng mới giao hoặc giao lại câu hỏi cho đơn vị."
    question.refresh_from_db()
    assert (question.status, question.assigned_unit) == (QuestionStatus.NEW, None)


def test_assign_question_due_date_must_be_before_session(world):
    session = make_session(world, date=in_days(7))
    question = make_question(world, session)
    staff = world.users["district_staff"]
    with pytest.raises(FeedbackError) as error:
        assign_question(user=staff, question=question, unit=world.unit, due_date=in_days(7))
    assert error.value.message == f"Hạn trả lời phải trước ngày hội nghị ({in_days(7):%d/%m/%Y})."
    assign_question(user=staff, question=question, unit=world.unit, due_date=in_days(6))
    question.refresh_from_db()
    assert (question.status, question.assigned_unit, question.due_date) == (
        QuestionStatus.ASSIGNED,
        world.unit,
        in_days(6),
    )


def test_assign_question_without_session_date_needs_future_date(world):
    question = make_question(world, make_session(world))
    with pytest.raises(FeedbackError) as error:
        assign_question(
            user=world.users["district_staff"], question=question, unit=world.unit, due_date=in_days(0)
        )
    assert error.value.message == "Hạn trả lời phải sau ngày hôm nay."


def test_reassign_question_drops_previous_unit_draft(world):
    question = make_question(world, make_session(world), status=QuestionStatus.ANSWER_DRAFTED)
    Answer.objects.create(question=question, unit=world.unit, text="Dự thảo")
    assign_question(
        user=world.users["district_staff"], question=question, unit=world.other_unit, due_date=in_days(3)
    )
    question.refresh_from_db()
    assert (question.status, question.assigned_unit) == (QuestionStatus.ASSIGNED, world.other_unit)
    assert Answer.objects.filter(question=question).count() == 0


def test_merge_duplicate_closes_question_and_links_original(world):
    session = make_session(world)
    original, duplicate = make_question(world, session), make_question(world, session)
    with pytest.raises(FeedbackError):
        merge_duplicate(user=world.users["leader"], question=duplicate, original=original)
    merge_duplicate(user=world.users["district_staff"], question=duplicate, original=original)
    duplicate.refresh_from_db()
    assert (duplicate.duplicate_of, duplicate.status) == (original, QuestionStatus.CLOSED)
