"""A plan of today's map issued by a commune (xã Tuy Phước, tỉnh Gia Lai: no district above it),
with quotas per hamlet, through its whole cycle in the browser: the commune office's staff drafts
it and the leader issues it; the hamlet's contact (trưởng thôn) sends the hamlet's list and prints
its letters; people are checked in at the door; the office prints the results report. Every
printed document passes the ND30 checks, and no page or paper says "huyện"."""

from __future__ import annotations

import datetime
import re

import openpyxl
import pytest

from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo_today import load_today_directory
from directory.models import MapEra, Place
from notifications.models import Attendance
from notifications.services.checkin import checkin_token
from plans.models import Plan, PlanStatus
from sessions.models import Participant
from sessions.participants.workbook import FIRST_DATA_ROW

from .. import pdfcheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    [1, "Nguyễn Thị Mai", 1978, "Lộc Thuận", "Hộ nghèo", "0912345678", "052178000111", ""],
    [2, "Trần Văn Hùng", 1965, "", "Hộ cận nghèo", "", "052065000222", ""],
    [3, "Lê Thị Ánh", 1982, "thôn Lộc Thuận", "Hộ nghèo", "", "", ""],
]
HUYEN = re.compile("huyện", re.IGNORECASE)


@pytest.fixture
def today_map(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_today_directory(password=DEMO_PASSWORD)
    commune = Place.objects.get(era=MapEra.FROM_2025, code="21952")
    return commune, {h.code: h for h in commune.children.all()}


def _rows(page, prefix):
    return page.locator(f'[data-formset="{prefix}"] [data-formset-row]')


def _add_row(page, prefix):
    count = _rows(page, prefix).count()
    page.locator(f'[data-formset="{prefix}"] > [data-formset-add]').click()
    row = _rows(page, prefix).nth(count)
    row.wait_for()
    return row


def _field(row, name):
    return row.locator(f'[name$="-{name}"]')


def _save(page):
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 0, page.locator("#form-errors").inner_text()


def _logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def _no_huyen(page):
    text = page.locator("body").inner_text()
    assert not HUYEN.search(text), (page.url, HUYEN.search(text))


def _checked_pdf(content: bytes, *, margins: bool = True) -> str:
    assert content[:4] == b"%PDF"
    assert pdfcheck.nd30_problems(content, margins=margins) == []
    text = pdfcheck.pdf_text(content)
    assert not HUYEN.search(text), text
    return text


def _get(page, url: str) -> bytes:
    response = page.request.get(url)
    assert response.status == 200, (url, response.status)
    return response.body()


def test_browser_commune_plan_with_hamlet_quotas_whole_cycle(
    today_map, page, browser_login, live_server, tmp_path
):
    commune, hamlets = today_map
    loc_thuan, dai_tin = hamlets["21952-01"], hamlets["21952-04"]
    today = datetime.date.today()
    year = today.year + 1

    # The commune office's staff: a draft from the standard wording, which says "xã", not "huyện".
    browser_login("chuyenvien.tuyphuoc", DEMO_PASSWORD)
    assert "Chuyên viên cơ quan ban hành" in page.locator("main").inner_text()
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Tạo kế hoạch mới").click()
    page.select_option("select[name=kind]", "poverty")
    page.fill("input[name=year]", str(year))
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_load_state()
    match = re.search(r"/ke-hoach/(\d+)/$", page.url)
    assert match, page.url
    plan_url = page.url
    plan = Plan.objects.get(pk=int(match.group(1)))
    assert plan.issuer == commune
    _no_huyen(page)

    # One session today at the commune's hall, quotas per hamlet, the commune's secretary.
    page.goto(f"{plan_url}thong-tin-chung/")
    _no_huyen(page)
    page.locator(".nav-tabs").get_by_role("link", name="Phiên đối thoại", exact=True).click()
    page.wait_for_load_state()
    session_row = _add_row(page, "phien")
    _field(session_row, "venue_name").fill("Hội trường UBND xã Tuy Phước")
    _field(session_row, "time_kind").select_option("exact")
    _field(session_row, "date").fill(today.isoformat())
    _field(session_row, "start_time").fill("07:30")
    _field(session_row, "end_time").fill("11:00")
    _save(page)
    _no_huyen(page)
    _rows(page, "phien").last.get_by_role("link", name="Suất mời, thành phần").click()
    page.wait_for_load_state()
    for hamlet, count in ((loc_thuan, 10), (dai_tin, 8)):
        quota = _add_row(page, "moi")
        _field(quota, "place").select_option(str(hamlet.pk))
        _field(quota, "count").fill(str(count))
    page.select_option("select[name=cum-secretary]", label="Lê Thị Hoa")
    _save(page)
    _no_huyen(page)
    session = plan.sessions.get()
    assert [(q.place.code, q.count) for q in session.quotas.all()] == [("21952-01", 10), ("21952-04", 8)]

    page.goto(plan_url)
    page.get_by_role("button", name="Trình duyệt").click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").first.inner_text() == "Chờ duyệt"
    _logout(page)

    # The commune's leader approves and issues; the issued PDF is an ND30 paper of the commune.
    browser_login("lanhdao.tuyphuoc", DEMO_PASSWORD)
    page.goto(plan_url)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Ban hành", exact=True).click()
    page.wait_for_load_state()
    page.fill("input[name=number]", "7")
    page.fill("input[name=issued_on]", today.isoformat())
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").first.inner_text() == "Đã ban hành"
    _no_huyen(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    plan_pdf = open(download_info.value.path(), "rb").read()
    text = _checked_pdf(plan_pdf)
    assert "XÃ TUY PHƯỚC" in text and "Số: 07/KH-UBND" in text
    (tmp_path / "plan.pdf").write_bytes(plan_pdf)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    _logout(page)

    # The hamlet's contact: the session on the first screen, the hamlet's own list.
    browser_login("truongthon", DEMO_PASSWORD)
    home = page.locator("main").inner_text()
    assert "Thôn Lộc Thuận" in home or "thôn Lộc Thuận" in home
    assert page.locator(f'#upcoming-sessions [data-session="{session.pk}"]').count() == 1
    page.screenshot(path="/tmp/h11-truongthon-home.png", full_page=True)
    _no_huyen(page)
    own_list = page.get_by_role("link", name="Danh sách thôn Lộc Thuận")
    assert own_list.get_attribute("href") == f"/phien/{session.pk}/xa/21952-01/"
    page.locator(f'#upcoming-sessions [data-session="{session.pk}"] a').first.click()
    page.wait_for_load_state()
    rows = page.locator("#fill-rates tbody tr").evaluate_all("rows => rows.map(r => r.dataset.commune)")
    assert rows == ["21952-01"]  # only their own hamlet
    _no_huyen(page)
    page.get_by_role("link", name="Thôn Lộc Thuận", exact=True).click()
    page.wait_for_load_state()
    list_url = page.url
    assert list_url == f"{live_server.url}/phien/{session.pk}/xa/21952-01/"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Danh sách"]
    for offset, row in enumerate(PEOPLE):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=value)
    workbook.save(path)
    page.get_by_role("link", name="Tải danh sách lên").click()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    statuses = page.locator("#preview-rows tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["new", "new", "new"]
    _no_huyen(page)
    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert page.url == list_url
    assert (
        page.locator(".alert-success").inner_text().strip() == "Đã nhập 3 người vào danh sách thôn Lộc Thuận."
    )
    page.screenshot(path="/tmp/h11-hamlet-list.png", full_page=True)
    _no_huyen(page)
    people = list(Participant.objects.filter(session=session).order_by("row_number"))
    assert [(p.commune.code, p.hamlet.code) for p in people] == [("21952-01", "21952-01")] * 3

    # The hamlet's letters, printed by its contact: one a page, the hamlet and the commune named.
    letters = _get(page, f"{live_server.url}/thong-bao/phien/{session.pk}/giay-moi/in/?commune=21952-01")
    text = _checked_pdf(letters)
    assert "thôn Lộc Thuận, xã Tuy Phước" in pdfcheck.squash(text)
    # Another hamlet's list is not theirs.
    assert page.request.get(f"{live_server.url}/phien/{session.pk}/xa/21952-04/").status == 403
    _logout(page)

    # The office: the invitations page, the sign-in sheet and the offices' letters.
    browser_login("chuyenvien.tuyphuoc", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/phien/{session.pk}/")
    assert page.locator("#fill-rates tbody tr").evaluate_all("r => r.map(x => x.dataset.commune)") == [
        "21952-01",
        "21952-04",
    ]
    _no_huyen(page)
    page.get_by_role("link", name="Giấy mời", exact=True).click()
    page.wait_for_load_state()
    _no_huyen(page)
    _checked_pdf(_get(page, f"{live_server.url}/phien/{session.pk}/xa/21952-01/danh-sach-ky-nhan/"))

    # Check-in at the door (the session is today): the letter's code as a scanner types it.
    page.goto(f"{live_server.url}/phien/{session.pk}/")
    page.get_by_role("link", name="Điểm danh", exact=True).click()
    page.wait_for_load_state()
    page.fill("#id_token", checkin_token(session_id=session.pk, participant_id=people[0].pk))
    page.get_by_role("button", name="Điểm danh", exact=True).first.click()
    page.wait_for_load_state()
    assert "Đã điểm danh Nguyễn Thị Mai" in page.locator(".alert-success").inner_text()
    page.reload()  # the scan answers without a page load; the table counts on the next one
    row = page.locator('#attendance tr[data-commune="21952-01"] td')
    assert row.all_inner_texts()[:4] == ["Thôn Lộc Thuận", "10", "3", "1 (10%)"]
    _no_huyen(page)
    assert Attendance.objects.filter(session=session).count() == 1

    # The results report, printed by the worker from the plan page.
    page.goto(plan_url)
    page.locator("#start-report").click()
    download_link = page.get_by_role("link", name="Tải báo cáo kết quả (PDF)")
    download_link.wait_for()
    _no_huyen(page)
    report = _get(page, live_server.url + download_link.get_attribute("href"))
    text = _checked_pdf(report)
    assert "XÃ TUY PHƯỚC" in text
