"""Editing a draft through the services, part by part: each records an event and refuses a
plan that is no longer a draft."""

import pytest

from directory.models import Unit
from plans.models import BlockKind, Plan, PlanBlock, PlanStatus
from plans.planfile import export_plan, import_plan
from plans.services import editing
from plans.services.errors import PlanWorkflowError
from sessions.editor import services as session_editing
from sessions.models import TimeKind

from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _plan(world, **overrides) -> Plan:
    keep = "status" in overrides
    return import_plan(
        data=plan_file(world, **overrides), user=world.users["district_staff"], keep_status=keep
    )


def _tree(plan) -> list[tuple]:
    """(depth, kind, title or text) of every block, depth first."""
    blocks = list(plan.blocks.order_by("position", "id"))
    children: dict = {}
    for block in blocks:
        children.setdefault(block.parent_id, []).append(block)
    out = []

    def walk(parent_id, depth):
        for block in children.get(parent_id, []):
            out.append((depth, block.kind, block.title or block.text))
            walk(block.pk, depth + 1)

    walk(None, 0)
    return out


# ---------------------------------------------------------------- editing services


def _save_calls(world, plan):
    """Every editing service called with valid data for `plan`."""
    section = plan.blocks.filter(parent=None).order_by("position").first()
    session = plan.sessions.first()
    return {
        "update_plan_details": lambda user: editing.update_plan_details(
            plan=plan, user=user, data={"summary": "Trích yếu mới"}
        ),
        "save_legal_bases": lambda user: editing.save_legal_bases(plan=plan, user=user, rows=[]),
        "save_sections": lambda user: editing.save_sections(
            plan=plan, user=user, rows=[{"id": section.pk, "title": "Mục mới", "role": "purposes"}]
        ),
        "save_section_blocks": lambda user: editing.save_section_blocks(
            plan=plan,
            section=section,
            user=user,
            rows=[
                {
                    "kind": BlockKind.PARAGRAPH,
                    "depth": 1,
                    "title": "",
                    "text": "Một đoạn.",
                    "number_style": "auto",
                }
            ],
        ),
        "save_budget_lines": lambda user: editing.save_budget_lines(
            plan=plan, user=user, rows=[{"source": "Ngân sách huyện", "amount": 1000}]
        ),
        "save_recipients": lambda user: editing.save_recipients(
            plan=plan, user=user, rows=[{"name": "Sở Tài chính", "suffix": ""}], archive="VT"
        ),
        "save_sessions": lambda user: session_editing.save_sessions(
            plan=plan, user=user, rows=[{"venue_name": "Hội trường", "time_kind": TimeKind.LATER}]
        ),
        "save_session_details": lambda user: session_editing.save_session_details(
            plan=plan, session=session, user=user, quotas=[], composition=[], communes=[]
        ),
        "save_appendices": lambda user: editing.save_appendices(plan=plan, user=user, appendices=[]),
    }


SAVE_SERVICES = [
    ("update_plan_details", "edit_details", "Sửa thông tin chung: trích yếu."),
    ("save_legal_bases", "edit_legal_bases", "Cập nhật căn cứ: 0 căn cứ (trước đó 1)."),
    (
        "save_sections",
        "edit_sections",
        "Cập nhật các mục: xóa «Thời gian, địa điểm», «Kinh phí thực hiện»; "
        "đổi tên «Mục đích, yêu cầu» thành «Mục mới».",
    ),
    ("save_section_blocks", "edit_section", "Sửa nội dung mục «Mục đích, yêu cầu»: 1 dòng."),
    ("save_budget_lines", "edit_budget", "Cập nhật kinh phí: 1 dòng, tổng 1.000 đồng."),
    ("save_recipients", "edit_recipients", "Cập nhật nơi nhận: 1 nơi nhận, lưu: VT."),
    (
        "save_sessions",
        "edit_sessions",
        "Cập nhật các phiên đối thoại: thêm «Hội trường»; xóa «Nhà văn hóa xã Phước Hòa».",
    ),
    (
        "save_session_details",
        "edit_session",
        "Cập nhật phiên «Nhà văn hóa xã Phước Hòa»: 0 xã/thôn được mời (0 người), 0 dòng thành phần, 0 xã trong cụm.",
    ),
    ("save_appendices", "edit_appendices", "Cập nhật phụ lục: không có phụ lục."),
]


@pytest.mark.parametrize(("name", "action", "description"), SAVE_SERVICES)
def test_save_service_records_event(world, name, action, description):
    staff = world.users["district_staff"]
    plan = _plan(world)

    _save_calls(world, plan)[name](staff)

    event = plan.events.get()
    assert (event.user, event.action, event.description) == (staff, action, description)


@pytest.mark.parametrize("name", [name for name, _action, _description in SAVE_SERVICES])
@pytest.mark.parametrize("status", ["submitted", "approved", "issued"])
def test_save_service_refuses_plan_not_in_draft(world, name, status):
    extra = {"number": 9, "issued_on": "2024-04-01"} if status == "issued" else {}
    plan = _plan(world, status=status, **extra)
    before = export_plan(plan)

    with pytest.raises(PlanWorkflowError) as excinfo:
        _save_calls(world, plan)[name](world.users["district_staff"])

    assert excinfo.value.message.startswith(
        f"Kế hoạch đang ở trạng thái «{PlanStatus(status).label}», không thể sửa."
    )
    assert export_plan(plan) == before
    assert plan.events.count() == 0


