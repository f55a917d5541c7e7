"""A commune official replaces the list after the letters were printed and people checked in:
the same file again keeps everyone's letter valid at the door; a file leaving out invited people
lists them and removes them only once the box saying their letters become void is ticked."""

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Attendance
from notifications.services.checkin import check_in_participant, checkin_token
from plans.models import Plan, PlanStatus
from sessions.models import Participant, ParticipantCategory
from sessions.participants.workbook import FIRST_DATA_ROW

from ..notifications.conftest import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Nguyễn Thị Mai", "Trần Văn Hùng", "Lê Văn Tám", "Phạm Thị Lan", "Võ Văn Ba"]


def listed_session(world):
    # Dated today, so that the door is open whatever window the session's check-in has.
    session = make_session(world, date=timezone.localdate(), secretary=world.users["secretary"], quota=30)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    category = ParticipantCategory.objects.get(code="ho-ngheo")
    Participant.objects.bulk_create(
        Participant(
            session=session,
            commune=world.commune,
            hamlet=world.hamlet,
            full_name=name,
            birth_year=1970 + number,
            category=category,
            national_id=f"0520{70 + number}000{number:03d}",
            row_number=number,
        )
        for number, name in enumerate(NAMES, start=1)
    )
    return session


def upload(page, path, *, replace):
    page.set_input_files("input[name=file]", str(path))
    if replace:
        page.get_by_label("Thay thế danh sách hiện có").check()
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()


def scan(page, live_server, session, token):
    page.goto(live_server.url + reverse("notifications:checkin", args=[session.pk]))
    page.fill("#id_token", token)
    page.get_by_role("button", name="Điểm danh", exact=True).first.click()
    # The page's script posts the code and shows the answer above the field (no page load).
    answer = page.locator("#scan-results .alert .scan-message").first
    answer.wait_for()
    return answer.inner_text().strip()


def test_browser_replace_after_check_in_keeps_letters_and_asks_before_voiding_them(
    world, page, browser_login, live_server, tmp_path
):
    session = listed_session(world)
    people = {p.full_name: p for p in Participant.objects.filter(session=session)}
    tokens = {name: checkin_token(session_id=session.pk, participant_id=p.pk) for name, p in people.items()}
    list_url = f"{live_server.url}/phien/{session.pk}/xa/52-550-03/"

    # The commune prints its letters; two people are checked in at the door.
    browser_login("canboxa")
    letters = page.request.get(
        live_server.url
        + reverse("notifications:invitations.pdf", args=[session.pk])
        + f"?commune={world.commune.code}"
    )
    assert letters.headers["content-type"] == "application/pdf"
    for name in NAMES[:2]:
        check_in_participant(session=session, participant=people[name], user=world.users["secretary"])

    # Export the list and send the very same file back, replacing the list.
    page.goto(list_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất Excel").click()
    path = tmp_path / "danh-sach.xlsx"
    download_info.value.save_as(path)
    page.get_by_role("link", name="Tải danh sách lên").click()
    upload(page, path, replace=True)
    assert page.locator("#replacement-summary").inner_text() == (
        "Danh sách sau khi thay thế: giữ 5 người đã có (giữ nguyên giấy mời, mã QR và điểm danh; thông tin "
        "sửa theo tệp), thêm 0 người mới, bỏ 0 người không còn trong tệp."
    )
    assert page.locator("#removals").count() == 0
    page.screenshot(path="/tmp/h1-replace-same-file.png", full_page=True)
    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert page.url == list_url
    assert page.locator(".alert-success").inner_text().strip() == (
        "Đã cập nhật danh sách xã Phước Hòa theo tệp: giữ 5 người đã có (giấy mời và điểm danh của họ vẫn "
        "giữ nguyên), thêm 0 người mới, bỏ 0 người."
    )
    assert Attendance.objects.filter(session=session).count() == 2

    # At the door, the letters printed before the replacement still work.
    page.context.clear_cookies()
    browser_login("thuky")
    assert scan(page, live_server, session, tokens["Lê Văn Tám"]) == "Đã điểm danh Lê Văn Tám (Xã Phước Hòa)."
    assert scan(page, live_server, session, tokens["Nguyễn Thị Mai"]).startswith(
        "Nguyễn Thị Mai đã điểm danh lúc"
    )
    assert Attendance.objects.filter(session=session).count() == 3

    # A file without Trần Văn Hùng (checked in) and Võ Văn Ba (letter printed): both are listed,
    # and nothing is saved until the box is ticked.
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=2).value in ("Trần Văn Hùng", "Võ Văn Ba"):
            for column in range(1, sheet.max_column + 1):
                sheet.cell(row=row, column=column).value = None
    shorter = tmp_path / "danh-sach-moi.xlsx"
    workbook.save(shorter)
    page.context.clear_cookies()
    browser_login("canboxa")
    page.goto(list_url)
    page.get_by_role("link", name="Tải danh sách lên").click()
    upload(page, shorter, replace=True)
    removals = page.locator("#removals tbody tr")
    assert removals.evaluate_all("rows => rows.map(r => r.innerText.split('\\t').map(c => c.trim()))") == [
        ["Trần Văn Hùng", "1972", "thôn Lộc Thượng", "052072000002", "Có", "—", "Có"],
        ["Võ Văn Ba", "1975", "thôn Lộc Thượng", "052075000005", "Có", "—", "—"],
    ]
    page.locator("#replacement").screenshot(path="/tmp/h1-replace-removals.png")
    page.screenshot(path="/tmp/h1-replace-preview.png", full_page=True)

    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert (
        page.locator("#removal-refused")
        .inner_text()
        .startswith(
            "Danh sách mới bỏ 2 người đã được mời hoặc đã điểm danh (Trần Văn Hùng, Võ Văn Ba); chưa lưu gì."
        )
    )
    assert Participant.objects.filter(session=session).count() == 5
    page.screenshot(path="/tmp/h1-replace-refused.png", full_page=True)

    page.get_by_label("Tôi xác nhận bỏ 2 người").check()
    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert page.url == list_url
    assert sorted(Participant.objects.filter(session=session).values_list("full_name", flat=True)) == [
        "Lê Văn Tám",
        "Nguyễn Thị Mai",
        "Phạm Thị Lan",
    ]
    # The kept people's letters still work; the removed person's letter is void.
    page.context.clear_cookies()
    browser_login("thuky")
    assert (
        scan(page, live_server, session, tokens["Phạm Thị Lan"])
        == "Đã điểm danh Phạm Thị Lan (Xã Phước Hòa)."
    )
    assert (
        scan(page, live_server, session, tokens["Võ Văn Ba"])
        == "Người có giấy mời này không còn trong danh sách của phiên."
    )
