"""An incomplete draft in the browser: district staff import a plan file holding only its
issuer and one session without a venue, see on the plan page what is still missing, and the
submit button answers with one message per gap (issue 12, section 2)."""

import json

import pytest

from plans.models import Plan, PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAPS = [
    "Chưa có địa danh ghi ngày tháng.",
    "Chưa có năm của kế hoạch.",
    "Chưa có trích yếu.",
    "Chưa có địa điểm phiên 2.",
    "Chưa có câu kết.",
    "Chưa có nơi nhận.",
    "Chưa có chức vụ người ký.",
    "Chưa có người ký.",
]


def test_browser_empty_draft_imported_lists_its_gaps_and_cannot_be_submitted(
    world, page, browser_login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    plan_file = tmp_path / "du-thao.json"
    plan_file.write_text(
        json.dumps(
            {
                "file": "dialogue-plan",
                "version": 1,
                "issuer": world.district.code,
                "blocks": [
                    {
                        "kind": "section",
                        "title": "Thời gian, địa điểm",
                        "children": [{"kind": "sessions_table"}],
                    }
                ],
                "sessions": [
                    {"venue_name": "Nhà văn hóa xã Phước Hòa", "time_kind": "later"},
                    {"time_kind": "later"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )

    browser_login("chuyenvien")
    page.goto(f"{live_server.url}/ke-hoach/nhap-tep/")
    page.set_input_files("input[name=file]", str(plan_file))
    page.get_by_role("button", name="Nhập tệp kế hoạch").click()
    page.wait_for_load_state()

    plan = Plan.objects.get()
    assert page.url == f"{live_server.url}/ke-hoach/{plan.pk}/"
    gaps = page.locator("#plan-gaps li")
    assert gaps.all_inner_texts() == GAPS
    assert page.locator("h1").inner_text() == "KẾ HOẠCH (chưa có trích yếu)"
    page.screenshot(path="/tmp/h9-empty-draft-plan-page.png", full_page=True)

    page.get_by_role("button", name="Trình duyệt").click()
    page.wait_for_load_state()

    alerts = page.locator(".alert-danger, .alert-error").all_inner_texts()
    assert [text.strip() for text in alerts] == ["Kế hoạch chưa đủ nội dung để trình duyệt.", *GAPS]
    page.screenshot(path="/tmp/h9-empty-draft-submit-refused.png", full_page=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
