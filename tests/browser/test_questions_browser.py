"""Issue 6 in the browser: the secretary enters three questions at the session and sends one to a
written reply, the unit records its reply, and the district's results report shows it closed."""

import datetime
import io

import pdfplumber
import pytest
from django.utils import timezone

from core.vietnamese import short_date
from feedback.models import Question, QuestionStatus
from plans.models import Plan, PlanStatus

from ..notifications.conftest import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    ("Việc làm", "Xin hỗ trợ vay vốn để học nghề may cho con em hộ nghèo."),
    ("Bảo hiểm y tế", "Thẻ bảo hiểm y tế của hộ cận nghèo khi nào được cấp lại?"),
    ("Nhà ở", "Hộ nghèo xây nhà ở được hỗ trợ bao nhiêu tiền và nộp hồ sơ ở đâu?"),
]


def _logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def test_browser_session_questions_to_written_reply_and_report(world, page, browser_login, live_server):
    today = timezone.localdate()
    session = make_session(world, date=today, secretary=world.users["secretary"])
    Plan.objects.filter(pk=session.plan_id).update(
        status=PlanStatus.ISSUED, number=15, issued_on=today - datetime.timedelta(days=30)
    )

    # The secretary enters three questions during the session.
    browser_login("thuky")
    page.goto(f"{live_server.url}/phien/{session.pk}/")
    page.get_by_role("link", name="Nhập câu hỏi tại hội nghị").click()
    for topic, text in QUESTIONS:
        page.get_by_label("Nội dung câu hỏi").fill(text)
        page.get_by_label("Lĩnh vực").select_option(label=topic)
        page.get_by_label("Xã, phường").select_option(value=str(world.commune.pk))
        page.get_by_role("button", name="Lưu và nhập câu tiếp theo").click()
        page.wait_for_load_state()
        assert page.locator(".alert-success").inner_text().startswith("Đã ghi câu hỏi số")
    assert page.locator("#recent-questions li").count() == 3
    first, second, third = Question.objects.filter(session=session).order_by("pk")

    # Two answered on the spot, the third sent to a written reply by the Labour office.
    for question, summary in ((first, "Được vay tối đa 100 triệu đồng"), (second, "Cấp lại trong tháng")):
        page.goto(f"{live_server.url}/cau-hoi/{question.pk}/")
        page.get_by_role("link", name="Đã trả lời tại hội nghị").click()
        page.get_by_label("Tóm tắt nội dung trả lời").fill(summary)
        page.get_by_label("Người trả lời").fill("Phó Chủ tịch UBND huyện")
        page.get_by_role("button", name="Ghi nhận đã trả lời tại hội nghị").click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/cau-hoi/{third.pk}/")
    page.get_by_role("link", name="Trả lời bằng văn bản").click()
    due = today + datetime.timedelta(days=15)
    page.get_by_label("Hạn trả lời bằng văn bản").fill(due.isoformat())
    page.get_by_label("Đơn vị chủ trì trả lời").select_option(label=str(world.unit))
    page.get_by_role("button", name="Chuyển trả lời bằng văn bản").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").inner_text().strip() == "Câu hỏi sẽ được trả lời bằng văn bản."
    _logout(page)

    # The unit finds it in its queue and records its reply document: the question closes.
    browser_login("donvi")
    page.goto(f"{live_server.url}/cau-hoi/")
    page.get_by_role("link", name=QUESTIONS[2][1][:40], exact=False).first.click()
    page.get_by_role("link", name="Ghi nhận văn bản trả lời").click()
    page.get_by_label("Số văn bản").fill("215/LĐTBXH")
    page.get_by_label("Ngày văn bản").fill(today.isoformat())
    page.get_by_role("button", name="Ghi nhận văn bản trả lời và đóng").click()
    page.wait_for_load_state()
    assert "câu hỏi đã đóng" in page.locator(".alert-success").inner_text()
    third.refresh_from_db()
    assert third.status == QuestionStatus.CLOSED
    _logout(page)

    # District staff print the results report: the question is shown closed with the reply.
    browser_login("chuyenvien")
    page.goto(f"{live_server.url}/ke-hoach/{session.plan_id}/")
    # The report is built by a job with a progress bar; its download link appears when done.
    page.get_by_role("button", name="Tạo báo cáo kết quả (PDF)").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải báo cáo kết quả (PDF)").click()
    content = open(download_info.value.path(), "rb").read()
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        rows = [
            [" ".join((cell or "").split()) for cell in row]
            for page_ in pdf.pages
            for table in page_.extract_tables()
            for row in table
        ]

    def row_of(text):
        return next(row for row in rows if text in row)

    assert row_of(QUESTIONS[2][1])[-2:] == [
        "Phòng Lao động - TB&XH",
        f"Đã đóng. Đã trả lời bằng văn bản số 215/LĐTBXH ngày {short_date(today)}.",
    ]
    assert row_of(QUESTIONS[0][1])[-1].startswith("Đã trả lời tại hội nghị. Được vay tối đa 100 triệu đồng")
