"""The plan's life through the services: draft → submitted → approved → issued, and who may
take each step (the services refuse whoever the rules refuse)."""

import datetime
import hashlib

import pytest

from accounts.models import Role
from directory.models import PlaceKind
from plans.models import Plan, PlanBlock, PlanStatus
from plans.planfile import import_plan
from plans.services import workflow
from plans.services.errors import PlanWorkflowError

from ..factories import PlaceFactory, UserFactory
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


# ---------------------------------------------------------------- workflow


def test_plan_workflow_draft_to_issued_stores_number_date_and_pdf(world):
    staff, leader = world.users["district_staff"], world.users["leader"]
    plan = _plan(world)

    workflow.submit_plan(plan=plan, user=staff)
    workflow.approve_plan(plan=plan, user=leader)
    issued = workflow.issue_plan(plan=plan, user=leader, number=15, issued_on=datetime.date(2024, 4, 10))

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

    with pytest.raises(PlanWorkflowError) as excinfo:
        workflow.issue_plan(plan=approved, user=leader, number=15, issued_on=datetime.date(2024, 4, 10))

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

    with pytest.raises(PlanWorkflowError) as excinfo:
        workflow.submit_plan(plan=plan, user=world.users["district_staff"])

    assert excinfo.value.errors == ["Mục 2 «Thời gian, địa điểm» chưa có nội dung."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_return_plan_sends_approved_plan_back_to_draft_with_reason(world):
    plan = _plan(world, status="approved")

    workflow.return_plan(plan=plan, user=world.users["leader"], reason="Bổ sung kinh phí.")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.events.get().description == "Trả lại để sửa: Bổ sung kinh phí."


def _issue(plan, user):
    return workflow.issue_plan(plan=plan, user=user, number=15, issued_on=datetime.date(2024, 4, 10))


WORKFLOW_STEPS = [
    # (step, plan status before, call, message)
    (
        "submit",
        "draft",
        lambda plan, user: workflow.submit_plan(plan=plan, user=user),
        "Chỉ chuyên viên của cơ quan ban hành mới trình duyệt được kế hoạch.",
    ),
    (
        "approve",
        "submitted",
        lambda plan, user: workflow.approve_plan(plan=plan, user=user),
        "Chỉ lãnh đạo của cơ quan ban hành mới duyệt được kế hoạch.",
    ),
    (
        "return",
        "submitted",
        lambda plan, user: workflow.return_plan(plan=plan, user=user, reason="Sửa lại."),
        "Chỉ lãnh đạo của cơ quan ban hành mới trả lại được kế hoạch.",
    ),
    ("issue", "approved", _issue, "Chỉ lãnh đạo của cơ quan ban hành mới ban hành được kế hoạch."),
]
# Who may not take each step: the other office roles and a commune official.
REFUSED = {
    "submit": ["leader", "secretary", "commune_official"],
    "approve": ["district_staff", "secretary", "commune_official"],
    "return": ["district_staff", "secretary", "commune_official"],
    "issue": ["district_staff", "secretary", "commune_official"],
}


@pytest.mark.parametrize(
    ("step", "status", "call", "message"), WORKFLOW_STEPS, ids=[s[0] for s in WORKFLOW_STEPS]
)
def test_workflow_service_refuses_user_without_permission_and_changes_nothing(
    world, step, status, call, message
):
    for role in REFUSED[step]:
        plan = _plan(world, status=status)

        with pytest.raises(PlanWorkflowError) as excinfo:
            call(plan, world.users[role])

        assert excinfo.value.message == message
        plan.refresh_from_db()
        assert (role, plan.status, plan.number, _actions(plan)) == (role, status, None, [])


@pytest.mark.parametrize(
    ("step", "status", "call", "message"), WORKFLOW_STEPS, ids=[s[0] for s in WORKFLOW_STEPS]
)
def test_workflow_service_refuses_office_of_another_district(world, step, status, call, message):
    other_district = PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)
    role = Role.DISTRICT_STAFF if step == "submit" else Role.LEADER
    outsider = UserFactory(username="ngoaihuyen", role=role, place=other_district)
    plan = _plan(world, status=status)

    with pytest.raises(PlanWorkflowError) as excinfo:
        call(plan, outsider)

    assert excinfo.value.message == message
    plan.refresh_from_db()
    assert (plan.status, _actions(plan)) == (status, [])


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
