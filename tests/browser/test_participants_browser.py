"""A commune official sends a participant list in the browser: template, a bad row, fix, confirm;
another commune's official cannot see it."""

import openpyxl
import pytest

from plans.models import Plan, PlanStatus
from sessions.models import Participant, Quota
from sessions.participants.workbook import FIRST_DATA_ROW

from ..sessions.participant_data import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    [1, "Nguyễn Thị Mai", 1978, "Lộc Thượng", "Hộ nghèo", "0912345678", "052178000111", ""],
    [2, "Trần Văn Hùng", 1965, "Lộc Thượng", "hộ cận nghèo", "", "052065000222", ""],
    [3, "Lê Văn Tám", 1990, "Lộc Thượng", "Hội viên Hội Nông dân", "0987654321", "05209", ""],
]
FIXED_ID = "052090000333"


def fill_template(path, rows):
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Danh sách"]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=value)
    workbook.save(path)


def upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()


def test_browser_commune_official_uploads_list_then_other_commune_cannot_see_it(
    world, page, browser_login, live_server, tmp_path
):
    session = make_session(world, venue="Nhà văn hóa xã Phước Hòa")
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    Quota.objects.create(session=session, place=world.other_commune, count=40, position=1)

    browser_login("canboxa")
    page.get_by_role("link", name="Phiên đối thoại", exact=True).click()
    page.get_by_role("link", name="Nhà văn hóa xã Phước Hòa").click()
    page.get_by_role("link", name="Xã Phước Hòa", exact=True).click()
    list_url = page.url
    assert list_url == f"{live_server.url}/phien/{session.pk}/xa/52-550-03/"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    download = download_info.value
    assert download.suggested_filename == f"mau-danh-sach-phien-{session.pk}-52-550-03.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # One bad CCCD: the preview names the row and the field, and offers no confirmation.
    fill_template(path, PEOPLE)
    page.get_by_role("link", name="Tải danh sách lên").click()
    upload(page, path)
    statuses = page.locator("#preview-rows tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["new", "new", "error"]
    message = page.locator('#preview-rows tr[data-row="8"] .row-message').inner_text()
    assert message.startswith("Dòng 8, cột «Số CCCD»: ")
    assert page.locator("#confirm-import").count() == 0
    assert Participant.objects.count() == 0

    # Fixed file: all new, confirmed, listed.
    fixed = [*PEOPLE[:2], [*PEOPLE[2][:6], FIXED_ID, ""]]
    fill_template(path, fixed)
    upload(page, path)
    statuses = page.locator("#preview-rows tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["new", "new", "new"]
    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert page.url == list_url
    assert (
        page.locator(".alert-success").inner_text().strip() == "Đã nhập 3 người vào danh sách xã Phước Hòa."
    )
    names = page.locator("#participants tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Lê Văn Tám", "Nguyễn Thị Mai", "Trần Văn Hùng"]  # by name, in Vietnamese order
    assert Participant.objects.filter(session=session, commune=world.commune).count() == 3

    # The other commune's official: no access to the list, and only their own quota on the list page.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    browser_login("canboxa2")
    response = page.goto(list_url)
    assert response.status == 403
    page.goto(f"{live_server.url}/phien/")
    row = page.locator(f'#session-list tr[data-session="{session.pk}"]')
    assert row.locator(".fill-registered").inner_text() == "0"
    assert row.locator(".fill-quota").inner_text() == "40"
    assert "150" not in page.locator("#session-list").inner_text()
