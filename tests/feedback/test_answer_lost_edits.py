"""Two officers of a unit drafting one answer: the page rendered before the other's save is
refused (nothing lost) and shows the other's text; the same post sent twice is saved once."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from feedback.models import Answer, QuestionStatus, SessionConclusion

from ..concurrent import edit_token_of as token_of
from ..concurrent import post_each, restore_migration_data
from ..factories import UserFactory
from .feedback_data import make_question, make_session
from .test_conclusion import DRAFT


def officers(world):
    first = Client()
    first.force_login(world.users["department_officer"])
    colleague = UserFactory(
        username="donvi2",
        first_name="Cường",
        last_name="Lê Văn",
        role=Role.DEPARTMENT_OFFICER,
        unit=world.unit,
    )
    second = Client()
    second.force_login(colleague)
    return first, second


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_stale_answer_draft_is_refused_and_shows_the_other_text(world):
    restore_migration_data()
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    url = reverse("feedback:answer.draft", args=[question.pk])
    first, second = officers(world)
    first_token = token_of(first.get(url).content.decode())
    second_token = token_of(second.get(url).content.decode())
    assert first_token and first_token == second_token

    saved = first.post(url, {"text": "Trả lời của người thứ nhất.", "edit_token": first_token})
    refused = second.post(url, {"text": "Trả lời của người thứ hai.", "edit_token": second_token})

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert Answer.objects.get(question=question).text == "Trả lời của người thứ nhất."
    html = refused.content.decode()
    name = world.users["department_officer"].get_full_name()
    assert f"Trả lời vừa được {name} sửa lúc" in html and "thay đổi của bạn chưa được lưu" in html
    assert 'id="stale-answer"' in html and "Trả lời của người thứ nhất." in html
    assert "Trả lời của người thứ hai." in html  # kept in the form
    again = second.post(url, {"text": "Trả lời của người thứ hai.", "edit_token": token_of(html)})
    assert again.status_code == 302
    assert Answer.objects.get(question=question).text == "Trả lời của người thứ hai."


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_drafts_at_the_same_moment_keep_one_and_refuse_the_other(world):
    restore_migration_data()
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    url = reverse("feedback:answer.draft", args=[question.pk])
    first, second = officers(world)
    token = token_of(first.get(url).content.decode())
    pairs = [(first, {"text": "A.", "edit_token": token}), (second, {"text": "B.", "edit_token": token})]
    responses = post_each(pairs, url)

    assert sorted(r.status_code for r in responses) == [200, 302]
    winner = 0 if responses[0].status_code == 302 else 1
    assert Answer.objects.get(question=question).text == ["A.", "B."][winner]


def test_same_answer_posted_twice_is_taken_as_saved(world, client):
    question = make_question(world, make_session(world), status=QuestionStatus.ASSIGNED)
    url = reverse("feedback:answer.draft", args=[question.pk])
    client.force_login(world.users["department_officer"])
    token = token_of(client.get(url).content.decode())

    responses = [client.post(url, {"text": "Cùng một nội dung.", "edit_token": token}) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert Answer.objects.get(question=question).text == "Cùng một nội dung."


def test_stale_conclusion_draft_is_refused_and_shows_the_other_draft(world, client):
    session = make_session(world)
    session.secretary = world.users["secretary"]
    session.save(update_fields=["secretary"])
    url = reverse("feedback:conclusion.edit", args=[session.pk])
    other = Client()
    other.force_login(world.users["secretary"])
    client.force_login(world.users["district_staff"])
    token = token_of(client.get(url).content.decode())
    assert token == token_of(other.get(url).content.decode()) == "0"

    assert client.post(url, {**DRAFT, "edit_token": token, "summary": "Tóm tắt thứ nhất."}).status_code == 302
    refused = other.post(url, {**DRAFT, "edit_token": token, "summary": "Tóm tắt thứ hai."})
    repeated = client.post(url, {**DRAFT, "edit_token": token, "summary": "Tóm tắt thứ nhất."})

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Thông báo kết luận vừa được" in html and "thay đổi của bạn chưa được lưu" in html
    assert 'id="stale-conclusion"' in html and "Tóm tắt thứ nhất." in html and "Tóm tắt thứ hai." in html
    assert repeated.status_code == 302  # the same post sent again by its author: already saved
    assert SessionConclusion.objects.get(session=session).summary == "Tóm tắt thứ nhất."
