"""A plan written in the browser by district staff, then approved and issued by the leader."""

import datetime
import io
import re

import pdfplumber
import pytest

from core.vietnamese import date_line
from dialogue_portal.demo import DEMO_PASSWORD, load_demo
from directory.models import Place
from plans.models import Plan, PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()


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


def _tab(page, name):
    page.locator(".nav-tabs").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def _logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def test_browser_plan_written_by_staff_then_approved_and_issued(demo, page, browser_login, live_server):
    year = datetime.date.today().year
    issued_on = datetime.date.today()

    # District staff: a new poverty-dialogue plan.
    browser_login("chuyenvien", DEMO_PASSWORD)
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

    # Details: summary, place, signer.
    page.goto(f"{plan_url}thong-tin-chung/")
    page.fill("textarea[name=summary]", f"Tổ chức hội nghị đối thoại chính sách giảm nghèo năm {year}")
    page.fill("input[name=place_name]", "Tuy Phước")
    page.fill("input[name=signer_title]", "Phó Chủ tịch")
    page.fill("input[name=signer_name]", "Nguyễn Hùng Tân")
    _save(page)

    # A new section with a heading and two bullets.
    _tab(page, "Các mục")
    row = _add_row(page, "muc")
    _field(row, "title").fill("Nội dung đối thoại")
    _field(row, "role").select_option("content")
    _save(page)
    _rows(page, "muc").last.get_by_role("link", name="Sửa nội dung").click()
    page.wait_for_load_state()
    heading = _add_row(page, "dong")
    _field(heading, "kind").select_option("heading")
    _field(heading, "title").fill("Chủ đề")
    for text in ("Chính sách hỗ trợ hộ nghèo.", "Chính sách tín dụng ưu đãi."):
        bullet = _add_row(page, "dong")
        _field(bullet, "kind").select_option("bullet")
        _field(bullet, "depth").select_option("2")
        _field(bullet, "text").fill(text)
    _save(page)

    # Budget: the template's lines replaced by one line of 64.500.000 đồng.
    _tab(page, "Kinh phí")
    for i in range(_rows(page, "kinhPhi").count()):
        _rows(page, "kinhPhi").nth(i).get_by_role("button", name="Xóa").click()
    line = _add_row(page, "kinhPhi")
    _field(line, "source").fill("Kinh phí thực hiện Dự án 6 thuộc Chương trình MTQG giảm nghèo bền vững")
    _field(line, "amount").fill("64.500.000")
    _save(page)

    # One session, then its quota.
    _tab(page, "Phiên đối thoại")
    phuoc_hoa = Place.objects.get(code="52-550-03")
    session = _add_row(page, "phien")
    _field(session, "venue_name").fill("Nhà văn hóa xã Phước Hòa")
    _field(session, "host_commune").select_option(str(phuoc_hoa.pk))
    _field(session, "time_kind").select_option("month")
    _field(session, "month").fill("4")
    _field(session, "year").fill(str(year))
    _field(session, "total_participants").fill("200")
    _save(page)
    _rows(page, "phien").last.get_by_role("link", name="Suất mời, thành phần").click()
    page.wait_for_load_state()
    quota = _add_row(page, "moi")
    _field(quota, "place").select_option(str(phuoc_hoa.pk))
    _field(quota, "count").fill("200")
    _save(page)

    # Recipients.
    _tab(page, "Nơi nhận")
    recipient = _add_row(page, "noiNhan")
    _field(recipient, "name").fill("UBND xã Phước Hòa")
    _field(recipient, "suffix").fill("(t/hiện)")
    _save(page)

    page.goto(plan_url)
    page.get_by_role("button", name="Trình duyệt").click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").first.inner_text() == "Chờ duyệt"

    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert [(b.source[:30], b.amount) for b in plan.budget_lines.all()] == [
        ("Kinh phí thực hiện Dự án 6 thu", 64500000)
    ]
    section = plan.blocks.get(parent=None, title="Nội dung đối thoại")
    heading_block = section.children.get()
    assert [c.text for c in heading_block.children.all()] == [
        "Chính sách hỗ trợ hộ nghèo.",
        "Chính sách tín dụng ưu đãi.",
    ]
    assert [(q.place.name, q.count) for q in plan.sessions.get().quotas.all()] == [("Phước Hòa", 200)]

    # The leader approves and issues with number 15.
    _logout(page)
    browser_login("lanhdao", DEMO_PASSWORD)
    page.goto(plan_url)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").first.inner_text() == "Đã duyệt"
    page.get_by_role("link", name="Ban hành", exact=True).click()
    page.wait_for_load_state()
    page.fill("input[name=number]", "15")
    page.fill("input[name=issued_on]", issued_on.isoformat())
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").first.inner_text() == "Đã ban hành"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    download = download_info.value
    content = open(download.path(), "rb").read()
    assert content[:4] == b"%PDF"
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "Số: 15/KH-UBND" in text
    assert date_line("Tuy Phước", issued_on) in text
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on) == (PlanStatus.ISSUED, 15, issued_on)
