"""The secretary at the door in the browser: a check-in three weeks early is refused with the
day it opens; a walk-in who is on the list is offered instead of being added twice; a mistaken
check-in is undone; the session is recorded as held from its page."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Attendance, CancelledCheckin
from notifications.services.checkin import checkin_token
from plans.models import Plan, PlanStatus
from sessions.models import HeldRecord, Participant, ParticipantCategory

from ..notifications.conftest import add_participants, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approved_session(world, date):
    session = make_session(world, secretary=world.users["secretary"], quota=30, date=date)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    return session


def test_browser_early_checkin_refused_with_the_opening_day(world, page, browser_login, live_server):
    session = _approved_session(world, timezone.localdate() + datetime.timedelta(days=21))
    person = add_participants(world, session, 1)[0]
    day = session.date.strftime("%d/%m/%Y")

    browser_login("thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    banner = page.locator("#checkin-closed")
    assert banner.inner_text().startswith(
        f"Chưa đến giờ điểm danh: điểm danh phiên này mở từ 00:00 ngày {day}"
    )

    page.fill("#id_token", checkin_token(session_id=session.pk, participant_id=person.pk))
    page.get_by_role("button", name="Điểm danh", exact=True).first.click()
    # The page's script posts the code and shows the answer above the field (no page load).
    answer = page.locator("#scan-results .alert-danger .scan-message")
    answer.wait_for()
    page.screenshot(path="/tmp/h2-early-checkin.png", full_page=True)

    assert answer.inner_text().startswith(
        f"Chưa đến giờ điểm danh: điểm danh phiên này mở từ 00:00 ngày {day} đến 24:00 ngày {day}."
    )
    assert Attendance.objects.count() == 0


def test_browser_duplicate_walkin_offered_the_invited_person(world, page, browser_login, live_server):
    session = _approved_session(world, timezone.localdate())
    invited = Participant.objects.create(
        session=session,
        commune=world.commune,
        hamlet=world.hamlet,
        full_name="Nguyễn Văn An",
        birth_year=1970,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
        row_number=1,
    )

    browser_login("thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    assert page.locator("#checkin-window").inner_text().startswith("Điểm danh mở từ 00:00 ngày")

    # The desk writes down an invited person as a walk-in, without accents.
    page.get_by_label("Họ và tên").fill("nguyen van an")
    page.get_by_label("Xã, phường").select_option(label="Xã Phước Hòa")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_load_state()
    offer = page.locator("#same-people")
    page.screenshot(path="/tmp/h2-walkin-offered.png", full_page=True)
    assert "Nguyễn Văn An, sinh năm 1970, Lộc Thượng, Xã Phước Hòa" in offer.inner_text()
    # The rest of the page is still the session's: its list and its attendance per commune.
    assert page.locator("#checkin-people [data-participant]").count() == 1
    assert page.locator('#attendance tr[data-commune="52-550-03"]').count() == 1
    assert Attendance.objects.count() == 0

    offer.get_by_role("button", name="Điểm danh người này").click()
    page.wait_for_load_state()
    assert "Đã điểm danh Nguyễn Văn An (Xã Phước Hòa)." in page.locator(".alert-success").inner_text()
    assert list(Attendance.objects.values_list("participant_id", "walk_in")) == [(invited.pk, False)]

    # Written down again: already checked in, nothing added.
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Xã, phường").select_option(label="Xã Phước Hòa")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_load_state()
    assert "Đã điểm danh" in page.locator("#same-people").inner_text()
    page.screenshot(path="/tmp/h2-walkin-again.png", full_page=True)
    assert Attendance.objects.count() == 1

    # The check-in was a mistake after all: undone, and the log says so.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    page.locator("#recent-checkins").get_by_role("button", name="Hủy điểm danh").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").inner_text().startswith("Đã hủy điểm danh của Nguyễn Văn An")
    assert "Nguyễn Văn An (Xã Phước Hòa): điểm danh" in page.locator("#cancelled-checkins").inner_text()
    page.screenshot(path="/tmp/h2-undone.png", full_page=True)
    assert Attendance.objects.count() == 0
    assert CancelledCheckin.objects.get().cancelled_by == world.users["secretary"]


def test_browser_secretary_records_the_session_held(world, page, browser_login, live_server):
    session = _approved_session(world, timezone.localdate())

    browser_login("thuky")
    page.goto(f"{live_server.url}/phien/{session.pk}/")
    assert page.locator("#held-status").inner_text().startswith("Chưa ghi nhận đã tổ chức")
    page.get_by_role("link", name="Ghi nhận đã tổ chức").click()
    page.wait_for_load_state()
    page.get_by_label("Người chủ trì").fill("Phó Chủ tịch UBND huyện")
    page.screenshot(path="/tmp/h2-held-form.png", full_page=True)
    page.get_by_role("button", name="Ghi nhận đã tổ chức").click()
    page.wait_for_load_state()

    status = page.locator("#held-status").inner_text()
    page.screenshot(path="/tmp/h2-held-shown.png", full_page=True)
    assert status.startswith("Đã tổ chức")
    assert "Hội trường UBND xã Phước Hòa; chủ trì: Phó Chủ tịch UBND huyện." in status
    assert HeldRecord.objects.get().recorded_by == world.users["secretary"]
