"""New plans: a draft from the standard wording of its kind, a copy of a plan for another
year, a draft imported from a plan file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.roles import user_place
from core.models import UploadReceipt
from core.uploads import UploadAlreadyImported, imported_when, record_import, upload_scope
from directory.models import MapEra, Place
from plans.wording import fit_plan_data

from ..models import Plan, PlanKind, PlanStatus
from ..parts import plan_parts
from ..planfile import PlanFileError, export_plan, import_plan
from .crossing import PlanCopyAcrossError, preview_copy_across
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
    data.pop("era", None)
    if issuer.era != MapEra.BEFORE_2025:
        data["era"] = issuer.era  # the plan file's codes are read on the issuer's map
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
    data = fit_plan_data(_retarget(data, issuer=issuer, year=year), issuer)  # no "huyện" for a commune
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


class PlanAlreadyCopied(Exception):
    """The copy form's token made a copy already (a second click, a resent form)."""

    def __init__(self, receipt: UploadReceipt, copy: Plan | None):
        self.copy = copy
        self.message = f"Bản sao này đã được tạo {imported_when(receipt)}; không tạo thêm."
        super().__init__(self.message)


COPY_RECEIPT_KIND = "plan-copy"
_COPY_SCOPE = re.compile(r"\bcopy=(\d+)\b")


def _claim_copy(*, plan: Plan, user, token: str | None) -> UploadReceipt | None:
    """Claim the copy form's token inside the copy's transaction (core.uploads.record_import):
    the same form posted twice makes one copy; the second raises PlanAlreadyCopied."""
    if not token:
        return None
    try:
        return record_import(
            kind=COPY_RECEIPT_KIND,
            scope=upload_scope(plan=plan.pk),
            content=token.encode(),
            filename=f"Sao chép kế hoạch {plan.pk}",
            user=user,
            token=token,
        )
    except UploadAlreadyImported as exc:
        match = _COPY_SCOPE.search(exc.receipt.scope)
        copy = Plan.objects.filter(pk=int(match.group(1))).first() if match else None
        raise PlanAlreadyCopied(exc.receipt, copy) from None


def _finish_copy(*, plan: Plan, copy: Plan, user, receipt: UploadReceipt | None, description: str) -> Plan:
    copy.copied_from = plan
    copy.save(update_fields=["copied_from"])
    if receipt is not None:  # which copy the token made, for a second post of the form
        receipt.scope = upload_scope(plan=plan.pk, copy=copy.pk)
        receipt.save(update_fields=["scope"])
    record_event(plan=copy, user=user, action="copy", description=description)
    return copy


@transaction.atomic
def copy_plan(*, plan: Plan, user, year: int | None = None, token: str | None = None) -> Plan:
    """A new draft with everything of `plan` (sessions included), moved to `year`, on the
    plan's own map (an old-map plan to today's: copy_plan_across). With `token` (the copy form's), a second call with it raises
    PlanAlreadyCopied instead of copying again. Records an event."""
    # A draft may have no year yet: its copy is for the current one unless told otherwise.
    year = year or (plan.year + 1 if plan.year else timezone.localdate().year)
    receipt = _claim_copy(plan=plan, user=user, token=token)
    data = _retarget(export_plan(plan), issuer=plan.issuer, year=year)
    copy = import_plan(data=data, user=user)
    return _finish_copy(
        plan=plan,
        copy=copy,
        user=user,
        receipt=receipt,
        description=f"Sao chép từ kế hoạch {plan.number_label}"
        + (f" năm {plan.year}." if plan.year else "."),
    )


@transaction.atomic
def copy_plan_across(*, plan: Plan, user, year: int, issuer: Place, token: str | None = None) -> Plan:
    """A new draft of `plan` (old map) for `year` on today's map, issued by `issuer` (one of the
    preview's issuer choices): quotas and sessions moved to the communes that took the old ones
    (plans.services.crossing). One transaction; with `token`, a second call raises
    PlanAlreadyCopied. Records an event on both plans."""
    preview = preview_copy_across(plan=plan, year=year)
    if issuer.pk not in {p.pk for p in preview.issuer_choices}:
        raise PlanCopyAcrossError(f"{issuer.title_name} không phải nơi nhận địa bàn của {plan.issuer}.")
    receipt = _claim_copy(plan=plan, user=user, token=token)
    data = _retarget(preview.data, issuer=issuer, year=year)
    data["place_name"] = issuer.name
    copy = import_plan(data=data, user=user)
    # The old plan's log says where it went: its office cannot open the copy on today's map.
    record_event(
        plan=plan,
        user=user,
        action="copy_across",
        description=f"Sao chép sang bản đồ hành chính mới: dự thảo năm {year} của UBND {issuer.full_name}.",
    )
    return _finish_copy(
        plan=plan,
        copy=copy,
        user=user,
        receipt=receipt,
        description=(
            f"Sao chép từ kế hoạch {plan.number_label} năm {plan.year} của {plan.issuer} "
            f"sang bản đồ hành chính mới ({issuer})."
        ),
    )


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
        era = data.get("era", MapEra.BEFORE_2025)
        issuer = Place.objects.filter(era=str(era), code=str(code)).first()
        if issuer is not None and not issuer.is_within(territory):
            raise PlanFileError(
                [f"issuer: {issuer} nằm ngoài địa bàn của bạn ({territory}); không thể nhập kế hoạch này."]
            )
    with transaction.atomic():
        plan = import_plan(data=data, user=user)
        record_event(plan=plan, user=user, action="import", description="Nhập từ tệp kế hoạch.")
    return plan
