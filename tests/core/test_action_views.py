"""A button's action opened with GET (core.views.ActionView): back to the button's page with a
message, nothing changed, never a blank 405."""

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..matrix_rows import ROLES, ROWS, build_objects

pytestmark = pytest.mark.django_db

POST_ROWS = sorted(name for name, row in ROWS.items() if row.method == "post")


def _views(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _views(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry.callback


def test_every_view_that_takes_a_post_answers_a_get():
    refusing = []
    for name, callback in _views():
        view = getattr(callback, "view_class", None)
        if view is None:
            continue
        methods = {method for method in view.http_method_names if hasattr(view, method)}
        if "post" in methods and "get" not in methods:
            refusing.append(name)
    assert refusing == []


def _acting_role(row) -> str:
    return next(role for role in ROLES if row.may_act(role))


@pytest.mark.parametrize("name", POST_ROWS)
def test_action_opened_with_get_changes_nothing_and_says_why(name, world, login):
    row = ROWS[name]
    objects = build_objects(world)
    role = _acting_role(row)
    client = login(world.users[role])
    with transaction.atomic():
        if row.prepare:
            row.prepare(objects, client)
        before = row.state(objects)
        response = client.get(row.url(objects))
        after = row.state(objects)
        transaction.set_rollback(True)

    assert response.status_code in (200, 302), (name, response.status_code)
    assert after == before, name
    if response.status_code == 302:
        assert "/tai-khoan/dang-nhap/" not in response["Location"]
        texts = [str(message) for message in get_messages(response.wsgi_request)]
        assert any(
            text.endswith("chỉ thực hiện khi bấm nút trên trang; mở đường dẫn trực tiếp không thay đổi gì.")
            for text in texts
        ), (name, texts)


def test_action_get_anonymous_goes_to_login(world, client):
    objects = build_objects(world)
    response = client.get(ROWS["feedback:answer.approve"].url(objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_approve_opened_with_get_after_the_answer_was_approved_is_not_a_403(world, login):
    # The leader approved, then reopened the URL from the history: the question page, not "forbidden".
    objects = build_objects(world)
    question = objects["drafted_question"]
    client = login(world.users["leader"])
    assert client.post(reverse("feedback:answer.approve", args=[question.pk])).status_code == 302

    response = client.get(reverse("feedback:answer.approve", args=[question.pk]))

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("feedback:question.detail", args=[question.pk]),
    )
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "«Duyệt trả lời» chỉ thực hiện khi bấm nút trên trang; mở đường dẫn trực tiếp không thay đổi gì."
    )
    assert client.get(response["Location"]).status_code == 200


def test_logout_opened_with_get_keeps_the_user_logged_in(world, login):
    client = login(world.users["district_staff"])

    response = client.get(reverse("accounts:logout"))

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("home")).context["user"].is_authenticated
