"""The demo's old-map district plan (Hồng Ngự, 2022) copied to 2027 on today's map in the
browser: the preview lists each old commune's successors and warns of the split, the copy lands
with today's xã Thường Phước, whose office opens it."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Role
from dialogue_portal.demo import DEMO_PASSWORD, load_demo
from directory.models import MapEra, Place
from plans.models import Plan, PlanStatus

from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[2] / "directory" / "data"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    call_command("load_directory", official=True, changes=DATA / "commune_changes.csv", stdout=StringIO())


def test_browser_copy_of_an_old_district_plan_to_todays_map(demo, page, browser_login, live_server):
    seed = Plan.objects.get(issuer__code="87-870", issuer__era=MapEra.BEFORE_2025, year=2022)
    browser_login("chuyenvien.hongngu", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{seed.pk}/")

    page.fill("input[name=year]", "2027")
    page.get_by_role("button", name="Sao chép sang bản đồ mới…").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sao chép sang năm 2027 trên bản đồ hành chính mới"
    rows = page.locator("#copy-mappings tbody tr")
    assert rows.count() == 10
    assert rows.nth(8).locator("td").all_inner_texts()[:2] == [
        "Xã Phú Thuận B",
        "Xã Long Phú Thuận, Xã Tân Long",
    ]
    assert (
        "Xã Phú Thuận B chia cho xã Long Phú Thuận, xã Tân Long"
        in page.locator("#copy-split-warnings").inner_text()
    )
    issuer = page.locator("select[name=issuer]")
    assert issuer.locator("option:checked").inner_text() == "UBND xã Thường Phước"
    page.screenshot(path="/tmp/h10-copy-preview.png", full_page=True)

    page.get_by_role("button", name="Sao chép sang năm 2027").click()
    page.wait_for_load_state()
    copy = Plan.objects.get(copied_from=seed)
    new_commune = Place.objects.get(era=MapEra.FROM_2025, name="Thường Phước")
    assert (copy.issuer, copy.year, copy.status) == (new_commune, 2027, PlanStatus.DRAFT)
    alerts = page.locator(".alert").all_inner_texts()
    assert any("Đã sao chép thành dự thảo năm 2027 của UBND xã Thường Phước" in a for a in alerts), alerts
    page.screenshot(path="/tmp/h10-copy-done.png", full_page=True)

    # The office of today's commune opens the copy: every session on today's map.
    UserFactory(username="vanphong.thuongphuoc", role=Role.DISTRICT_STAFF, place=new_commune)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    browser_login("vanphong.thuongphuoc")
    page.goto(f"{live_server.url}/ke-hoach/{copy.pk}/")
    assert "Xã Thường Phước" in page.locator("body").inner_text()
    page.screenshot(path="/tmp/h10-copy-opened.png", full_page=True)


def test_browser_preview_of_the_tuy_phuoc_plan_sums_merged_quotas(demo, page, browser_login, live_server):
    seed = Plan.objects.get(
        issuer__code="52-550", issuer__era=MapEra.BEFORE_2025, year=2024, copied_from=None
    )
    browser_login("chuyenvien", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{seed.pk}/sao-chep/ban-do-moi/?nam=2027")

    merged = page.locator("#copy-merged-quotas tbody tr")
    assert [merged.nth(i).locator("td").all_inner_texts() for i in range(merged.count())] == [
        ["Phiên 1", "Xã Tuy Phước Đông", "xã Phước Hòa (150) + xã Phước Thắng (50)", "200"],
        ["Phiên 3", "Xã Tuy Phước", "xã Phước Lộc (100) + thị trấn Tuy Phước (100)", "200"],
    ]
    assert page.locator("select[name=issuer] option").all_inner_texts() == [
        "UBND tỉnh Gia Lai",
        "UBND xã Tuy Phước",
        "UBND xã Tuy Phước Bắc",
        "UBND xã Tuy Phước Đông",
        "UBND xã Tuy Phước Tây",
    ]
    assert page.locator("select[name=issuer] option:checked").inner_text() == "UBND xã Tuy Phước"
    page.screenshot(path="/tmp/h10-copy-preview-merge.png", full_page=True)
