"""Under the Content-Security-Policy a form still asks before it deletes (data-confirm in
static/js/confirm.js, no inline onsubmit), and the policy reports no violation (conftest)."""

import pytest

from plans.models import Plan, PlanStatus
from sessions.models import Participant, ParticipantCategory

from ..sessions.participant_data import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_delete_asks_first_under_the_policy(world, page, browser_login, live_server):
    session = make_session(world)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    participant = Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Nguyễn Thị Mai",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    browser_login("canboxa")
    response = page.goto(f"{live_server.url}/phien/{session.pk}/xa/52-550-03/nguoi/{participant.pk}/sua/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Xóa khỏi danh sách").click()
    assert asked == ["Xóa Nguyễn Thị Mai khỏi danh sách?"]
    assert Participant.objects.filter(pk=participant.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa khỏi danh sách").click()
    assert not Participant.objects.filter(pk=participant.pk).exists()
