"""The plan's life through the services: editing a draft part by part, then
draft → submitted → approved → issued, and who may take each step."""

import datetime
import hashlib

import pytest

from directory.models import Place, Unit
from plans import services
from plans.models import BlockKind, Plan, PlanBlock, PlanStatus
from plans.planfile import PlanFileError, import_plan
from sessions.models import Session, TimeKind

from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _plan(world, **overrides) -> Plan:
    keep = "status" in overrides
    return import_plan(
        data=plan_file(world, **overrides), user=world.users["district_staff"], keep_status=keep
    )


def _actions(plan) -> list[str]:
    return list(plan.events.order_by("at", "id").values_list("action", flat=True))


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


# ---------------------------------------------------------------- workflow


def test_plan_workflow_draft_to_issued_stores_number_date_and_pdf(world):
    staff, leader = world.users["district_staff"], world.users["leader"]
    plan = _plan(world)

    services.submit_plan(plan=plan, user=staff)
    services.approve_plan(plan=plan, user=leader)
    issued = services.issue_plan(plan=plan, user=leader, number=15, issued_on=datetime.date(2024, 4, 10))

    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on, plan.number_year) == (
        PlanStatus.ISSUED,
        15,
        datetime.date(2024, 4, 10),
        2024,
    )
    with plan.issued_pdf.open("rb") as stored:
        content = stored.read()
    assert content[:4] == b"%PDF"
    assert plan.issued_sha256 == hashlib.sha256(content).hexdigest()
    assert issued.issued_sha256 == plan.issued_sha256
    assert _actions(plan) == ["submit", "approve", "issue"]
    issue_event = plan.events.get(action="issue")
    assert (issue_event.user, issue_event.description) == (leader, "Ban hành số 15/KH-UBND ngày 10/04/2024.")
    assert issue_event.changes == {"number": 15, "issued_on": "2024-04-10", "sha256": plan.issued_sha256}


def test_issue_plan_duplicate_number_changes_nothing(world):
    leader = world.users["leader"]
    _plan(world, status="issued", number=15, issued_on="2024-03-01")
    approved = _plan(world, status="approved")

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.issue_plan(plan=approved, user=leader, number=15, issued_on=datetime.date(2024, 4, 10))

    assert excinfo.value.message == "Số 15/KH-UBND năm 2024 đã được dùng cho kế hoạch khác."
    approved.refresh_from_db()
    assert (approved.status, approved.number, approved.issued_on, approved.issued_sha256) == (
        PlanStatus.APPROVED,
        None,
        None,
        "",
    )
    assert _actions(approved) == []


def test_submit_plan_incomplete_is_refused_and_status_unchanged(world):
    plan = _plan(world)
    PlanBlock.objects.filter(plan=plan, parent__title="Thời gian, địa điểm").delete()

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.submit_plan(plan=plan, user=world.users["district_staff"])

    assert excinfo.value.errors == ["Mục 2 «Thời gian, địa điểm» chưa có nội dung."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_return_plan_sends_approved_plan_back_to_draft_with_reason(world):
    plan = _plan(world, status="approved")

    services.return_plan(plan=plan, user=world.users["leader"], reason="Bổ sung kinh phí.")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.events.get().description == "Trả lại để sửa: Bổ sung kinh phí."


ROLES = [
    "district_staff",
    "leader",
    "secretary",
    "commune_official",
    "other_commune_official",
    "department_officer",
]


@pytest.mark.parametrize(
    ("perm", "status", "allowed"),
    [
        ("plans.change_plan", "draft", {"district_staff"}),
        ("plans.submit_plan", "draft", {"district_staff"}),
        ("plans.approve_plan", "submitted", {"leader"}),
        ("plans.return_plan", "submitted", {"leader"}),
        ("plans.return_plan", "approved", {"leader"}),
        ("plans.issue_plan", "approved", {"leader"}),
        ("plans.approve_plan", "draft", set()),
        ("plans.issue_plan", "submitted", set()),
        ("plans.change_plan", "issued", set()),
        ("plans.submit_plan", "issued", set()),
        ("plans.copy_plan", "issued", {"district_staff"}),
        ("plans.view_plan", "draft", {"district_staff", "leader", "secretary"}),
        ("plans.view_plan", "issued", set(ROLES)),
    ],
)
def test_plan_rules_each_role(world, perm, status, allowed):
    extra = {"number": 3, "issued_on": "2024-04-01"} if status == "issued" else {}
    plan = _plan(world, status=status, **extra)

    got = {role for role in ROLES if world.users[role].has_perm(perm, plan)}

    assert got == allowed


def test_plan_rules_other_district_staff_forbidden(world):
    from accounts.models import Role
    from directory.models import PlaceKind

    from ..factories import PlaceFactory, UserFactory

    other_district = PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)
    outsider = UserFactory(username="chuyenvien2", role=Role.DISTRICT_STAFF, place=other_district)
    plan = _plan(world)

    assert [
        outsider.has_perm(p, plan) for p in ("plans.view_plan", "plans.change_plan", "plans.copy_plan")
    ] == [
        False,
        False,
        False,
    ]


