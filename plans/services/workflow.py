"""The plan's workflow: draft → submitted → approved → issued, and back to draft.

Each step checks, in the service, that the user may take it (role and territory, as
plans.rules says); the status is checked under the row lock, so two clicks cannot both win.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.roles import is_district_staff, is_leader

from ..documents import render_plan
from ..models import Plan, PlanStatus
from ..rules import plan_in_territory
from .completeness import plan_gaps
from .errors import PlanWorkflowError
from .events import record_event

# Who may take each step, as plans.rules says less the status (checked under the lock, so that
# a plan already moved on is told as such, not as a refusal).
_STAFF_OF_ISSUER = is_district_staff & plan_in_territory
_LEADER_OF_ISSUER = is_leader & plan_in_territory


def _check_user(user, plan: Plan, *, allowed, message: str) -> None:
    if user is None or not allowed(user, plan):
        raise PlanWorkflowError(message)


def _transition(plan: Plan, *, expected: set[str], new: str) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status not in expected:
        raise PlanWorkflowError(
            f"Kế hoạch đang ở trạng thái «{locked.get_status_display()}», không thể thực hiện thao tác này."
        )
    locked.status = new
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def submit_plan(*, plan: Plan, user) -> Plan:
    """Draft → submitted for the leader's approval. Refuses an incomplete plan, and a user
    who is not district staff of the issuer's territory."""
    _check_user(
        user,
        plan,
        allowed=_STAFF_OF_ISSUER,
        message="Chỉ chuyên viên của cơ quan ban hành mới trình duyệt được kế hoạch.",
    )
    errors = plan_gaps(plan)
    if errors:
        raise PlanWorkflowError("Kế hoạch chưa đủ nội dung để trình duyệt.", errors)
    plan = _transition(plan, expected={PlanStatus.DRAFT}, new=PlanStatus.SUBMITTED)
    record_event(plan=plan, user=user, action="submit", description="Trình lãnh đạo duyệt.")
    return plan


@transaction.atomic
def approve_plan(*, plan: Plan, user) -> Plan:
    """Submitted → approved, by a leader of the issuer's territory."""
    _check_user(
        user,
        plan,
        allowed=_LEADER_OF_ISSUER,
        message="Chỉ lãnh đạo của cơ quan ban hành mới duyệt được kế hoạch.",
    )
    plan = _transition(plan, expected={PlanStatus.SUBMITTED}, new=PlanStatus.APPROVED)
    record_event(plan=plan, user=user, action="approve", description="Lãnh đạo duyệt kế hoạch.")
    return plan


@transaction.atomic
def return_plan(*, plan: Plan, user, reason: str) -> Plan:
    """Send a submitted or approved plan back to draft, with the leader's reason."""
    _check_user(
        user,
        plan,
        allowed=_LEADER_OF_ISSUER,
        message="Chỉ lãnh đạo của cơ quan ban hành mới trả lại được kế hoạch.",
    )
    if not reason.strip():
        raise PlanWorkflowError("Cần ghi rõ lý do trả lại kế hoạch.")
    plan = _transition(plan, expected={PlanStatus.SUBMITTED, PlanStatus.APPROVED}, new=PlanStatus.DRAFT)
    record_event(plan=plan, user=user, action="return", description=f"Trả lại để sửa: {reason.strip()}")
    return plan


def next_number(*, plan: Plan, year: int) -> int:
    used = Plan.objects.filter(issuer=plan.issuer, symbol=plan.symbol, number_year=year).aggregate(
        m=Max("number")
    )["m"]
    return (used or 0) + 1


def issue_plan(
    *, plan: Plan, user, number: int | None = None, issued_on: datetime.date | None = None
) -> Plan:
    """Approved → issued: give the number and date, freeze, store the issued PDF and its SHA-256.

    The number is unique per issuer, symbol and year; a duplicate is refused and nothing
    changes, as is a plan that still lacks a part (plans.services.completeness, one error
    each). Only a leader of the issuer's territory issues.
    """
    _check_user(
        user,
        plan,
        allowed=_LEADER_OF_ISSUER,
        message="Chỉ lãnh đạo của cơ quan ban hành mới ban hành được kế hoạch.",
    )
    issued_on = issued_on or timezone.localdate()
    try:
        with transaction.atomic():
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            if locked.status != PlanStatus.APPROVED:
                raise PlanWorkflowError("Chỉ ban hành được kế hoạch đã được duyệt.")
            gaps = plan_gaps(locked)
            if gaps:
                raise PlanWorkflowError("Kế hoạch chưa đủ nội dung để ban hành.", gaps)
            if number is None:
                number = next_number(plan=locked, year=issued_on.year)
            if number < 1:
                raise PlanWorkflowError("Số văn bản phải là số nguyên dương.")
            if (
                Plan.objects.filter(
                    issuer=locked.issuer, symbol=locked.symbol, number_year=issued_on.year, number=number
                )
                .exclude(pk=locked.pk)
                .exists()
            ):
                raise PlanWorkflowError(
                    f"Số {number:02d}/{locked.symbol} năm {issued_on.year} đã được dùng cho kế hoạch khác."
                )
            locked.number, locked.issued_on, locked.number_year = number, issued_on, issued_on.year
            locked.status = PlanStatus.ISSUED
            locked.save()
            document = render_plan(locked)
            locked.issued_sha256 = hashlib.sha256(document.content).hexdigest()
            locked.issued_pdf.save(document.filename, ContentFile(document.content), save=False)
            locked.save(update_fields=["issued_pdf", "issued_sha256"])
            record_event(
                plan=locked,
                user=user,
                action="issue",
                description=f"Ban hành số {locked.number_label} ngày {issued_on:%d/%m/%Y}.",
                changes={
                    "number": number,
                    "issued_on": issued_on.isoformat(),
                    "sha256": locked.issued_sha256,
                },
            )
    except IntegrityError as exc:
        raise PlanWorkflowError(
            f"Số {number:02d}/{plan.symbol} năm {issued_on.year} đã được dùng cho kế hoạch khác."
        ) from exc
    return locked