def test_update_plan_details_records_changed_fields_only(world):
    plan = _plan(world)

    editing.update_plan_details(
        plan=plan,
        user=world.users["district_staff"],
        data={"summary": "Trích yếu mới", "place_name": "Tuy Phước", "signer_name": "Trần Văn B"},
    )

    plan.refresh_from_db()
    assert (plan.summary, plan.signer_name) == ("Trích yếu mới", "Trần Văn B")
    event = plan.events.get()
    assert event.description == "Sửa thông tin chung: trích yếu, họ tên người ký."
    assert event.changes == {
        "summary": {
            "old": "Tổ chức các hội nghị đối thoại chính sách giảm nghèo năm 2024",
            "new": "Trích yếu mới",
        },
        "signer_name": {"old": "Nguyễn Văn Hùng", "new": "Trần Văn B"},
    }


def test_save_section_blocks_builds_tree_from_depths(world):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    unit = Unit.objects.get(code="52-550-LDTBXH")
    row = {"title": "", "text": "", "number_style": "auto"}

    editing.save_section_blocks(
        plan=plan,
        section=section,
        user=world.users["district_staff"],
        rows=[
            {**row, "kind": BlockKind.HEADING, "depth": 1, "title": "Mục đích", "unit": unit},
            {**row, "kind": BlockKind.BULLET, "depth": 2, "text": "Ý một."},
            {**row, "kind": BlockKind.LABEL, "depth": 2, "title": "Lưu ý:"},
            {**row, "kind": BlockKind.SUBBULLET, "depth": 3, "text": "Ý hai."},
            {**row, "kind": BlockKind.HEADING, "depth": 1, "title": "Yêu cầu"},
        ],
    )

    assert _tree(plan)[:6] == [
        (0, "section", "Mục đích, yêu cầu"),
        (1, "heading", "Mục đích"),
        (2, "bullet", "Ý một."),
        (2, "label", "Lưu ý:"),
        (3, "subbullet", "Ý hai."),
        (1, "heading", "Yêu cầu"),
    ]
    assert plan.blocks.get(title="Mục đích").unit == unit


def test_save_section_blocks_rejects_row_without_parent_and_saves_nothing(world):
    plan = _plan(world)
    section = plan.blocks.get(parent=None, title="Mục đích, yêu cầu")
    before = _tree(plan)

    with pytest.raises(PlanWorkflowError) as excinfo:
        editing.save_section_blocks(
            plan=plan,
            section=section,
            user=world.users["district_staff"],
            rows=[
                {"kind": BlockKind.BULLET, "depth": 1, "title": "", "text": "Ý một.", "number_style": "auto"},
                {"kind": BlockKind.BULLET, "depth": 2, "title": "", "text": "Ý hai.", "number_style": "auto"},
                {
                    "kind": BlockKind.HEADING,
                    "depth": 1,
                    "title": "Yêu cầu",
                    "text": "",
                    "number_style": "auto",
                },
                {"kind": BlockKind.HEADING, "depth": 3, "title": "Lạc", "text": "", "number_style": "auto"},
            ],
        )

    assert excinfo.value.errors == [
        "Dòng 2: dòng cấp 2 phải nằm dưới một tiểu mục hoặc nhãn.",
        "Dòng 4: dòng cấp 3 phải nằm dưới một dòng cấp 2.",
    ]
    assert _tree(plan) == before


def test_save_sections_keeps_content_of_kept_sections(world):
    plan = _plan(world)
    first, second, third = plan.blocks.filter(parent=None).order_by("position")

    editing.save_sections(
        plan=plan,
        user=world.users["district_staff"],
        rows=[
            {"id": third.pk, "title": third.title, "role": third.role},
            {"id": None, "title": "Tổ chức thực hiện", "role": "organization"},
            {"id": first.pk, "title": "Mục đích", "role": "purposes"},
        ],
    )

    assert [(depth, kind, text) for depth, kind, text in _tree(plan)] == [
        (0, "section", "Kinh phí thực hiện"),
        (1, "budget", ""),
        (0, "section", "Tổ chức thực hiện"),
        (0, "section", "Mục đích"),
        (1, "heading", "Mục đích"),
        (2, "bullet", "Tuyên truyền chính sách giảm nghèo."),
    ]
    assert not PlanBlock.objects.filter(pk=second.pk).exists()


def test_save_sections_foreign_id_is_refused(world):
    plan = _plan(world)
    other = _plan(world)
    foreign = other.blocks.filter(parent=None).first()

    with pytest.raises(PlanWorkflowError):
        editing.save_sections(
            plan=plan, user=world.users["district_staff"], rows=[{"id": foreign.pk, "title": "X", "role": ""}]
        )

    assert plan.blocks.filter(parent=None).count() == 3


def test_save_budget_lines_negative_amount_is_refused(world):
    plan = _plan(world)

    with pytest.raises(PlanWorkflowError):
        editing.save_budget_lines(
            plan=plan, user=world.users["district_staff"], rows=[{"source": "X", "amount": -1}]
        )

    assert list(plan.budget_lines.values_list("amount", flat=True)) == [64500000]


def test_save_appendices_rebuilds_rows(world):
    plan = _plan(world)

    editing.save_appendices(
        plan=plan,
        user=world.users["district_staff"],
        appendices=[
            {
                "title": "CHƯƠNG TRÌNH",
                "subtitle": "Hội nghị đối thoại",
                "time_text": "",
                "venue_text": "",
                "rows": [
                    {"time": "7h30", "content": "Đón tiếp", "performer": ""},
                    {"time": "8h00", "content": "Khai mạc", "performer": "Chủ tịch"},
                ],
            }
        ],
    )

    appendix = plan.appendices.get()
    assert [(r.time, r.content) for r in appendix.rows.all()] == [("7h30", "Đón tiếp"), ("8h00", "Khai mạc")]