# ---------------------------------------------------------------- editing services


def _save_calls(world, plan):
    """Every editing service called with valid data for `plan`."""
    section = plan.blocks.filter(parent=None).order_by("position").first()
    session = plan.sessions.first()
    return {
        "update_plan_details": lambda user: services.update_plan_details(
            plan=plan, user=user, data={"summary": "Trích yếu mới"}
        ),
        "save_legal_bases": lambda user: services.save_legal_bases(plan=plan, user=user, rows=[]),
        "save_sections": lambda user: services.save_sections(
            plan=plan, user=user, rows=[{"id": section.pk, "title": "Mục mới", "role": "purposes"}]
        ),
        "save_section_blocks": lambda user: services.save_section_blocks(
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
        "save_budget_lines": lambda user: services.save_budget_lines(
            plan=plan, user=user, rows=[{"source": "Ngân sách huyện", "amount": 1000}]
        ),
        "save_recipients": lambda user: services.save_recipients(
            plan=plan, user=user, rows=[{"name": "Sở Tài chính", "suffix": ""}], archive="VT"
        ),
        "save_sessions": lambda user: services.save_sessions(
            plan=plan, user=user, rows=[{"venue_name": "Hội trường", "time_kind": TimeKind.LATER}]
        ),
        "save_session_details": lambda user: services.save_session_details(
            plan=plan, session=session, user=user, quotas=[], composition=[], communes=[]
        ),
        "save_appendices": lambda user: services.save_appendices(plan=plan, user=user, appendices=[]),
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
    before = services.export_plan(plan)

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        _save_calls(world, plan)[name](world.users["district_staff"])

    assert excinfo.value.message.startswith(
        f"Kế hoạch đang ở trạng thái «{PlanStatus(status).label}», không thể sửa."
    )
    assert services.export_plan(plan) == before
    assert plan.events.count() == 0


def test_update_plan_details_records_changed_fields_only(world):
    plan = _plan(world)

    services.update_plan_details(
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

    services.save_section_blocks(
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

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.save_section_blocks(
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

    services.save_sections(
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

    with pytest.raises(services.PlanWorkflowError):
        services.save_sections(
            plan=plan, user=world.users["district_staff"], rows=[{"id": foreign.pk, "title": "X", "role": ""}]
        )

    assert plan.blocks.filter(parent=None).count() == 3


def test_save_sessions_keeps_quotas_of_kept_session(world):
    plan = _plan(world)
    session = plan.sessions.get()
    row = {
        "name": "",
        "venue_address": "",
        "host_commune": world.commune,
        "date": None,
        "start_time": None,
        "end_time": None,
        "month": None,
        "quarter": None,
        "year": None,
        "format": "in_person",
        "total_participants": None,
    }

    services.save_sessions(
        plan=plan,
        user=world.users["district_staff"],
        rows=[
            {**row, "venue_name": "Hội trường UBND huyện", "time_kind": TimeKind.LATER},
            {
                **row,
                "id": session.pk,
                "venue_name": session.venue_name,
                "time_kind": TimeKind.QUARTER,
                "quarter": 2,
                "year": 2024,
                "month": 4,
            },
        ],
    )

    sessions = list(plan.sessions.order_by("position"))
    assert [(s.venue_name, s.time_label) for s in sessions] == [
        ("Hội trường UBND huyện", "Thông báo sau"),
        ("Nhà văn hóa xã Phước Hòa", "Quý II/2024"),
    ]
    assert sessions[1].pk == session.pk
    assert sessions[1].month is None
    assert [(q.place.code, q.count) for q in sessions[1].quotas.all()] == [("52-550-03", 150)]


def test_save_sessions_missing_month_is_refused(world):
    plan = _plan(world)

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.save_sessions(
            plan=plan,
            user=world.users["district_staff"],
            rows=[{"venue_name": "Hội trường", "time_kind": TimeKind.MONTH, "month": None, "year": 2024}],
        )

    assert excinfo.value.errors == ["Dòng 1: Chọn thời gian theo tháng thì phải nhập tháng (1–12) và năm."]
    assert Session.objects.filter(plan=plan).count() == 1


def test_save_sessions_refuses_to_delete_session_with_participants_or_questions(world):
    from feedback.models import Channel, Question, Topic
    from sessions.models import Participant, ParticipantCategory

    plan = _plan(world)
    session = plan.sessions.get()
    Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Nguyễn Thị Mai",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    Question.objects.create(
        session=session,
        commune=world.commune,
        text="Hỏi về đường giao thông",
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.first(),
    )

    with pytest.raises(services.SessionInUseError) as excinfo:
        services.save_sessions(
            plan=plan,
            user=world.users["district_staff"],
            rows=[{"venue_name": "Hội trường mới", "time_kind": TimeKind.LATER}],
        )

    assert excinfo.value.errors == [
        "Phiên «Nhà văn hóa xã Phước Hòa» đã có danh sách người tham dự và câu hỏi; không xóa được."
    ]
    assert excinfo.value.sessions == {session.pk: excinfo.value.errors[0]}
    assert list(plan.sessions.values_list("pk", flat=True)) == [session.pk]
    assert (session.participants.count(), session.questions.count()) == (1, 1)
    assert "edit_sessions" not in _actions(plan)


def test_save_sessions_refuses_to_delete_session_with_check_ins(world):
    from notifications.models import Attendance
    from sessions.models import ParticipantCategory

    plan = _plan(world)
    session = plan.sessions.get()
    Attendance.objects.create(
        session=session,
        full_name="Trần Văn Bình",
        commune=world.commune,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
        walk_in=True,
        checked_in_at=datetime.datetime(2024, 4, 20, 8, 0, tzinfo=datetime.UTC),
    )

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.save_sessions(plan=plan, user=world.users["district_staff"], rows=[])

    assert excinfo.value.errors == ["Phiên «Nhà văn hóa xã Phước Hòa» đã có người điểm danh; không xóa được."]
    assert plan.sessions.count() == 1


def test_save_sessions_deletes_session_without_participants_or_questions(world):
    plan = _plan(world)

    services.save_sessions(
        plan=plan,
        user=world.users["district_staff"],
        rows=[{"venue_name": "Hội trường mới", "time_kind": TimeKind.LATER}],
    )

    assert [s.venue_name for s in plan.sessions.all()] == ["Hội trường mới"]


def test_save_session_details_replaces_quotas_composition_and_communes(world):
    plan = _plan(world)
    session = plan.sessions.get()

    services.save_session_details(
        plan=plan,
        session=session,
        user=world.users["district_staff"],
        quotas=[{"place": world.other_commune, "count": 50}, {"place": world.hamlet, "count": 40}],
        composition=[
            {
                "label": "Tổ công tác huyện",
                "count": 7,
                "multiplier": None,
                "multiplier_label": "",
                "style": "plain",
            }
        ],
        communes=[world.commune, world.other_commune],
    )

    assert [(q.place.name, q.count) for q in session.quotas.all()] == [("Phước An", 50), ("Lộc Thượng", 40)]
    assert [(g.label, g.total) for g in session.composition.all()] == [("Tổ công tác huyện", 7)]
    assert sorted(p.name for p in session.communes.all()) == ["Phước An", "Phước Hòa"]


def test_save_session_details_duplicate_place_is_refused(world):
    plan = _plan(world)
    session = plan.sessions.get()

    with pytest.raises(services.PlanWorkflowError) as excinfo:
        services.save_session_details(
            plan=plan,
            session=session,
            user=world.users["district_staff"],
            quotas=[{"place": world.commune, "count": 50}, {"place": world.commune, "count": 40}],
            composition=[],
            communes=[],
        )

    assert excinfo.value.errors == ["Dòng 2: xã Phước Hòa đã có ở dòng 1."]
    assert [q.count for q in session.quotas.all()] == [150]


def test_save_budget_lines_negative_amount_is_refused(world):
    plan = _plan(world)

    with pytest.raises(services.PlanWorkflowError):
        services.save_budget_lines(
            plan=plan, user=world.users["district_staff"], rows=[{"source": "X", "amount": -1}]
        )

    assert list(plan.budget_lines.values_list("amount", flat=True)) == [64500000]


def test_save_appendices_rebuilds_rows(world):
    plan = _plan(world)

    services.save_appendices(
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


def test_import_plan_file_outside_territory_is_refused(world):
    from directory.models import PlaceKind

    from ..factories import PlaceFactory

    PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)

    with pytest.raises(PlanFileError) as excinfo:
        services.import_plan_file(data=plan_file(world, issuer="52-551"), user=world.users["district_staff"])

    assert excinfo.value.errors == [
        "issuer: huyện An Nhơn nằm ngoài địa bàn của bạn (huyện Tuy Phước); không thể nhập kế hoạch này."
    ]
    assert Plan.objects.count() == 0


def test_import_plan_file_records_event(world):
    plan = services.import_plan_file(data=plan_file(world), user=world.users["district_staff"])

    assert (plan.status, plan.issuer, _actions(plan)) == (PlanStatus.DRAFT, world.district, ["import"])
    assert Place.objects.get(code=plan.issuer.code) == world.district
