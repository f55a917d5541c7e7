"""The secretary checks people in at the door in the browser: a letter's code typed (as a handheld
scanner types it), a name found without accents, a walk-in, and the attendance per commune."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Attendance
from notifications.services.checkin import checkin_token
from plans.models import Plan, PlanStatus
from sessions.models import Participant, ParticipantCategory

from ..notifications.conftest import add_participants, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_secretary_checks_in_by_code_by_name_and_a_walk_in(world, page, browser_login, live_server):
    session = make_session(world, secretary=world.users["secretary"], quota=30, date=timezone.localdate())
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    first, _second = add_participants(world, session, 2)
    Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Đặng Văn Hưởng",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )

    browser_login("thuky")
    page.goto(f"{live_server.url}/phien/{session.pk}/")
    page.get_by_role("link", name="Điểm danh", exact=True).click()
    page.wait_for_load_state()
    # Headless chromium has no camera: the code field stays, the camera button stays hidden.
    assert page.locator("#camera-button").is_hidden()

    # The letter's QR code, as a scanner types it into the field.
    page.fill("#id_token", checkin_token(session_id=session.pk, participant_id=first.pk))
    page.get_by_role("button", name="Điểm danh", exact=True).first.click()
    page.wait_for_load_state()
    assert "Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa)." in page.locator(".alert-success").inner_text()

    # A forged code is refused with a message, nobody is marked.
    page.fill("#id_token", "ma-gia-mao")
    page.get_by_role("button", name="Điểm danh", exact=True).first.click()
    # The answer comes without a page load (static/js/checkin-scan.js): wait for it.
    expect(page.locator(".alert-danger")).to_have_count(1)
    assert Attendance.objects.filter(session=session).count() == 1

    # Found by a name typed without accents; the list updates as one types (htmx).
    page.get_by_placeholder("Gõ họ tên người tham dự").fill("dang van huong")
    person = page.locator("#checkin-people [data-participant]")
    person.first.wait_for()
    # A locator assertion, not wait_for_function: that evaluates a string, which the CSP forbids.
    expect(person).to_have_count(1)
    assert person.locator(".fw-semibold").inner_text() == "Đặng Văn Hưởng"
    person.get_by_role("button", name="Điểm danh").click()
    page.wait_for_load_state()
    assert "Đã điểm danh Đặng Văn Hưởng" in page.locator(".alert-success").inner_text()

    # A walk-in from the other commune.
    page.get_by_label("Họ và tên").fill("Võ Văn Ba")
    page.get_by_label("Xã, phường").select_option(label="Xã Phước An")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_load_state()
    assert (
        "Đã ghi nhận Võ Văn Ba (Xã Phước An) đến dự không có giấy mời."
        in page.locator(".alert-success").inner_text()
    )

    row = page.locator('#attendance tr[data-commune="52-550-03"] td')
    assert row.all_inner_texts() == ["Xã Phước Hòa", "30", "3", "2 (7%)", "0"]
    other = page.locator('#attendance tr[data-commune="52-550-08"] td')
    assert other.all_inner_texts()[3:] == ["1", "1"]
    assert Attendance.objects.filter(session=session).count() == 3
