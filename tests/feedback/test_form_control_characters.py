"""Issue 15, item 6 (at the door): a question, answer or notice text typed or pasted into a form
may not hold a control character, as a cell of an uploaded file may not (it would break every
workbook and PDF written later); the field says which character, nothing is saved."""

import pytest
from django.urls import reverse

from feedback import forms
from feedback.models import Answer, Question, QuestionStatus, Topic

from .feedback_data import make_question, make_session

ESC_MESSAGE = (
    "Có ký tự điều khiển U+001B (không nhìn thấy được, thường lẫn vào khi sao chép từ phần mềm khác); "
    "hãy gõ lại."
)


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (forms.QuestionSubmitForm, "text"),
        (forms.QuestionSubmitForm, "asker_name"),
        (forms.SessionQuestionForm, "text"),
        (forms.AnswerForm, "text"),
        (forms.AnsweredForm, "summary"),
        (forms.AnsweredForm, "given_by"),
        (forms.ConclusionForm, "conclusions"),
    ],
)
def test_text_fields_refuse_control_characters(form_class, field):
    form = form_class(data={field: "Hỗ trợ hộ nghèo\x1b năm 2024"})

    assert not form.is_valid()
    assert form.errors[field] == [ESC_MESSAGE]


def test_line_breaks_and_tabs_are_not_control_characters_here():
    form = forms.AnswerForm(data={"text": "Đoạn một.\r\n\tĐoạn hai."})

    assert form.is_valid(), form.errors


def test_recorded_question_with_a_control_character_is_refused(world, login):
    session = make_session(world)
    response = login(world.users["secretary"]).post(
        reverse("feedback:question.record", args=[session.pk]),
        {"channel": "spoken", "text": "Câu hỏi\x07 về đường giao thông", "topic": Topic.objects.first().pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [ESC_MESSAGE.replace("U+001B", "U+0007")]
    assert not Question.objects.exists()


def test_answer_draft_with_a_control_character_is_refused(world, login):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    response = login(world.users["department_officer"]).post(
        reverse("feedback:answer.draft", args=[question.pk]), {"text": "Trả lời\x1b của đơn vị."}
    )

    assert response.status_code == 200
    assert ESC_MESSAGE in response.content.decode()
    assert not Answer.objects.exists()
