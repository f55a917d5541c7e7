"""A draft may be incomplete (issue 12, section 2): importing, saving and previewing a draft
never demand a signer, closing, venue, place, year or summary; missing parts print as dotted
blanks where a clerk writes by hand; the plan page lists the gaps (plans.services.completeness),
and submit and issue refuse a plan with gaps, one Vietnamese message each."""

from __future__ import annotations

import copy
import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from plans.models import Plan, PlanStatus, Recipient
from plans.planfile import import_plan
from plans.rendering import (
    BLANK_CLOSING,
    BLANK_PLACE,
    BLANK_SUMMARY,
    BLANK_YEAR,
    build_document,
    load_plan_for_document,
)
from plans.selectors import plan_for_page
from plans.services import completeness, creation, workflow
from plans.services.errors import PlanWorkflowError

from ..matrix_rows import plan_file
from ..pdfcheck import find_line, find_lines, open_pdf, text_lines
from ..sessions.test_editor_views import _session_row
from .test_views import _details, _formset, _messages, _staff, _url

pytestmark = pytest.mark.django_db

EMPTY_DATE_LINE = f"{BLANK_PLACE}, ngày tháng năm {BLANK_YEAR}"  # squashed: the day and month are spaces

# What a plan file with nothing but its issuer lacks, in the order the document prints it.
EMPTY_GAPS = [
    "Chưa có địa danh ghi ngày tháng.",
    "Chưa có năm của kế hoạch.",
    "Chưa có trích yếu.",
    "Kế hoạch chưa có mục nội dung nào.",
    "Chưa có câu kết.",
    "Chưa có nơi nhận.",
    "Chưa có chức vụ người ký.",
    "Chưa có người ký.",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _empty_file(world, **extra) -> dict:
    """A plan file with only what identifies it: every optional field left out."""
    return {"file": "dialogue-plan", "version": 1, "issuer": world.district.code, **extra}


def _sessions_file(world) -> dict:
    """An empty draft with one section holding the sessions table, and two sessions of which
    the second has no venue yet."""
    return _empty_file(
        world,
        blocks=[
            {
                "kind": "section",
                "title": "Thời gian, địa điểm",
                "children": [{"kind": "sessions_table"}],
            }
        ],
        sessions=[
            {"venue_name": "Nhà văn hóa xã Phước Hòa", "time_kind": "later"},
            {"time_kind": "later"},
        ],
    )


def _import(world, data: dict, **kwargs) -> Plan:
    return import_plan(data=copy.deepcopy(data), user=world.users["district_staff"], **kwargs)


# ---------------------------------------------------------------- import


def test_import_file_with_every_optional_field_left_out_is_a_draft(world):
    plan = _import(world, _empty_file(world))

    plan.refresh_from_db()
    assert (
        plan.status,
        plan.kind,
        plan.year,
        plan.summary,
        plan.place_name,
        plan.closing,
        plan.signer_title,
        plan.signer_name,
    ) == (PlanStatus.DRAFT, "other", None, "", "", "", "", "")


def test_import_file_with_every_optional_field_empty_is_a_draft(world):
    data = _empty_file(
        world,
        year=None,
        summary="",
        place_name="",
        closing="",
        signer_authority="",
        signer_delegation="",
        signer_title="",
        signer_name="",
        draft_month=None,
        legal_bases=[],
        blocks=[],
        budget_lines=[],
        sessions=[{"venue_name": "", "time_kind": "later"}],
        recipients=[],
        appendices=[],
    )

    plan = _import(world, data)

    assert (plan.year, plan.summary, plan.sessions.get().venue_name) == (None, "", "")


def test_import_view_takes_an_empty_draft_file(world, login):
    upload = SimpleUploadedFile(
        "nhap.json", json.dumps(_empty_file(world)).encode(), content_type="application/json"
    )

    response = _staff(world, login).post(_url("plan.import"), {"file": upload})

    plan = Plan.objects.get()
    assert response["Location"] == _url("plan.detail", plan.pk)
    assert (plan.status, plan.summary) == (PlanStatus.DRAFT, "")


def _complete_file(world) -> dict:
    """A complete plan file, with the clusters block besides the sessions table."""
    data = plan_file(world, draft_month=4)
    data["blocks"][1]["children"].append({"kind": "clusters"})
    return data


# ---------------------------------------------------------------- the plan page and the preview


def test_plan_page_lists_every_gap_of_an_empty_draft(world, login):
    plan = _import(world, _sessions_file(world))

    response = _staff(world, login).get(_url("plan.detail", plan.pk))

    expected = [
        "Chưa có địa danh ghi ngày tháng.",
        "Chưa có năm của kế hoạch.",
        "Chưa có trích yếu.",
        "Chưa có địa điểm phiên 2.",
        "Chưa có câu kết.",
        "Chưa có nơi nhận.",
        "Chưa có chức vụ người ký.",
        "Chưa có người ký.",
    ]
    assert response.context["problems"] == expected
    html = response.content.decode()
    listed = re.search(r'<ul class="mb-0" id="plan-gaps">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", listed) == [escape(gap) for gap in expected]


def test_plan_page_of_an_approved_plan_lists_what_issuing_needs(world, login):
    plan = _import(world, plan_file(world, status="approved", signer_name=""), keep_status=True)

    response = login(world.users["leader"]).get(_url("plan.detail", plan.pk))

    assert response.context["problems"] == ["Chưa có người ký."]
    assert "cần bổ sung trước khi ban hành" in response.content.decode()


def test_preview_of_an_empty_draft_is_a_pdf_with_its_blanks(world, login):
    plan = _import(world, _empty_file(world))

    response = _staff(world, login).get(_url("plan.preview", plan.pk))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    lines = text_lines(open_pdf(response.content).pages[0])
    assert find_line(lines, EMPTY_DATE_LINE).italic
    assert [line.squashed for line in find_lines(lines, BLANK_SUMMARY)] == [BLANK_SUMMARY]
    assert find_line(lines, f"{BLANK_CLOSING}./.").upright


# ---------------------------------------------------------------- saving in the forms


def test_details_form_saves_a_draft_without_summary_place_year_closing_or_signer(world, login):
    plan = _import(world, plan_file(world))
    emptied = dict(summary="", place_name="", year="", closing="", signer_title="", signer_name="")

    response = _staff(world, login).post(_url("plan.edit", plan.pk), _details(plan, **emptied))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.place_name, plan.year, plan.closing, plan.signer_title, plan.signer_name) == (
        "",
        "",
        None,
        "",
        "",
        "",
    )


def test_details_form_sets_the_year_of_a_draft_that_had_none(world, login):
    plan = _import(world, _empty_file(world))

    response = _staff(world, login).post(_url("plan.edit", plan.pk), _details(plan, year="2026"))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.year == 2026
    assert (
        build_document(load_plan_for_document(plan.pk)).date_line
        == f"{BLANK_PLACE}, ngày     tháng     năm 2026"
    )


def test_sessions_form_saves_a_session_without_venue(world, login):
    plan = _import(world, plan_file(world))
    data = _formset("phien", [_session_row(venue_name="")])

    response = _staff(world, login).post(_url("plan.sessions", plan.pk), data)

    assert response.status_code == 302
    assert [s.venue_name for s in plan.sessions.all()] == [""]
    assert completeness.plan_gaps(plan) == ["Chưa có địa điểm phiên 1."]


def test_copy_of_a_draft_without_year_is_for_the_current_year(world):
    plan = _import(world, _empty_file(world))

    copy_ = creation.copy_plan(plan=plan, user=world.users["district_staff"])

    assert copy_.year == datetime.date.today().year


# ---------------------------------------------------------------- submit and issue


def test_submit_of_an_empty_draft_lists_every_gap_and_changes_nothing(world):
    plan = _import(world, _empty_file(world))

    with pytest.raises(PlanWorkflowError) as excinfo:
        workflow.submit_plan(plan=plan, user=world.users["district_staff"])

    assert (excinfo.value.message, excinfo.value.errors) == (
        "Kế hoạch chưa đủ nội dung để trình duyệt.",
        EMPTY_GAPS,
    )
    plan.refresh_from_db()
    assert (plan.status, plan.events.count()) == (PlanStatus.DRAFT, 0)


def test_submit_button_shows_one_message_per_gap(world, login):
    plan = _import(world, _sessions_file(world))

    response = _staff(world, login).post(_url("plan.submit", plan.pk))

    assert response["Location"] == _url("plan.detail", plan.pk)
    assert _messages(response) == [
        "Kế hoạch chưa đủ nội dung để trình duyệt.",
        "Chưa có địa danh ghi ngày tháng.",
        "Chưa có năm của kế hoạch.",
        "Chưa có trích yếu.",
        "Chưa có địa điểm phiên 2.",
        "Chưa có câu kết.",
        "Chưa có nơi nhận.",
        "Chưa có chức vụ người ký.",
        "Chưa có người ký.",
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def _approved_with_gaps(world) -> Plan:
    """An approved plan that still lacks its closing and a recipient (a file kept its status)."""
    plan = _import(world, plan_file(world, status="approved", closing=""), keep_status=True)
    Recipient.objects.filter(plan=plan).delete()
    return plan


def test_issue_of_a_plan_with_gaps_lists_them_and_changes_nothing(world):
    plan = _approved_with_gaps(world)

    with pytest.raises(PlanWorkflowError) as excinfo:
        workflow.issue_plan(
            plan=plan, user=world.users["leader"], number=15, issued_on=datetime.date(2024, 4, 10)
        )

    assert (excinfo.value.message, excinfo.value.errors) == (
        "Kế hoạch chưa đủ nội dung để ban hành.",
        ["Chưa có câu kết.", "Chưa có nơi nhận."],
    )
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on, plan.issued_sha256, plan.events.count()) == (
        PlanStatus.APPROVED,
        None,
        None,
        "",
        0,
    )


def test_issue_form_shows_one_error_per_gap(world, login):
    plan = _approved_with_gaps(world)

    response = login(world.users["leader"]).post(
        _url("plan.issue", plan.pk), {"number": "15", "issued_on": "2024-04-10", "confirm": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Kế hoạch chưa đủ nội dung để ban hành.",
        "Chưa có câu kết.",
        "Chưa có nơi nhận.",
    ]
    html = response.content.decode()
    assert escape("Chưa có nơi nhận.") in html
    plan.refresh_from_db()
    assert (plan.status, plan.number) == (PlanStatus.APPROVED, None)


def test_complete_plan_has_no_gaps(world):
    plan = _import(world, _complete_file(world))

    assert completeness.plan_gaps(plan) == []


def test_plan_gaps_of_the_plan_page_plan_take_no_query(world, django_assert_num_queries):
    plan = plan_for_page(_import(world, _sessions_file(world)).pk)

    with django_assert_num_queries(0):
        gaps = completeness.plan_gaps(plan)

    assert gaps[3] == "Chưa có địa điểm phiên 2."
