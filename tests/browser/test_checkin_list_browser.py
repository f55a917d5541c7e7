"""The check-in list of 85 people in the browser (issue 14, point 9): two pages, in Vietnamese
name order, the second one reached through htmx without leaving the page."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan, PlanStatus

from ..notifications.conftest import make_session
from ..notifications.test_checkin_list import _eighty_five

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_checkin_list_pages_through_85_names(world, page, browser_login, live_server):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    names = _eighty_five(world, session)

    browser_login("thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    people = page.locator("#checkin-people [data-participant] .fw-semibold")
    expect(people).to_have_count(50)
    first = people.all_inner_texts()
    assert "85 người trong danh sách, xếp theo họ tên · trang 1/2 (người 1–50)." in page.inner_text(
        "#checkin-count"
    )
    page.screenshot(path="/tmp/h4-checkin-85-page1.png", full_page=True)

    page.locator("#checkin-pages").get_by_role("link", name="2").click()
    expect(page.locator("#checkin-count")).to_contain_text("trang 2/2 (người 51–85)")
    expect(people).to_have_count(35)
    assert first + people.all_inner_texts() == names
    page.screenshot(path="/tmp/h4-checkin-85-page2.png", full_page=True)
