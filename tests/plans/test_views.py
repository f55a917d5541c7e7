"""The plan pages: list, create, import, the plan page, each editor page, the workflow
buttons and the documents."""

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from directory.models import PlaceKind
from plans.models import BlockKind, Plan, PlanBlock, PlanStatus
from plans.planfile import PlanFileError, export_plan, import_plan
from plans.rendering import build_document, load_plan_for_document
from plans.selectors import plan_for_page
from plans.services import creation, editing, workflow

from ..factories import PlaceFactory, PlanFactory
from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _plan(world, **overrides) -> Plan:
    keep = "status" in overrides
    return import_plan(
        data=plan_file(world, **overrides), user=world.users["district_staff"], keep_status=keep
    )


def _url(name: str, *args) -> str:
    return reverse(f"plans:{name}", args=args)


def _formset(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    """POST data of an ordered formset: rows in the order given, ORDER filled in."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in {"ORDER": str(i + 1), **row}.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _staff(world, login):
    return login(world.users["district_staff"])


# ---------------------------------------------------------------- list


def test_plan_list_query_count_same_for_1_and_10_plans(world, login, django_assert_num_queries):
    client = _staff(world, login)
    _plan(world)
    client.get(_url("plan.list"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        response = client.get(_url("plan.list"))
    assert len(response.context["plans"]) == 1
    for _ in range(9):
        _plan(world)

    with django_assert_num_queries(len(one)):
        response = client.get(_url("plan.list"))

    assert len(response.context["plans"]) == 10


def test_plan_list_commune_official_sees_only_published_plans(world, login):
    _plan(world)
    _plan(world, status="submitted")
    approved = _plan(world, status="approved")
    issued = _plan(world, status="issued", number=4, issued_on="2024-04-02")

    response = login(world.users["commune_official"]).get(_url("plan.list"))

    assert sorted(p.pk for p in response.context["plans"]) == sorted([approved.pk, issued.pk])


def test_plan_list_filters_by_status_and_year(world, login):
    draft = _plan(world)
    _plan(world, status="submitted")
    _plan(world, year=2023)

    response = _staff(world, login).get(_url("plan.list"), {"status": "draft", "year": "2024"})

    assert [p.pk for p in response.context["plans"]] == [draft.pk]


def test_plan_list_pages_keep_the_filters(world, login):
    PlanFactory.create_batch(26, issuer=world.district, year=2024)
    PlanFactory(issuer=world.district, year=2023)
    client = _staff(world, login)

    first = client.get(_url("plan.list"), {"status": "draft", "year": "2024"})
    second = client.get(_url("plan.list"), {"status": "draft", "year": "2024", "page": "2"})

    assert first.context["page_obj"].paginator.count == 26
    assert 'href="?status=draft&amp;year=2024&amp;page=2">Trang sau</a>' in first.content.decode()
    assert 'href="?status=draft&amp;year=2024&amp;page=1">Trang trước</a>' in second.content.decode()
    assert len(second.context["plans"]) == 1


# ---------------------------------------------------------------- create, copy, import


def test_plan_create_makes_draft_of_the_kind_for_users_district(world, login):
    response = _staff(world, login).post(_url("plan.create"), {"kind": "poverty", "year": "2025"})

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("plan.detail", plan.pk)
    assert (plan.issuer, plan.kind, plan.year, plan.status, plan.place_name) == (
        world.district,
        "poverty",
        2025,
        PlanStatus.DRAFT,
        "Tuy Phước",
    )
    assert list(plan.events.values_list("action", flat=True)) == ["create"]


def test_plan_create_year_out_of_range_shows_error(world, login):
    response = _staff(world, login).post(_url("plan.create"), {"kind": "poverty", "year": "1999"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"year": ["Năm phải là số từ 2000 đến 2100."]}
    assert Plan.objects.count() == 0


def test_plan_copy_makes_draft_for_next_year(world, login):
    issued = _plan(world, status="issued", number=4, issued_on="2024-04-02")

    response = _staff(world, login).post(_url("plan.copy", issued.pk), {"year": "2025"})

    copy = Plan.objects.get(copied_from=issued)
    assert response["Location"] == _url("plan.detail", copy.pk)
    assert (copy.year, copy.status, copy.number, copy.sessions.count()) == (2025, PlanStatus.DRAFT, None, 1)


def test_plan_page_links_the_source_plan_only_for_who_may_open_it(world, login):
    draft = _plan(world)
    issued = _plan(world, status="issued", number=4, issued_on="2024-04-02")
    Plan.objects.filter(pk=issued.pk).update(copied_from=draft)
    source_url = _url("plan.detail", draft.pk)

    staff_page = _staff(world, login).get(_url("plan.detail", issued.pk)).content.decode()
    commune_page = login(world.users["commune_official"]).get(_url("plan.detail", issued.pk)).content.decode()

    assert f'Sao chép từ <a href="{source_url}">Dự thảo /KH-UBND năm 2024</a>' in staff_page
    assert "Sao chép từ Dự thảo /KH-UBND năm 2024</div>" in commune_page
    assert source_url not in commune_page


def _upload(content: bytes, name: str = "ke-hoach.json"):
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_plan_import_valid_file_creates_draft(world, login):
    content = json.dumps(plan_file(world, status="issued", number=3, issued_on="2024-02-01")).encode()

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    plan = Plan.objects.get()
    assert response["Location"] == _url("plan.detail", plan.pk)
    assert (plan.status, plan.number, plan.created_by) == (
        PlanStatus.DRAFT,
        None,
        world.users["district_staff"],
    )


def test_plan_import_invalid_json_shows_vietnamese_message(world, login):
    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(b'{"file": "dialogue-plan",')})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["Tệp không phải JSON hợp lệ: tên trường phải đặt trong dấu ngoặc kép (dòng 1, cột 26)."]
    }
    assert Plan.objects.count() == 0


def test_plan_import_file_saved_by_notepad_with_bom_creates_draft(world, login):
    content = "\ufeff".encode() + json.dumps(plan_file(world), ensure_ascii=False).encode()

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    plan = Plan.objects.get()
    assert response["Location"] == _url("plan.detail", plan.pk)
    assert plan.status == PlanStatus.DRAFT


def test_plan_import_file_not_utf8_shows_vietnamese_message(world, login):
    content = json.dumps(plan_file(world), ensure_ascii=False).encode("utf-16")

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    assert response.context["form"].errors == {"file": ["Tệp không phải văn bản UTF-8, không đọc được."]}
    assert Plan.objects.count() == 0


def test_plan_import_file_errors_are_all_listed_and_nothing_saved(world, login):
    data = plan_file(world, kind="khong-co", colour="đỏ")
    data["blocks"][0]["children"][0]["kind"] = "table"
    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=data)
    content = json.dumps(data).encode()

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    assert response.status_code == 200
    errors = response.context["form"].file_errors
    assert errors == excinfo.value.errors
    assert [error.split(":")[0] for error in errors] == ["colour", "kind", "blocks[0].children[0].kind"]
    html = response.content.decode()
    assert [escape(error) in html for error in errors] == [True, True, True]
    assert Plan.objects.count() == 0


def test_plan_import_issuer_outside_territory_is_refused(world, login):
    content = json.dumps(plan_file(world, issuer=world.province.code)).encode()

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    assert response.context["form"].file_errors == [
        "issuer: tỉnh Bình Định nằm ngoài địa bàn của bạn (huyện Tuy Phước); không thể nhập kế hoạch này."
    ]
    assert Plan.objects.count() == 0


def test_plan_export_round_trips_through_import(world, login):
    plan = _plan(world)

    response = _staff(world, login).get(_url("plan.export", plan.pk))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="ke-hoach-2024-du-thao-{plan.pk}.json"'
    data = json.loads(response.content)
    assert data == export_plan(plan)
    assert export_plan(import_plan(data=data)) | {"status": "draft"} == data


# ---------------------------------------------------------------- the plan page


def _plan_with_blocks(world, count: int) -> Plan:
    bullets = [{"kind": "bullet", "text": f"Ý {i}."} for i in range(count - 1)]
    data = plan_file(world)
    data["blocks"][0]["children"] = [{"kind": "heading", "title": "Mục đích", "children": bullets}]
    return import_plan(data=data, user=world.users["district_staff"])


def test_plan_detail_query_count_same_for_5_and_50_blocks(world, login, django_assert_num_queries):
    client = _staff(world, login)
    small = _plan_with_blocks(world, 5)
    large = _plan_with_blocks(world, 50)
    client.get(_url("plan.detail", small.pk))
    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(_url("plan.detail", small.pk))
    assert response.context["sections"][0]["count"] == 5

    with django_assert_num_queries(len(small_queries)):
        response = client.get(_url("plan.detail", large.pk))

    assert response.context["sections"][0]["count"] == 50


def test_plan_detail_shows_parts_problems_and_staff_buttons(world, login):
    plan = _plan(world)
    PlanBlock.objects.filter(plan=plan, parent__title="Kinh phí thực hiện").delete()

    response = _staff(world, login).get(_url("plan.detail", plan.pk))

    assert [(s["number"], s["block"].title, s["count"]) for s in response.context["sections"]] == [
        ("I", "Mục đích, yêu cầu", 2),
        ("II", "Thời gian, địa điểm", 1),
        ("III", "Kinh phí thực hiện", 0),
    ]
    assert response.context["problems"] == ["Mục 3 «Kinh phí thực hiện» chưa có nội dung."]
    html = response.content.decode()
    assert f'action="{_url("plan.submit", plan.pk)}"' in html
    assert f'action="{_url("plan.approve", plan.pk)}"' not in html
    assert f'<iframe class="pdf-preview" src="{_url("plan.preview", plan.pk)}"' in html


def test_plan_detail_leader_sees_approve_not_submit(world, login):
    plan = _plan(world, status="submitted")

    html = login(world.users["leader"]).get(_url("plan.detail", plan.pk)).content.decode()

    assert (
        f'action="{_url("plan.approve", plan.pk)}"' in html,
        f'action="{_url("plan.submit", plan.pk)}"' in html,
    ) == (
        True,
        False,
    )


def test_plan_detail_forged_id_is_404(world, login):
    response = _staff(world, login).get(_url("plan.detail", 999999))

    assert response.status_code == 404


def test_plan_detail_other_district_is_403(world, login):
    other = PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)
    plan = _plan(world, issuer=other.code)

    response = _staff(world, login).get(_url("plan.detail", plan.pk))

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


# ---------------------------------------------------------------- editor pages


def test_plan_edit_get_shows_current_values(world, login):
    plan = _plan(world)

    response = _staff(world, login).get(_url("plan.edit", plan.pk))

    assert response.status_code == 200
    assert response.context["form"]["signer_name"].value() == "Nguyễn Văn Hùng"


def _details(plan, **changes) -> dict:
    data = {name: getattr(plan, name) for name in editing.PLAN_DETAIL_FIELDS}
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items() if v is not False}


def test_plan_edit_post_saves_details_and_records_event(world, login):
    plan = _plan(world)

    response = _staff(world, login).post(
        _url("plan.edit", plan.pk),
        _details(
            plan, summary="Trích yếu mới", place_name="Phước Lộc", signer_name="Lê Văn C", draft_month="4"
        ),
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.place_name, plan.signer_name, plan.draft_month) == (
        "Trích yếu mới",
        "Phước Lộc",
        "Lê Văn C",
        4,
    )
    event = plan.events.get()
    assert (event.user, event.description) == (
        world.users["district_staff"],
        "Sửa thông tin chung: trích yếu, địa danh ghi ngày tháng, tháng (dự thảo), họ tên người ký.",
    )


def test_plan_edit_post_bad_month_shows_error_and_saves_nothing(world, login):
    # A draft may lack its signer (issue 12): only the bad month is an error, and nothing is saved.
    plan = _plan(world)

    response = _staff(world, login).post(
        _url("plan.edit", plan.pk), _details(plan, signer_name="", draft_month="13")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"draft_month": ["Tháng phải từ 1 đến 12."]}
    plan.refresh_from_db()
    assert (plan.signer_name, plan.events.count()) == ("Nguyễn Văn Hùng", 0)


def test_plan_edit_issued_plan_is_403(world, login):
    plan = _plan(world, status="issued", number=5, issued_on="2024-04-02")
    client = _staff(world, login)

    responses = [
        client.get(_url(name, plan.pk))
        for name in ("plan.edit", "plan.legal_bases", "plan.sections", "plan.budget", "plan.sessions")
    ]
    post = client.post(_url("plan.recipients", plan.pk), _formset("noiNhan", []) | {"luu-archive": "VT"})

    assert [r.status_code for r in responses] + [post.status_code] == [403] * 6
    # Issue 16: the page says the plan is issued and what to do, not a bare "no access".
    for response in [*responses, post]:
        html = response.content.decode()
        assert "Kế hoạch đã ban hành, không sửa được nữa" in html
        assert "«Sao chép»" in html
        assert "Không có quyền truy cập" not in html
    assert plan.recipients.count() == 2


def test_plan_edit_submitted_plan_says_to_ask_the_leader(world, login):
    plan = _plan(world, status="submitted")

    response = _staff(world, login).get(_url("plan.sections", plan.pk))

    assert response.status_code == 403
    html = response.content.decode()
    assert "«Chờ duyệt», không sửa được" in html
    assert "đề nghị lãnh đạo trả lại kế hoạch để sửa" in html


def test_plan_edit_by_a_leader_who_never_edits_stays_a_bare_403(world, login):
    plan = _plan(world, status="issued", number=5, issued_on="2024-04-02")

    response = login(world.users["leader"]).get(_url("plan.edit", plan.pk))

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_plan_legal_bases_post_saves_rows_in_screen_order(world, login):
    plan = _plan(world)
    row = {
        "kind": "can_cu",
        "lead": "",
        "number": "",
        "date": "",
        "issuer": "",
        "title": "",
        "separator": ";",
    }
    data = _formset(
        "canCu",
        [
            {**row, "doc_type": "Luật Tổ chức chính quyền địa phương", "date": "2015-06-19"},
            {
                **row,
                "kind": "thuc_hien",
                "doc_type": "Quyết định",
                "number": "12/QĐ-UBND",
                "new_paragraph": "on",
            },
        ],
        initial=1,
    )
    data["canCu-0-ORDER"], data["canCu-1-ORDER"] = "2", "1"

    response = _staff(world, login).post(_url("plan.legal_bases", plan.pk), data)

    assert response.status_code == 302
    assert [(b.position, b.kind, b.doc_type, b.new_paragraph) for b in plan.legal_bases.all()] == [
        (0, "thuc_hien", "Quyết định", True),
        (1, "can_cu", "Luật Tổ chức chính quyền địa phương", False),
    ]


def test_plan_sections_post_renames_adds_deletes_and_reorders(world, login):
    plan = _plan(world)
    first, second, third = plan.blocks.filter(parent=None).order_by("position")
    data = _formset(
        "muc",
        [
            {"ref": third.pk, "title": "Kinh phí", "role": "budget"},
            {"ref": first.pk, "title": first.title, "role": "purposes"},
            {"ref": second.pk, "title": second.title, "role": "schedule", "DELETE": "on"},
            {"ref": "", "title": "Tổ chức thực hiện", "role": "organization"},
        ],
        initial=3,
    )

    response = _staff(world, login).post(_url("plan.sections", plan.pk), data)

    assert response.status_code == 302
    assert [(b.title, b.children.count()) for b in plan.blocks.filter(parent=None).order_by("position")] == [
        ("Kinh phí", 1),
        ("Mục đích, yêu cầu", 1),
        ("Tổ chức thực hiện", 0),
    ]


def test_plan_sections_empty_added_row_is_ignored(world, login):
    plan = _plan(world)
    sections = list(plan.blocks.filter(parent=None).order_by("position"))
    rows = [{"ref": s.pk, "title": s.title, "role": s.role} for s in sections]
    data = _formset("muc", [*rows, {"ref": "", "title": "", "role": ""}], initial=3)

    response = _staff(world, login).post(_url("plan.sections", plan.pk), data)

    assert response.status_code == 302
    assert plan.blocks.filter(parent=None).count() == 3


def _block_row(kind, depth, title="", text="", number_style="auto", unit=""):
    return {
        "kind": kind,
        "depth": str(depth),
        "title": title,
        "text": text,
        "number_style": number_style,
        "unit": unit,
    }


def test_plan_section_post_rebuilds_heading_and_bullets(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    data = _formset(
        "dong",
        [
            _block_row("heading", 1, "Mục đích"),
            _block_row("bullet", 2, text="Tuyên truyền chính sách."),
            _block_row("bullet", 2, text="Giải quyết kiến nghị."),
        ],
        initial=2,
    )

    response = _staff(world, login).post(_url("plan.section", plan.pk, section.pk), data)

    assert response.status_code == 302
    heading = section.children.get()
    assert (heading.kind, heading.title) == ("heading", "Mục đích")
    assert [(c.kind, c.text) for c in heading.children.all()] == [
        ("bullet", "Tuyên truyền chính sách."),
        ("bullet", "Giải quyết kiến nghị."),
    ]


def test_plan_section_get_lists_rows_with_depth(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")

    response = _staff(world, login).get(_url("plan.section", plan.pk, section.pk))

    formset = response.context["form"].formset
    assert [(f["kind"].value(), f["depth"].value()) for f in formset.forms] == [("heading", 1), ("bullet", 2)]


def test_plan_section_bad_depth_shows_row_error_and_saves_nothing(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    data = _formset(
        "dong",
        [
            _block_row("paragraph", 1, text="Mở đầu."),
            _block_row("bullet", 2, text="Lạc chỗ."),
            _block_row("label", 1, "", ""),
            _block_row("heading", 1, "", ""),  # an added row left as it was: skipped
        ],
    )

    response = _staff(world, login).post(_url("plan.section", plan.pk, section.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors_list == [
        "Dòng 2: Dòng cấp 2 phải nằm dưới một tiểu mục hoặc nhãn.",
        "Dòng 3: Tiểu mục hoặc nhãn cần có tiêu đề.",
    ]
    assert [(c.kind, c.title) for c in section.children.all()] == [("heading", "Mục đích")]


def test_plan_section_of_another_plan_is_404(world, login):
    plan = _plan(world)
    other = _plan(world)
    foreign = other.blocks.filter(parent=None).first()

    response = _staff(world, login).get(_url("plan.section", plan.pk, foreign.pk))

    assert response.status_code == 404


def _budget_row(amount, source="Kinh phí Dự án 6"):
    return {
        "source": source,
        "amount": amount,
        "decision_type": "",
        "decision_number": "",
        "decision_date": "",
    }


def test_plan_budget_post_accepts_amount_with_dots(world, login):
    plan = _plan(world)
    data = _formset(
        "kinhPhi", [_budget_row("64.500.000"), _budget_row("", "Các nguồn hợp pháp khác")], initial=1
    )

    response = _staff(world, login).post(_url("plan.budget", plan.pk), data)

    assert response.status_code == 302
    assert [(b.source, b.amount) for b in plan.budget_lines.all()] == [
        ("Kinh phí Dự án 6", 64500000),
        ("Các nguồn hợp pháp khác", None),
    ]


def test_plan_budget_amount_not_a_number_shows_row_error_and_saves_nothing(world, login):
    plan = _plan(world)
    data = _formset("kinhPhi", [_budget_row("64.500.000"), _budget_row("abc")], initial=1)

    response = _staff(world, login).post(_url("plan.budget", plan.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors_list == ["Dòng 2: Số tiền phải là số nguyên (đồng), ví dụ 64.500.000."]
    assert form.formset.forms[1].errors == {"amount": ["Số tiền phải là số nguyên (đồng), ví dụ 64.500.000."]}
    assert [(b.source, b.amount) for b in plan.budget_lines.all()] == [
        ("Kinh phí thực hiện Tiểu dự án 2, Dự án 6", 64500000)
    ]
    assert plan.events.count() == 0


def test_plan_recipients_post_saves_rows_and_archive(world, login):
    plan = _plan(world)
    data = _formset(
        "noiNhan", [{"name": "Sở Lao động - TB&XH", "suffix": ""}, {"name": "TT HU", "suffix": "(b/cáo)"}]
    )
    data["luu-archive"] = "VT, LĐTBXH"

    response = _staff(world, login).post(_url("plan.recipients", plan.pk), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert [r.label for r in plan.recipients.all()] == ["Sở Lao động - TB&XH", "TT HU (b/cáo)"]
    assert plan.archive == "VT, LĐTBXH"


def test_plan_appendices_post_saves_appendix_rows(world, login):
    plan = _plan(world)
    appendix = plan.appendices.get()
    data = _formset(
        "phuLuc",
        [
            {
                "ref": str(appendix.pk),
                "title": "CHƯƠNG TRÌNH",
                "subtitle": "",
                "time_text": "",
                "venue_text": "",
            }
        ],
        initial=1,
    ) | _formset(
        f"phuLuc{appendix.pk}",
        [
            {"time": "7h30 - 8h00", "content": "Đón tiếp đại biểu", "performer": "Văn phòng"},
            {"time": "8h00 - 8h15", "content": "Khai mạc", "performer": "Chủ trì"},
        ],
        initial=1,
    )

    response = _staff(world, login).post(_url("plan.appendices", plan.pk), data)

    assert response.status_code == 302
    saved = plan.appendices.get()
    assert [(r.time, r.content) for r in saved.rows.all()] == [
        ("7h30 - 8h00", "Đón tiếp đại biểu"),
        ("8h00 - 8h15", "Khai mạc"),
    ]


# ---------------------------------------------------------------- workflow


def test_plan_submit_complete_plan_goes_to_leader(world, login):
    plan = _plan(world)

    response = _staff(world, login).post(_url("plan.submit", plan.pk))

    assert response["Location"] == _url("plan.detail", plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert _messages(response) == ["Đã trình lãnh đạo duyệt kế hoạch."]


def test_plan_submit_empty_section_is_refused_with_message(world, login):
    plan = _plan(world)
    PlanBlock.objects.filter(plan=plan, parent__title="Thời gian, địa điểm").delete()

    response = _staff(world, login).post(_url("plan.submit", plan.pk))

    assert response["Location"] == _url("plan.detail", plan.pk)
    assert _messages(response) == [
        "Kế hoạch chưa đủ nội dung để trình duyệt.",
        "Mục 2 «Thời gian, địa điểm» chưa có nội dung.",
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.events.count()) == (PlanStatus.DRAFT, 0)


def test_plan_submit_get_changes_nothing_and_goes_to_the_plan_page(world, login):
    plan = _plan(world)

    response = _staff(world, login).get(_url("plan.submit", plan.pk))

    assert (response.status_code, response["Location"]) == (302, _url("plan.detail", plan.pk))
    assert _messages(response) == [
        "«Trình duyệt» chỉ thực hiện khi bấm nút trên trang; mở đường dẫn trực tiếp không thay đổi gì."
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.events.count()) == (PlanStatus.DRAFT, 0)


def test_plan_approve_by_leader(world, login):
    plan = _plan(world, status="submitted")

    response = login(world.users["leader"]).post(_url("plan.approve", plan.pk))

    plan.refresh_from_db()
    assert (response.status_code, plan.status) == (302, PlanStatus.APPROVED)


def test_plan_return_without_reason_shows_error(world, login):
    plan = _plan(world, status="submitted")

    response = login(world.users["leader"]).post(_url("plan.return", plan.pk), {"reason": "  "})

    assert response.context["form"].errors == {"reason": ["Cần ghi rõ lý do trả lại kế hoạch."]}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_plan_return_with_reason_back_to_draft(world, login):
    plan = _plan(world, status="submitted")

    login(world.users["leader"]).post(_url("plan.return", plan.pk), {"reason": "Thiếu nơi nhận."})

    plan.refresh_from_db()
    assert (plan.status, plan.events.get().description) == (
        PlanStatus.DRAFT,
        "Trả lại để sửa: Thiếu nơi nhận.",
    )


def test_returned_draft_shows_the_reason_on_top_of_the_plan_page_until_resubmitted(world, login):
    plan = _plan(world, status="submitted")
    login(world.users["leader"]).post(_url("plan.return", plan.pk), {"reason": "Thiếu nơi nhận."})
    staff = _staff(world, login)

    html = staff.get(_url("plan.detail", plan.pk)).content.decode()

    assert 'id="plan-returned"' in html
    banner = html.split('id="plan-returned"')[1].split("</div>")[0]
    assert "Kế hoạch bị trả lại để sửa" in banner and "Trả lại để sửa: Thiếu nơi nhận." in banner
    # Above the plan's contents, not only in the log at the bottom.
    assert html.index('id="plan-returned"') < html.index('id="plan-events"')
    # Once submitted again, the banner goes.
    staff.post(_url("plan.submit", plan.pk))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert 'id="plan-returned"' not in staff.get(_url("plan.detail", plan.pk)).content.decode()


def test_plan_issue_get_prefills_next_number_and_today(world, login):
    year = datetime.date.today().year
    _plan(world, status="issued", number=14, issued_on=f"{year}-01-05", year=year)
    plan = _plan(world, status="approved", year=year)

    response = login(world.users["leader"]).get(_url("plan.issue", plan.pk))

    form = response.context["form"]
    assert (form["number"].value(), form["issued_on"].value()) == (15, datetime.date.today())


def test_plan_issue_post_issues_with_number_and_date(world, login):
    plan = _plan(world, status="approved")

    response = login(world.users["leader"]).post(
        _url("plan.issue", plan.pk), {"number": "15", "issued_on": "2024-04-10", "confirm": "on"}
    )

    assert response["Location"] == _url("plan.detail", plan.pk)
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on) == (PlanStatus.ISSUED, 15, datetime.date(2024, 4, 10))


def test_plan_issue_without_confirmation_issues_nothing(world, login):
    # Issuing is irreversible: the page asks for a ticked confirmation and a POST without it
    # (a stray click, a replayed form) changes nothing.
    plan = _plan(world, status="approved")
    client = login(world.users["leader"])
    assert 'name="confirm"' in client.get(_url("plan.issue", plan.pk)).content.decode()

    response = client.post(_url("plan.issue", plan.pk), {"number": "15", "issued_on": "2024-04-10"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm": ["Hãy đánh dấu ô xác nhận: ban hành không hoàn tác được."]
    }
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_pdf.name, plan.events.count()) == (
        PlanStatus.APPROVED,
        None,
        "",
        0,
    )


def test_plan_issue_duplicate_number_shows_error_and_changes_nothing(world, login):
    _plan(world, status="issued", number=15, issued_on="2024-03-01")
    plan = _plan(world, status="approved")

    response = login(world.users["leader"]).post(
        _url("plan.issue", plan.pk), {"number": "15", "issued_on": "2024-04-10", "confirm": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": ["Số 15/KH-UBND năm 2024 đã được dùng cho kế hoạch khác."]
    }
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on, plan.events.count()) == (
        PlanStatus.APPROVED,
        None,
        None,
        0,
    )


def test_plan_issue_date_in_the_year_before_prints_that_date(world, login):
    # A 2024 plan may be issued in December 2023; the date line shows the issue date.
    plan = _plan(world, status="approved")

    response = login(world.users["leader"]).post(
        _url("plan.issue", plan.pk), {"number": "15", "issued_on": "2023-12-28", "confirm": "on"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.number_year) == (PlanStatus.ISSUED, 15, 2023)
    document = build_document(load_plan_for_document(plan.pk))
    assert document.date_line.endswith("ngày 28 tháng 12 năm 2023")


# ---------------------------------------------------------------- documents


def test_plan_pdf_of_issued_plan_serves_stored_bytes(world, login):
    plan = _plan(world, status="approved")
    workflow.issue_plan(
        plan=plan, user=world.users["leader"], number=15, issued_on=datetime.date(2024, 4, 10)
    )
    plan.refresh_from_db()
    with plan.issued_pdf.open("rb") as stored:
        stored_bytes = stored.read()

    response = login(world.users["commune_official"]).get(_url("plan.pdf", plan.pk))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="KH-UBND-15-2024.pdf"'
    assert b"".join(response.streaming_content) == stored_bytes


def test_plan_preview_is_inline_and_frameable_by_same_origin(world, login):
    plan = _plan(world)

    response = _staff(world, login).get(_url("plan.preview", plan.pk))

    assert (response["Content-Disposition"], response["X-Frame-Options"]) == (
        f'inline; filename="du-thao-KH-UBND-{plan.pk}.pdf"',
        "SAMEORIGIN",
    )
    assert response.content[:4] == b"%PDF"


# ---------------------------------------------------------------- dashboard


def test_dashboard_panels_per_role(world, login):
    mine = _plan(world)
    returned = _plan(world, status="submitted")
    workflow.return_plan(plan=returned, user=world.users["leader"], reason="Sửa lại.")
    waiting = _plan(world, status="submitted")
    issued = _plan(world, status="issued", number=2, issued_on="2024-02-02")

    def panels(role):
        response = login(world.users[role]).get(reverse("home"))
        panels = response.context["dashboard"].panels
        return [(p["title"], [plan.pk for plan in p["plans"]]) for p in panels if "plans" in p]

    assert panels("district_staff") == [
        ("Dự thảo của tôi", [returned.pk, mine.pk]),
        ("Kế hoạch bị trả lại để sửa", [returned.pk]),
    ]
    assert panels("leader") == [("Kế hoạch chờ duyệt", [waiting.pk]), ("Kế hoạch đã duyệt, chờ ban hành", [])]
    assert panels("commune_official") == [("Kế hoạch đã ban hành liên quan đến bạn", [issued.pk])]


def test_returned_plan_stays_returned_after_an_edit_until_submitted_again(world, login):
    staff, leader = world.users["district_staff"], world.users["leader"]
    returned = _plan(world, status="submitted")
    workflow.return_plan(plan=returned, user=leader, reason="Sửa lại kinh phí.")
    editing.save_budget_lines(plan=returned, user=staff, rows=[{"source": "Ngân sách huyện", "amount": 1000}])
    other = creation.import_plan_file(data=plan_file(world), user=staff)
    client = _staff(world, login)

    def returned_panel():
        panels = client.get(reverse("home")).context["dashboard"].panels
        return next(
            [plan.pk for plan in p["plans"]] for p in panels if p["title"] == "Kế hoạch bị trả lại để sửa"
        )

    def badges():
        response = client.get(_url("plan.list"))
        return {
            plan.pk: plan.workflow_action for plan in response.context["plans"]
        }, response.content.decode()

    assert returned.events.order_by("-at", "-id").first().action == "edit_budget"
    assert returned_panel() == [returned.pk]
    actions, html = badges()
    assert (actions[returned.pk], actions[other.pk]) == ("return", "import")
    assert html.count("Bị trả lại") == 1

    workflow.submit_plan(plan=returned, user=staff)
    workflow.return_plan(plan=returned, user=leader, reason="Vẫn chưa đủ.")
    editing.update_plan_details(plan=returned, user=staff, data={"summary": "Tóm tắt mới"})
    assert returned_panel() == [returned.pk]

    workflow.submit_plan(plan=returned, user=staff)
    assert returned_panel() == []
    assert "Bị trả lại" not in badges()[1]


def test_dashboard_query_count_same_for_1_and_10_plans(world, login, django_assert_num_queries):
    client = _staff(world, login)
    _plan(world)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for _ in range(9):
        _plan(world)

    with django_assert_num_queries(len(one)):
        response = client.get(reverse("home"))

    plan_panels = [p for p in response.context["dashboard"].panels if "plans" in p]
    assert len(plan_panels[0]["plans"]) == 10


def test_block_kinds_offered_exclude_section(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")

    response = _staff(world, login).get(_url("plan.section", plan.pk, section.pk))

    choices = [value for value, _label in response.context["form"].formset.empty_form.fields["kind"].choices]
    assert choices == [k for k in BlockKind.values if k != "section"]


# ---------------------------------------------------------------- forged input never gives a 500


def test_plan_section_post_without_management_form_shows_error(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")

    response = _staff(world, login).post(_url("plan.section", plan.pk, section.pk), {"dong-0-kind": "bullet"})

    assert response.status_code == 200
    assert len(response.context["form"].errors_list) == 1
    assert section.children.count() == 1


def test_plan_budget_unknown_unit_and_garbage_values_are_row_errors(world, login):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    data = _formset("dong", [_block_row("heading", "9", "Mục đích", unit="999999")])

    response = _staff(world, login).post(_url("plan.section", plan.pk, section.pk), data)

    assert response.context["form"].errors_list == [
        "Dòng 1: «Cấp»: lựa chọn không hợp lệ.",
        "Dòng 1: «Đơn vị thực hiện»: lựa chọn không hợp lệ.",
    ]


def test_plan_import_json_that_is_not_an_object_is_refused(world, login):
    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=[1, 2])

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(b"[1, 2]")})

    assert response.context["form"].file_errors == excinfo.value.errors
    assert response.context["form"].file_errors[0].startswith("(tệp): ")
    assert Plan.objects.count() == 0


def test_plan_import_numeric_issuer_outside_territory_is_refused(world, login):
    content = json.dumps(plan_file(world, issuer=int(world.province.code))).encode()

    response = _staff(world, login).post(_url("plan.import"), {"file": _upload(content)})

    assert len(response.context["form"].file_errors) == 1
    assert Plan.objects.count() == 0


@pytest.mark.parametrize("load", ["page", "document"])
def test_plan_loaders_prefetch_every_part_of_the_sessions(world, load, django_assert_num_queries):
    plan = _plan(world)
    loaded = (plan_for_page if load == "page" else load_plan_for_document)(plan.pk)

    with django_assert_num_queries(0):
        for session in loaded.sessions.all():
            parts = [session.host_commune, *session.communes.all(), *session.bridge_places.all()]
            parts += [*session.target_categories.all(), *session.invited_units.all()]
            parts += [*session.composition.all(), *[quota.place for quota in session.quotas.all()]]
        parts += [*loaded.legal_bases.all(), *loaded.budget_lines.all(), *loaded.recipients.all()]
        parts += [row for appendix in loaded.appendices.all() for row in appendix.rows.all()]
        parts += [block.unit for block in loaded.blocks.all()]
        parts.append(loaded.issuer)
