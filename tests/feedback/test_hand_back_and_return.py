"""Assignment and answers, issue 14 point 8: no due date in the past; a unit hands back a question
that is not theirs; a leader returns a draft for changes; the leader's and staff's home cards."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Answer, EventKind, Question, QuestionEvent, QuestionStatus
from feedback.services import FeedbackError
from feedback.services.answers import approve_answer, draft_answer, return_answer
from feedback.services.questions import assign_question, hand_back_question

from ..factories import UnitFactory
from .feedback_data import in_days, make_question, make_session

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------- a due date in the past


def test_assign_question_due_date_in_the_past_refused(world):
    session = make_session(world, date=in_days(20))
    question = make_question(world, session)
    yesterday = in_days(-1)

    with pytest.raises(FeedbackError) as error:
        assign_question(
            user=world.users["district_staff"], question=question, unit=world.unit, due_date=yesterday
        )

    assert error.value.message == (
        f"Hạn trả lời {yesterday:%d/%m/%Y} đã qua; hãy chọn từ hôm nay ({in_days(0):%d/%m/%Y}) trở đi."
    )
    question.refresh_from_db()
    assert (question.status, question.assigned_unit, question.due_date) == (QuestionStatus.NEW, None, None)


def test_assign_question_due_today_accepted(world):
    session = make_session(world, date=in_days(20))
    question = make_question(world, session)

    assign_question(
        user=world.users["district_staff"], question=question, unit=world.unit, due_date=in_days(0)
    )

    question.refresh_from_db()
    assert (question.status, question.due_date) == (QuestionStatus.ASSIGNED, in_days(0))


def test_assign_view_with_past_due_date_shows_the_message_and_saves_nothing(world, login):
    session = make_session(world, date=in_days(20))
    question = make_question(world, session)
    client = login(world.users["district_staff"])

    response = client.post(
        reverse("feedback:question.assign", args=[question.pk]),
        {"unit": world.unit.pk, "due_date": in_days(-3).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Hạn trả lời {in_days(-3):%d/%m/%Y} đã qua; hãy chọn từ hôm nay ({in_days(0):%d/%m/%Y}) trở đi."
    ]
    assert Question.objects.get(pk=question.pk).assigned_unit is None


# ---------------------------------------------------------------- a unit hands a question back


def test_hand_back_returns_question_to_staff_unassigned_and_logs_the_reason(world):
    session = make_session(world, date=in_days(20))
    question = make_question(world, session, status=QuestionStatus.ANSWER_DRAFTED)
    Answer.objects.create(question=question, unit=world.unit, text="Nháp")
    officer = world.users["department_officer"]

    event = hand_back_question(
        user=officer, question=question, reason="  Thuộc thẩm quyền của\nBảo hiểm xã hội huyện. "
    )

    question.refresh_from_db()
    assert (question.status, question.assigned_unit, question.due_date) == (QuestionStatus.NEW, None, None)
    assert Answer.objects.filter(question=question).count() == 0
    assert list(QuestionEvent.objects.values_list("question", "kind", "unit", "user", "reason")) == [
        (
            question.pk,
            EventKind.HANDED_BACK,
            world.unit.pk,
            officer.pk,
            "Thuộc thẩm quyền của Bảo hiểm xã hội huyện.",
        )
    ]
    assert event.question_id == question.pk


def test_hand_back_needs_a_reason(world):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)

    with pytest.raises(FeedbackError) as error:
        hand_back_question(user=world.users["department_officer"], question=question, reason="  ")

    assert error.value.message == "Hãy ghi lý do trả lại câu hỏi (ví dụ: thuộc thẩm quyền của đơn vị nào)."
    question.refresh_from_db()
    assert (question.status, question.assigned_unit, QuestionEvent.objects.count()) == (
        QuestionStatus.ASSIGNED,
        world.unit,
        0,
    )


def test_hand_back_by_another_unit_or_once_approved_refused(world):
    session = make_session(world)
    other_unit = UnitFactory(place=world.district)
    question = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=other_unit)
    approved = make_question(world, session, status=QuestionStatus.ANSWER_APPROVED)
    officer = world.users["department_officer"]

    with pytest.raises(FeedbackError) as error:
        hand_back_question(user=officer, question=question, reason="Không phải của chúng tôi")
    assert error.value.message == "Câu hỏi này không được giao cho đơn vị của bạn."
    with pytest.raises(FeedbackError) as error:
        hand_back_question(user=officer, question=approved, reason="Không phải của chúng tôi")
    assert (
        error.value.message
        == "Câu hỏi đang ở trạng thái «Lãnh đạo đã duyệt trả lời», không trả lại được nữa."
    )
    with pytest.raises(FeedbackError):
        hand_back_question(user=world.users["district_staff"], question=question, reason="x")
    assert QuestionEvent.objects.count() == 0


def test_hand_back_view_then_staff_see_it_on_home_and_question_page(world, login):
    session = make_session(world, date=in_days(20))
    question = make_question(world, session, status=QuestionStatus.ASSIGNED)
    officer = login(world.users["department_officer"])

    form = officer.get(reverse("feedback:question.detail", args=[question.pk]))
    assert reverse("feedback:question.hand_back", args=[question.pk]) in form.content.decode()
    response = officer.post(
        reverse("feedback:question.hand_back", args=[question.pk]),
        {"reason": "Nội dung về thẻ bảo hiểm y tế, thuộc Bảo hiểm xã hội huyện."},
    )

    assert (response.status_code, response["Location"]) == (302, reverse("feedback:question.list"))
    assert _messages(response) == [
        f"Đã trả lại câu hỏi số {question.pk} cho chuyên viên phòng để giao đơn vị khác."
    ]
    # Out of the unit's hands: the unit may no longer open it.
    assert officer.get(reverse("feedback:question.detail", args=[question.pk])).status_code == 403

    staff = login(world.users["district_staff"])
    home = staff.get(reverse("home"))
    panels = {panel["title"]: panel for panel in home.context["dashboard"].panels}
    card = panels["Câu hỏi đơn vị trả lại – cần giao đơn vị khác"]
    assert [(q.pk, q.handed_back_unit, q.handed_back_reason) for q in card["questions"]] == [
        (question.pk, world.unit.name, "Nội dung về thẻ bảo hiểm y tế, thuộc Bảo hiểm xã hội huyện.")
    ]
    page = staff.get(reverse("feedback:question.detail", args=[question.pk]))
    assert [(e.kind, e.reason) for e in page.context["events"]] == [
        (EventKind.HANDED_BACK, "Nội dung về thẻ bảo hiểm y tế, thuộc Bảo hiểm xã hội huyện.")
    ]
    assert page.context["can"]["assign_question"] is True

    # Given to the right unit, it leaves the staff's card (the log stays on the question page).
    assign_question(
        user=world.users["district_staff"], question=question, unit=world.unit, due_date=in_days(5)
    )
    home = staff.get(reverse("home"))
    assert "Câu hỏi đơn vị trả lại – cần giao đơn vị khác" not in [
        panel["title"] for panel in home.context["dashboard"].panels
    ]


# ---------------------------------------------------------------- a leader returns a draft


def test_return_answer_sends_draft_back_to_unit_with_reason(world):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    draft_answer(user=world.users["department_officer"], question=question, text="Liên hệ NHCSXH.")
    leader = world.users["leader"]

    return_answer(user=leader, question=question, reason="Ghi rõ mức vay và thời hạn.")

    question.refresh_from_db()
    assert question.status == QuestionStatus.ASSIGNED
    assert Answer.objects.get(question=question).text == "Liên hệ NHCSXH."  # kept for the unit to rework
    assert list(QuestionEvent.objects.values_list("kind", "user", "unit", "reason")) == [
        (EventKind.ANSWER_RETURNED, leader.pk, world.unit.pk, "Ghi rõ mức vay và thời hạn.")
    ]
    # The unit reworks it; the leader may then approve.
    draft_answer(user=world.users["department_officer"], question=question, text="Vay tối đa 100 triệu đồng.")
    approve_answer(user=leader, question=question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWER_APPROVED


def test_return_answer_refused_without_reason_without_draft_or_for_non_leader(world):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    with pytest.raises(FeedbackError) as error:
        return_answer(user=world.users["leader"], question=question, reason="Sửa lại")
    assert error.value.message == "Câu hỏi chưa có dự thảo trả lời chờ duyệt."
    draft_answer(user=world.users["department_officer"], question=question, text="Nháp")
    with pytest.raises(FeedbackError) as error:
        return_answer(user=world.users["leader"], question=question, reason="")
    assert error.value.message == "Hãy ghi nội dung cần sửa để đơn vị biết."
    with pytest.raises(FeedbackError) as error:
        return_answer(user=world.users["district_staff"], question=question, reason="Sửa lại")
    assert error.value.message == "Chỉ lãnh đạo mới trả lại dự thảo trả lời."
    question.refresh_from_db()
    assert (question.status, QuestionEvent.objects.count()) == (QuestionStatus.ANSWER_DRAFTED, 0)


def test_return_answer_view_shows_draft_then_unit_reads_the_reason(world, login):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    draft_answer(user=world.users["department_officer"], question=question, text="Liên hệ NHCSXH.")
    leader = login(world.users["leader"])

    page = leader.get(reverse("feedback:question.detail", args=[question.pk]))
    assert (page.context["can"]["approve_answer"], page.context["can"]["hand_back_question"]) == (True, False)
    form = leader.get(reverse("feedback:answer.return", args=[question.pk]))
    assert form.context["draft"].text == "Liên hệ NHCSXH."
    response = leader.post(
        reverse("feedback:answer.return", args=[question.pk]), {"reason": "Ghi rõ mức vay."}
    )

    assert response["Location"] == reverse("feedback:question.detail", args=[question.pk])
    assert _messages(response) == ["Đã trả lại dự thảo cho đơn vị sửa."]
    unit_page = login(world.users["department_officer"]).get(
        reverse("feedback:question.detail", args=[question.pk])
    )
    assert [(e.kind, e.reason, e.user) for e in unit_page.context["events"]] == [
        (EventKind.ANSWER_RETURNED, "Ghi rõ mức vay.", world.users["leader"])
    ]
    assert unit_page.context["can"]["draft_answer"] is True
    # The unit's home card says so too.
    home = login(world.users["department_officer"]).get(reverse("home"))
    queue = {panel["title"]: panel for panel in home.context["dashboard"].panels}[
        "Câu hỏi đơn vị cần trả lời"
    ]
    assert [(q.pk, q.last_returned_reason) for q in queue["questions"]] == [(question.pk, "Ghi rõ mức vay.")]
    assert "Lãnh đạo trả lại để sửa</span> Ghi rõ mức vay." in home.content.decode()


def test_return_answer_view_without_reason_says_so(world, login):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    draft_answer(user=world.users["department_officer"], question=question, text="Nháp")

    response = login(world.users["leader"]).post(
        reverse("feedback:answer.return", args=[question.pk]), {"reason": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Hãy ghi nội dung cần sửa để đơn vị biết."]}


# ---------------------------------------------------------------- the leader's home card


def _home_card(client, title):
    panels = {panel["title"]: panel for panel in client.get(reverse("home")).context["dashboard"].panels}
    return panels[title]


def test_leader_home_lists_drafts_awaiting_approval(world, login):
    session = make_session(world, date=in_days(20))
    drafted = [make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(d)) for d in (9, 4)]
    for question in drafted:
        draft_answer(user=world.users["department_officer"], question=question, text="Trả lời")
    make_question(world, session, status=QuestionStatus.ASSIGNED)  # not drafted: not the leader's yet
    client = login(world.users["leader"])

    card = _home_card(client, "Trả lời chờ lãnh đạo duyệt")

    assert [q.pk for q in card["questions"]] == [drafted[1].pk, drafted[0].pk]  # earliest due first
    assert card["more_url"] == f"{reverse('feedback:question.list')}?status=answer_drafted"
    html = client.get(reverse("home")).content.decode()
    assert f'data-question="{drafted[0].pk}"' in html


def test_leader_home_card_queries_constant_for_1_and_10_drafts(world, login, django_assert_num_queries):
    session = make_session(world, date=in_days(20))
    client = login(world.users["leader"])

    def add(count):
        for _ in range(count):
            question = make_question(world, session, status=QuestionStatus.ASSIGNED)
            draft_answer(user=world.users["department_officer"], question=question, text="Trả lời")

    add(1)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    add(9)
    with django_assert_num_queries(len(captured)):
        response = client.get(reverse("home"))
    assert len(_home_card(client, "Trả lời chờ lãnh đạo duyệt")["questions"]) == 8
    assert response.status_code == 200
