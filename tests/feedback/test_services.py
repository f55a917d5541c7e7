import pytest

from feedback.models import Answer, Channel, Question, QuestionStatus, WrittenReply
from feedback.selectors import questions_for_user, unit_backlog
from feedback.services import FeedbackError
from feedback.services.answers import (
    approve_answer,
    draft_answer,
    mark_answered_at_session,
    mark_to_answer_in_writing,
    record_written_reply,
)
from feedback.services.questions import (
    assign_question,
    merge_duplicate,
    record_session_question,
    submit_question,
)

from ..factories import UserFactory
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
    session = make_session(world)
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


def test_draft_answer_by_another_unit_refused(world):
    question = make_question(
        world, make_session(world), status=QuestionStatus.ASSIGNED, unit=world.other_unit
    )
    with pytest.raises(FeedbackError) as error:
        draft_answer(user=world.users["department_officer"], question=question, text="Trả lời")
    assert error.value.message == "Câu hỏi này không được giao cho đơn vị của bạn; không thể trả lời."
    assert Answer.objects.count() == 0


def test_answer_flow_draft_approve_then_answered_at_session(world):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
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
    question = make_question(world, make_session(world))
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


def test_merge_duplicate_closes_question_and_links_original(world):
    session = make_session(world)
    original, duplicate = make_question(world, session), make_question(world, session)
    with pytest.raises(FeedbackError):
        merge_duplicate(user=world.users["leader"], question=duplicate, original=original)
    merge_duplicate(user=world.users["district_staff"], question=duplicate, original=original)
    duplicate.refresh_from_db()
    assert (duplicate.duplicate_of, duplicate.status) == (original, QuestionStatus.CLOSED)


def test_unit_sees_only_its_queue_and_commune_only_its_own(world):
    session = make_session(world, communes=[world.commune, world.other_commune])
    mine = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.unit)
    other_unit = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.other_unit)
    other_commune = make_question(world, session, commune=world.other_commune)
    assert list(questions_for_user(world.users["department_officer"])) == [mine]
    assert set(questions_for_user(world.users["commune_official"])) == {mine, other_unit}
    assert list(questions_for_user(world.users["other_commune_official"])) == [other_commune]
    assert set(questions_for_user(world.users["leader"])) == {mine, other_unit, other_commune}
    outsider = UserFactory(role="commune_official", place=world.hamlet)
    assert list(questions_for_user(outsider)) == []


def test_unit_backlog_counts_open_and_days_late(world):
    session = make_session(world)
    make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(-4))
    make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(3))
    make_question(world, session)
    rows = unit_backlog(world.users["leader"])
    assert [(row.unit, row.open_count, row.overdue_count, row.days_late) for row in rows] == [
        (world.unit, 2, 1, 4),
        (None, 1, 0, 0),
    ]
