"""New plans: a draft from the standard wording of its kind, a copy of a plan for another
year, a draft imported from a plan file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.roles import user_place
from directory.models import Place

from ..models import Plan, PlanKind, PlanStatus
from ..parts import plan_parts
from ..planfile import PlanFileError, export_plan, import_plan
from .events import record_event

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# The seed plan whose standard wording a new plan of each kind starts from.
KIND_TEMPLATES = {
    PlanKind.POVERTY: "000_tuy_phuoc_2024.json",
    PlanKind.CHAIRMAN: "003_nhon_hung_2024.json",
    PlanKind.FARMERS: "001_sa_loong_2023.json",
    PlanKind.WOMEN: "004_gia_lai_2024.json",
    PlanKind.YOUTH: "004_gia_lai_2024.json",
    PlanKind.OTHER: "000_tuy_phuoc_2024.json",
}


def _shift_years(text: str, old: int, new: int) -> str:
    return re.sub(rf"\b{old}\b", str(new), text) if old != new else text


def _retarget(data: dict, *, issuer, year: int) -> dict:
    """Point a plan-file dict at another issuer and year, as a fresh draft."""
    old_year = data.get("year") or year
    for key in ("summary", "preamble", "closing"):
        if data.get(key):
            data[key] = _shift_years(data[key], old_year, year)

    def walk(blocks):
        for block in blocks:
            for key in ("title", "text"):
                if block.get(key):
                    block[key] = _shift_years(block[key], old_year, year)
            walk(block.get("children", []))

    walk(data.get("blocks", []))
    data.update(
        issuer=issuer.code,
        year=year,
        number=None,
        issued_on=None,
        status=PlanStatus.DRAFT,
        replaces_number="",
        replaces_date=None,
        replaces_issuer="",
    )
    for part in plan_parts():
        for item in data.get(part.key, []):
            part.retarget(item, year)
    return data


@transaction.atomic
def create_plan(*, user, issuer, kind: str, year: int) -> Plan:
    """Start a draft for `issuer` pre-filled with the standard wording of its kind.

    The parts other apps keep (the sessions) are left out: their venues and quotas belong to
    the template's own communes.
    """
    data = json.loads((SEEDS_DIR / KIND_TEMPLATES[PlanKind(kind)]).read_text(encoding="utf-8"))
    data = _retarget(data, issuer=issuer, year=year)
    data.update(kind=kind, place_name=issuer.name, draft_month=None, legal_bases=[])
    data.update({part.key: [] for part in plan_parts()})
    data["appendices"] = []

    def strip_units(blocks):
        for block in blocks:
            block["unit"] = None
            strip_units(block.get("children", []))

    strip_units(data.get("blocks", []))
    plan = import_plan(data=data, user=user)
    record_event(
        plan=plan, user=user, action="create", description=f"Tạo dự thảo từ mẫu «{PlanKind(kind).label}»."
    )
    return plan


@transaction.atomic
def copy_plan(*, plan: Plan, user, year: int | None = None) -> Plan:
    """A new draft with everything of `plan` (sessions included), moved to `year`."""
    # A draft may have no year yet: its copy is for the current one unless told otherwise.
    year = year or (plan.year + 1 if plan.year else timezone.localdate().year)
    data = _retarget(export_plan(plan), issuer=plan.issuer, year=year)
    copy = import_plan(data=data, user=user)
    copy.copied_from = plan
    copy.save(update_fields=["copied_from"])
    record_event(
        plan=copy,
        user=user,
        action="copy",
        description=f"Sao chép từ kế hoạch {plan.number_label}"
        + (f" năm {plan.year}." if plan.year else "."),
    )
    return copy


def import_plan_file(*, data, user) -> Plan:
    """Create a draft from a plan-file dict uploaded by `user`.

    The file's issuer must lie within the user's territory. Raises PlanFileError listing
    every problem (nothing is saved then). Records an event.
    """
    territory = user_place(user)
    if territory is None:
        raise PlanFileError(["Tài khoản của bạn chưa gắn với địa bàn nào; không thể nhập kế hoạch."])
    code = data.get("issuer") if isinstance(data, dict) else None
    if code not in (None, ""):
        issuer = Place.objects.filter(code=str(code)).first()
        if issuer is not None and not issuer.is_within(territory):
            raise PlanFileError(
                [f"issuer: {issuer} nằm ngoài địa bàn của bạn ({territory}); không thể nhập kế hoạch này."]
            )
    with transaction.atomic():
        plan = import_plan(data=data, user=user)
        record_event(plan=plan, user=user, action="import", description="Nhập từ tệp kế hoạch.")
    return plan
