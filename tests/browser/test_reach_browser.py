"""Issue 14, points 7 and 8 in the browser: who the reminders reach on the invitations page, a
commune official setting their e-mail and phone on the profile page, a unit handing back a question
that is not theirs and district staff finding it, a leader returning a draft, an action URL opened
with GET. Screenshots in /tmp/h5-*.png."""

import datetime

import pytest
from django.utils import timezone

from feedback.models import Channel, Question, QuestionEvent, QuestionStatus, Topic
from feedback.services.answers import draft_answer
from plans.models import Plan, PlanStatus
from sessions.models import Quota
from tests.factories import UnitFactory

from ..notifications.conftest import add_participants, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def _question(world, session, unit, text, due_days=10):
    return Question.objects.create(
        session=session,
        commune=world.commune,
        text=text,
        asker_name="Trần Thị Bích",
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.get(code="giam-ngheo"),
        status=QuestionStatus.ASSIGNED,
        assigned_unit=unit,
        due_date=timezone.localdate() + datetime.timedelta(days=due_days),
    )


def _session(world):
    session = make_session(world, date=timezone.localdate() + datetime.timedelta(days=20), quota=30)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    return session


def test_browser_reminders_reach_and_profile(world, page, browser_login, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    bhxh = UnitFactory(
        code="52-550-BHXH",
        name="Bảo hiểm xã hội huyện Tuy Phước",
        short_name="BHXH huyện",
        email="",
        place=world.district,
    )
    session = _session(world)
    _question(world, session, bhxh, "Thẻ bảo hiểm y tế hộ cận nghèo khi nào được cấp lại?")
    _question(world, session, world.unit, "Hộ nghèo được vay vốn học nghề bao nhiêu?")
    # Phước Hòa has sent its list; Phước An has not, and its official has no address yet.
    Quota.objects.create(session=session, place=world.other_commune, count=10, position=1)
    people = add_participants(world, session, 2, email=False)
    people[0].phone = "0912345678"
    people[0].save()
    staff = world.users["district_staff"]
    staff.email = "chuyenvien@example.gov.vn"
    staff.save()

    browser_login("chuyenvien")
    url = f"{live_server.url}/thong-bao/phien/{session.pk}/giay-moi/"
    page.goto(url)
    table = page.locator("#reminder-reach")
    rows = {
        row.locator("td").nth(0).inner_text(): row.get_attribute("data-reached")
        for row in table.locator("tbody tr").all()
    }
    assert rows["Bảo hiểm xã hội huyện Tuy Phước"] == "0"
    assert rows["Cán bộ xã Phước An"] == "0"
    assert rows["Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước"] == "1"
    assert "địa chỉ trong danh mục" in table.inner_text()
    assert "điện thoại 0912345678" in page.locator("[data-commune]").first.inner_text()
    page.locator("#reminders").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/h5-reminders.png", full_page=True)
    _logout(page)

    # The commune official adds an address and a landline on the profile page.
    browser_login("canboxa2")
    page.get_by_role("link", name="Hồ sơ", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#no-email").is_visible()
    page.get_by_label("Thư điện tử").fill("canbo.phuocan@example.gov.vn")
    page.get_by_label("Số điện thoại").fill("(0256) 3 85 12 3")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_load_state()
    assert "không phải số điện thoại hợp lệ" in page.locator("#div_id_phone").inner_text()
    page.screenshot(path="/tmp/h5-profile-error.png", full_page=True)
    page.get_by_label("Số điện thoại").fill("(0256) 3 851 234")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").inner_text().startswith("Đã lưu hồ sơ của bạn.")
    assert page.get_by_label("Số điện thoại").input_value() == "02563851234"
    page.screenshot(path="/tmp/h5-profile.png", full_page=True)
    _logout(page)

    browser_login("chuyenvien")
    page.goto(url)
    row = page.locator("#reminder-reach tbody tr", has_text="Cán bộ xã Phước An")
    assert row.get_attribute("data-reached") == "1"
    assert "canbo.phuocan@example.gov.vn" in row.inner_text()


def test_browser_unit_hands_back_a_question_and_staff_find_it(world, page, browser_login, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    session = _session(world)
    question = _question(world, session, world.unit, "Đề nghị cấp lại thẻ bảo hiểm y tế cho hộ cận nghèo.")

    browser_login("donvi")
    page.get_by_role("link", name="Đề nghị cấp lại thẻ bảo hiểm y tế").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Không thuộc đơn vị – trả lại").click()
    page.wait_for_load_state()
    page.get_by_label("Lý do trả lại").fill(
        "Cấp thẻ bảo hiểm y tế thuộc thẩm quyền của Bảo hiểm xã hội huyện."
    )
    page.screenshot(path="/tmp/h5-handback-form.png", full_page=True)
    page.get_by_role("button", name="Trả lại câu hỏi").click()
    page.wait_for_load_state()
    assert (
        page.locator(".alert-success")
        .inner_text()
        .startswith(f"Đã trả lại câu hỏi số {question.pk} cho chuyên viên phòng")
    )
    page.screenshot(path="/tmp/h5-handback-done.png", full_page=True)
    question.refresh_from_db()
    assert (question.status, question.assigned_unit) == (QuestionStatus.NEW, None)
    _logout(page)

    browser_login("chuyenvien")
    card = page.locator("#handed-back")
    assert "Cấp thẻ bảo hiểm y tế thuộc thẩm quyền của Bảo hiểm xã hội huyện." in card.inner_text()
    page.screenshot(path="/tmp/h5-handback-staff-home.png", full_page=True)
    card.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "Đơn vị trả lại câu hỏi" in page.locator("#question-events").inner_text()
    page.screenshot(path="/tmp/h5-handback-staff-question.png", full_page=True)
    assert QuestionEvent.objects.count() == 1


def test_browser_leader_returns_a_draft_and_get_of_an_action(world, page, browser_login, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    session = _session(world)
    question = _question(world, session, world.unit, "Hộ nghèo được vay vốn học nghề bao nhiêu?")
    draft_answer(user=world.users["department_officer"], question=question, text="Liên hệ NHCSXH huyện.")

    browser_login("lanhdao")
    assert question.text in page.locator("#approval-queue").inner_text()
    page.screenshot(path="/tmp/h5-leader-home.png", full_page=True)
    page.locator("#approval-queue a").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Trả lại để sửa").click()
    page.wait_for_load_state()
    assert "Liên hệ NHCSXH huyện." in page.locator("#draft-answer").inner_text()
    page.get_by_label("Nội dung cần sửa").fill("Ghi rõ mức vay tối đa và thời hạn vay.")
    page.screenshot(path="/tmp/h5-return-form.png", full_page=True)
    page.get_by_role("button", name="Trả lại để đơn vị sửa").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").inner_text().startswith("Đã trả lại dự thảo cho đơn vị sửa.")
    assert "Ghi rõ mức vay tối đa" in page.locator("#question-events").inner_text()
    page.screenshot(path="/tmp/h5-return-done.png", full_page=True)

    # The approve URL pasted into the address bar: the question page with a message, nothing done.
    page.goto(f"{live_server.url}/cau-hoi/{question.pk}/duyet/")
    assert page.url == f"{live_server.url}/cau-hoi/{question.pk}/"
    assert "chỉ thực hiện khi bấm nút trên trang" in page.locator(".alert-info").inner_text()
    page.screenshot(path="/tmp/h5-get-action.png", full_page=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ASSIGNED
