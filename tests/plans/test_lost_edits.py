"""Two people editing one plan: a form rendered before another person's save is refused (nothing
lost), and the page shows what the other person changed; one person saving twice in a row, or
sending the same post twice, is not troubled."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from plans.models import PlanEvent

from ..concurrent import edit_token_of as token_of
from ..concurrent import messages_after, post_each, post_together, restore_migration_data
from ..factories import UserFactory
from .test_views import _block_row, _formset, _plan, _url


def section_post(token: str, text: str) -> dict:
    data = _formset("dong", [_block_row("heading", 1, "Mục đích"), _block_row("bullet", 2, text=text)])
    if token:
        data["edit_token"] = token
    return data


def texts(section) -> list[str]:
    return [block.text for block in section.plan.blocks.filter(parent__parent=section)]


def two_editors(world):
    first = Client()
    first.force_login(world.users["district_staff"])
    colleague = UserFactory(
        username="chuyenvien2",
        first_name="Bình",
        last_name="Trần Thị",
        role=Role.DISTRICT_STAFF,
        place=world.district,
    )
    second = Client()
    second.force_login(colleague)
    return first, second


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_second_save_of_a_stale_section_page_is_refused_and_shows_the_first_change(world):
    restore_migration_data()
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    url = _url("plan.section", plan.pk, section.pk)
    first, second = two_editors(world)
    first_token = token_of(first.get(url).content.decode())
    second_token = token_of(second.get(url).content.decode())
    assert first_token and first_token == second_token

    saved = first.post(url, section_post(first_token, "Ý của người thứ nhất."))
    refused = second.post(url, section_post(second_token, "Ý của người thứ hai."))

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert texts(section) == ["Ý của người thứ nhất."]  # the first edit is kept
    event = PlanEvent.objects.filter(plan=plan, action="edit_section").get()
    at = timezone.localtime(event.at).strftime("%H:%M")
    html = refused.content.decode()
    name = world.users["district_staff"].get_full_name()
    assert (
        f"Kế hoạch vừa được {name} sửa lúc {at} (Sửa nội dung mục «Mục đích, yêu cầu»: 2 dòng); "
        "thay đổi của bạn chưa được lưu." in html
    )
    assert 'id="stale-events"' in html and "Sửa nội dung mục «Mục đích, yêu cầu»: 2 dòng." in html
    assert "Ý của người thứ hai." in html  # the second person's values are kept on the page
    # The page now carries the fresh token: saving again (knowingly) works.
    again = second.post(url, section_post(token_of(html), "Ý của người thứ hai."))
    assert again.status_code == 302
    assert texts(section) == ["Ý của người thứ hai."]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_page_at_the_same_moment_keep_exactly_one(world):
    restore_migration_data()
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    url = _url("plan.section", plan.pk, section.pk)
    first, second = two_editors(world)
    token = token_of(first.get(url).content.decode())

    responses = post_each([(first, section_post(token, "Ý A.")), (second, section_post(token, "Ý B."))], url)

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302]
    winner = 0 if responses[0].status_code == 302 else 1
    assert texts(section) == [["Ý A.", "Ý B."][winner]]
    loser = responses[1 - winner].content.decode()
    assert "thay đổi của bạn chưa được lưu" in loser


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_post_sent_twice_at_once_is_saved_once_without_error(world):
    restore_migration_data()
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    url = _url("plan.section", plan.pk, section.pk)
    first, _second = two_editors(world)
    token = token_of(first.get(url).content.decode())

    again = Client()  # the same person in another session, so that each keeps its own message
    again.force_login(world.users["district_staff"])
    responses = post_together([first, again], url, section_post(token, "Ý gửi hai lần."))

    assert [r.status_code for r in responses] == [302, 302]
    assert texts(section) == ["Ý gửi hai lần."]
    assert PlanEvent.objects.filter(plan=plan, action="edit_section").count() == 1
    shown = messages_after(first, responses[0]) + messages_after(again, responses[1])
    assert sorted(shown) == sorted(
        ["Đã lưu.", "Đã lưu (nội dung này vừa được lưu, lần gửi lại được bỏ qua)."]
    )


def test_one_person_saving_twice_reloading_in_between(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    url = _url("plan.section", plan.pk, section.pk)
    client = login(world.users["district_staff"])

    for text in ("Lần một.", "Lần hai."):
        token = token_of(client.get(url).content.decode())
        assert client.post(url, section_post(token, text)).status_code == 302
        assert texts(section) == [text]


def test_stale_details_page_is_refused_and_kept(world, login):
    plan = _plan(world)
    url = _url("plan.edit", plan.pk)
    client = login(world.users["district_staff"])
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {k: v for k, v in data.items() if k in form.fields}
    for name in ("preamble_new_paragraph", "question_lead_working_days"):
        if data.get(name) is False:
            data.pop(name)
    stale = {**data, "summary": "Tóm tắt của tôi"}
    assert client.post(url, {**data, "closing": "Câu kết mới"}).status_code == 302

    refused = client.post(url, stale)

    assert refused.status_code == 200
    assert "thay đổi của bạn chưa được lưu" in refused.content.decode()
    plan.refresh_from_db()
    assert (plan.closing, plan.summary != "Tóm tắt của tôi") == ("Câu kết mới", True)


def test_sessions_pages_carry_the_edit_token(world, login):
    plan = _plan(world)
    client = login(world.users["district_staff"])
    session = plan.sessions.get()
    for url in (_url("plan.sessions", plan.pk), _url("plan.session", plan.pk, session.pk)):
        assert re.fullmatch(r"\d+\.\d+", token_of(client.get(url).content.decode()))
