"""The plan editor's tabs come from the pages registered with plans.editor: the plan's own and
the sessions' (registered by sessions), in one order, the current one active."""

import re

import pytest
from django.urls import reverse

from plans.editor import editor_pages
from plans.planfile import import_plan

from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _tabs(html: str) -> list[tuple[str, str, bool]]:
    nav = html.split('<ul class="nav nav-tabs mb-3">', 1)[1].split("</ul>", 1)[0]
    return [
        (label, href, "active" in css)
        for css, href, label in re.findall(r'<a class="nav-link([^"]*)" href="([^"]+)">([^<]+)</a>', nav)
    ]


def test_editor_pages_registered_in_order_with_their_urls():
    assert [(page.name, page.label, page.tab) for page in editor_pages()] == [
        ("plan.edit", "Thông tin chung", ""),
        ("plan.legal_bases", "Căn cứ", ""),
        ("plan.sections", "Các mục", ""),
        ("plan.section", "", "plan.sections"),
        ("plan.budget", "Kinh phí", ""),
        ("plan.sessions", "Phiên đối thoại", ""),
        ("plan.session", "", "plan.sessions"),
        ("plan.recipients", "Nơi nhận", ""),
        ("plan.appendices", "Phụ lục", ""),
    ]
    assert (reverse("plans:plan.sessions", args=[7]), reverse("plans:plan.session", args=[7, 9])) == (
        "/ke-hoach/7/phien/",
        "/ke-hoach/7/phien/9/",
    )


def test_editor_tabs_on_a_session_page_mark_the_sessions_tab(world, login):
    plan = import_plan(data=plan_file(world), user=world.users["district_staff"])
    session = plan.sessions.get()
    client = login(world.users["district_staff"])

    html = client.get(reverse("plans:plan.session", args=[plan.pk, session.pk])).content.decode()

    base = f"/ke-hoach/{plan.pk}/"
    assert _tabs(html) == [
        ("Thông tin chung", f"{base}thong-tin-chung/", False),
        ("Căn cứ", f"{base}can-cu/", False),
        ("Các mục", f"{base}cac-muc/", False),
        ("Kinh phí", f"{base}kinh-phi/", False),
        ("Phiên đối thoại", f"{base}phien/", True),
        ("Nơi nhận", f"{base}noi-nhan/", False),
        ("Phụ lục", f"{base}phu-luc/", False),
    ]
