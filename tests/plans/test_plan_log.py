"""The plan's workflow log (who returned it and why) is for the office only (issue 15, item 8)."""

import pytest
from django.urls import reverse

from plans.models import Plan, PlanStatus
from plans.planfile import import_plan
from plans.services import workflow

from ..matrix_rows import plan_file

REASON = "Thiếu dự toán kinh phí cho phiên xã Phước An"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _returned_then_approved(world) -> Plan:
    plan = import_plan(data=plan_file(world), user=world.users["district_staff"])
    workflow.submit_plan(plan=plan, user=world.users["district_staff"])
    workflow.return_plan(plan=plan, user=world.users["leader"], reason=REASON)
    workflow.submit_plan(plan=plan, user=world.users["district_staff"])
    plan = workflow.approve_plan(plan=plan, user=world.users["leader"])
    assert plan.status == PlanStatus.APPROVED
    return plan


@pytest.mark.parametrize("role", ["commune_official", "department_officer"])
def test_plan_page_hides_workflow_log_from_communes_and_units(world, login, role):
    plan = _returned_then_approved(world)
    response = login(world.users[role]).get(reverse("plans:plan.detail", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON not in page
    assert 'id="plan-events"' not in page


@pytest.mark.parametrize("role", ["district_staff", "leader", "secretary"])
def test_plan_page_shows_workflow_log_to_the_office(world, login, role):
    plan = _returned_then_approved(world)
    response = login(world.users[role]).get(reverse("plans:plan.detail", args=[plan.pk]))
    assert f"Trả lại để sửa: {REASON}" in response.content.decode()
