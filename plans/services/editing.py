"""Editing a draft in web forms.

Each save_* function replaces one part of a draft in a single transaction, after locking the
plan row, and records a PlanEvent naming what changed. Forms validate the rows first; the
services check again whatever would otherwise corrupt the plan. The helpers at the top
(lock_editable, touch, pick, list_changes) serve the editors of other apps' parts too.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.vietnamese import format_vnd

from ..models import (
    Appendix,
    AppendixRow,
    BlockKind,
    BudgetLine,
    LegalBasis,
    NumberStyle,
    Plan,
    PlanBlock,
    Recipient,
)
from .errors import PlanWorkflowError
from .events import record_event

PLAN_DETAIL_FIELDS = [
    "agency_parent",
    "agency_name",
    "summary",
    "place_name",
    "draft_month",
    "year",
    "preamble",
    "preamble_new_paragraph",
    "format",
    "question_lead_days",
    "question_lead_working_days",
    "closing",
    "replaces_number",
    "replaces_date",
    "replaces_issuer",
    "signer_authority",
    "signer_delegation",
    "signer_title",
    "signer_name",
]
LEGAL_BASIS_FIELDS = [
    "kind",
    "lead",
    "doc_type",
    "number",
    "date",
    "issuer",
    "title",
    "new_paragraph",
    "separator",
]
BLOCK_ROW_FIELDS = ["kind", "depth", "title", "text", "number_style", "unit"]
BUDGET_LINE_FIELDS = ["source", "amount", "decision_type", "decision_number", "decision_date"]
RECIPIENT_FIELDS = ["name", "suffix"]
APPENDIX_ROW_FIELDS = ["title", "subtitle", "time_text", "venue_text", "rows"]
APPENDIX_LINE_FIELDS = ["time", "content", "performer"]

# Seed 001 nests a sub-bullet under a bullet list under a label under a heading: four levels.
MAX_BLOCK_DEPTH = 4
# Blocks whose children are printed; the others are single lines.
CONTAINER_KINDS = {BlockKind.HEADING, BlockKind.LABEL}
TEXT_KINDS = {BlockKind.PARAGRAPH, BlockKind.BULLET, BlockKind.SUBBULLET}


def lock_editable(plan: Plan) -> Plan:
    """Lock the plan row for this transaction; refuse anything but a draft."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_editable:
        raise PlanWorkflowError(
            f"Kế hoạch đang ở trạng thái «{locked.get_status_display()}», không thể sửa. "
            "Chỉ sửa được kế hoạch đang là dự thảo."
        )
    return locked


def touch(plan: Plan) -> None:
    """Mark the plan changed: every save of a part calls this, which makes older forms stale."""
    Plan.objects.filter(pk=plan.pk).update(
        updated_at=timezone.now(), version=F("version") + 1, edit_digest=""
    )


def pick(row: dict, allowed: list[str]) -> dict:
    unknown = set(row) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown keys: {sorted(unknown)}")
    return dict(row)


def _jsonable(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _titles(titles) -> str:
    return ", ".join(f"«{t}»" for t in titles)


def list_changes(old: dict[int, str], kept: list[int | None], new_titles: list[str], noun: str) -> str:
    """'thêm «A»; xóa «B»; sắp xếp lại' for a list edited row by row (ids of kept rows)."""
    added = [title for pk, title in zip(kept, new_titles, strict=True) if pk is None]
    removed = [title for pk, title in old.items() if pk not in kept]
    renamed = [
        f"«{old[pk]}» thành «{title}»"
        for pk, title in zip(kept, new_titles, strict=True)
        if pk is not None and old[pk] != title
    ]
    parts = []
    if added:
        parts.append(f"thêm {_titles(added)}")
    if removed:
        parts.append(f"xóa {_titles(removed)}")
    if renamed:
        parts.append(f"đổi tên {', '.join(renamed)}")
    old_order = [pk for pk in old if pk in kept]
    if [pk for pk in kept if pk is not None] != old_order:
        parts.append("sắp xếp lại")
    return f"Cập nhật {noun}: " + ("; ".join(parts) if parts else "không thay đổi") + "."


@transaction.atomic
def update_plan_details(*, plan: Plan, user, data: dict) -> Plan:
    """Change the plan's own fields (header, summary, date line, closing, signer…).

    Side effects: saves the plan and records an event listing the changed fields by
    their verbose names, with old and new values in `changes`.
    """
    pick(data, PLAN_DETAIL_FIELDS)
    locked = lock_editable(plan)
    changes = {}
    for name, value in data.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = {"old": _jsonable(old), "new": _jsonable(value)}
            setattr(locked, name, value)
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
        touch(locked)
        labels = [str(Plan._meta.get_field(name).verbose_name) for name in changes]
        record_event(
            plan=locked,
            user=user,
            action="edit_details",
            description=f"Sửa thông tin chung: {', '.join(labels)}.",
            changes=changes,
        )
    return locked


@transaction.atomic
def save_legal_bases(*, plan: Plan, user, rows: list[dict]) -> None:
    """Replace the legal bases with `rows`, in order. Records an event."""
    rows = [pick(row, LEGAL_BASIS_FIELDS) for row in rows]
    locked = lock_editable(plan)
    old = locked.legal_bases.count()
    LegalBasis.objects.filter(plan=locked).delete()
    LegalBasis.objects.bulk_create([LegalBasis(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_legal_bases",
        description=f"Cập nhật căn cứ: {len(rows)} căn cứ (trước đó {old}).",
    )


@transaction.atomic
def save_sections(*, plan: Plan, user, rows: list[dict]) -> None:
    """Set the Roman-numbered sections: keep (and rename or move) those whose `id` is given,
    add those without one, delete the others together with their content.
    """
    rows = [pick(row, ["id", "title", "role"]) for row in rows]
    locked = lock_editable(plan)
    existing = {
        b.pk: b for b in PlanBlock.objects.filter(plan=locked, parent=None).order_by("position", "id")
    }
    kept = [row.get("id") or None for row in rows]
    ids = [pk for pk in kept if pk is not None]
    if set(ids) - set(existing) or len(ids) != len(set(ids)):
        raise PlanWorkflowError("Danh sách mục không khớp với kế hoạch; hãy tải lại trang và sửa lại.")
    description = list_changes(
        {pk: b.title for pk, b in existing.items()}, kept, [row["title"] for row in rows], "các mục"
    )
    PlanBlock.objects.filter(pk__in=set(existing) - set(ids)).delete()
    updated, created = [], []
    for position, row in enumerate(rows):
        if row.get("id"):
            block = existing[row["id"]]
            block.title, block.role, block.position = row["title"], row.get("role") or "", position
            updated.append(block)
        else:
            created.append(
                PlanBlock(
                    plan=locked,
                    parent=None,
                    kind=BlockKind.SECTION,
                    position=position,
                    title=row["title"],
                    role=row.get("role") or "",
                )
            )
    PlanBlock.objects.bulk_update(updated, ["title", "role", "position"])
    PlanBlock.objects.bulk_create(created)
    touch(locked)
    record_event(plan=locked, user=user, action="edit_sections", description=description)


def block_rows_errors(rows: list[dict]) -> list[tuple[int, str]]:
    """Problems of a section's rows as (index in rows, message); the tree must be well formed.

    A row of depth d > 1 hangs under the nearest row above it of depth d - 1, which must be
    a heading or a label (the only blocks whose children are printed).
    """
    errors: list[tuple[int, str]] = []
    last_kind_at: dict[int, str] = {0: BlockKind.SECTION}
    for i, row in enumerate(rows):
        kind, depth = row["kind"], row["depth"]
        if kind == BlockKind.SECTION:
            errors.append((i, "không đặt được mục lớn (I, II, …) bên trong một mục."))
        if not 1 <= depth <= MAX_BLOCK_DEPTH:
            errors.append((i, f"cấp phải từ 1 đến {MAX_BLOCK_DEPTH}."))
            continue
        parent_kind = last_kind_at.get(depth - 1)
        if parent_kind is None:
            errors.append((i, f"dòng cấp {depth} phải nằm dưới một dòng cấp {depth - 1}."))
        elif depth > 1 and parent_kind not in CONTAINER_KINDS:
            errors.append((i, f"dòng cấp {depth} phải nằm dưới một tiểu mục hoặc nhãn."))
        if (
            kind in CONTAINER_KINDS
            and not (row.get("title") or "").strip()
            and not (row.get("text") or "").strip()
        ):
            errors.append((i, "tiểu mục hoặc nhãn cần có tiêu đề."))
        if kind in TEXT_KINDS and not (row.get("text") or "").strip():
            errors.append((i, "cần nhập nội dung."))
        last_kind_at = {d: k for d, k in last_kind_at.items() if d < depth}
        last_kind_at[depth] = kind
    return errors


@transaction.atomic
def save_section_blocks(*, plan: Plan, section: PlanBlock, rows: list[dict], user) -> None:
    """Rebuild one section's content from ordered rows, each with a `depth` (1 = directly
    under the section). Deletes the section's old content. Records an event.
    """
    rows = [pick(row, BLOCK_ROW_FIELDS) for row in rows]
    locked = lock_editable(plan)
    if section.plan_id != locked.pk or section.parent_id is not None:
        raise PlanWorkflowError("Mục này không thuộc kế hoạch.")
    errors = block_rows_errors(rows)
    if errors:
        raise PlanWorkflowError(
            "Nội dung mục chưa hợp lệ.", [f"Dòng {i + 1}: {message}" for i, message in errors]
        )
    old = PlanBlock.objects.filter(plan=locked, parent__isnull=False).count()
    PlanBlock.objects.filter(plan=locked, parent=section).delete()  # descendants cascade
    parents: list[int] = []  # index of each row's parent row, -1 for the section
    stack: dict[int, int] = {0: -1}
    for i, row in enumerate(rows):
        parents.append(stack[row["depth"] - 1])
        stack = {d: j for d, j in stack.items() if d < row["depth"]}
        stack[row["depth"]] = i
    blocks: list[PlanBlock | None] = [None] * len(rows)
    positions: Counter = Counter()
    for depth in range(1, MAX_BLOCK_DEPTH + 1):
        batch = []
        for i, row in enumerate(rows):
            if row["depth"] != depth:
                continue
            parent = section if parents[i] == -1 else blocks[parents[i]]
            block = PlanBlock(
                plan=locked,
                parent=parent,
                position=positions[parents[i]],
                kind=row["kind"],
                title=row.get("title") or "",
                text=row.get("text") or "",
                number_style=row.get("number_style") or NumberStyle.AUTO,
                unit=row.get("unit"),
            )
            positions[parents[i]] += 1
            blocks[i] = block
            batch.append(block)
        PlanBlock.objects.bulk_create(batch)
    new = PlanBlock.objects.filter(plan=locked, parent__isnull=False).count()
    touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_section",
        description=f"Sửa nội dung mục «{section.title}»: {len(rows)} dòng.",
        changes={"section": section.pk, "blocks_before": old, "blocks_after": new},
    )


@transaction.atomic
def save_budget_lines(*, plan: Plan, user, rows: list[dict]) -> None:
    """Replace the budget lines (amounts in whole đồng or None). Records an event."""
    rows = [pick(row, BUDGET_LINE_FIELDS) for row in rows]
    for row in rows:
        amount = row.get("amount")
        if amount is not None and (not isinstance(amount, int) or amount < 0):
            raise PlanWorkflowError("Số tiền phải là số nguyên (đồng), ví dụ 64.500.000.")
    locked = lock_editable(plan)
    BudgetLine.objects.filter(plan=locked).delete()
    BudgetLine.objects.bulk_create([BudgetLine(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    total = sum(row.get("amount") or 0 for row in rows)
    touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_budget",
        description=f"Cập nhật kinh phí: {len(rows)} dòng, tổng {format_vnd(total)} đồng.",
        changes={"total": total},
    )


@transaction.atomic
def save_recipients(*, plan: Plan, user, rows: list[dict], archive: str) -> None:
    """Replace the recipients ("Nơi nhận") and the archive line. Records an event."""
    rows = [pick(row, RECIPIENT_FIELDS) for row in rows]
    locked = lock_editable(plan)
    Recipient.objects.filter(plan=locked).delete()
    Recipient.objects.bulk_create([Recipient(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    locked.archive = archive
    locked.save(update_fields=["archive", "updated_at"])
    touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_recipients",
        description=f"Cập nhật nơi nhận: {len(rows)} nơi nhận, lưu: {archive}.",
    )


@transaction.atomic
def save_appendices(*, plan: Plan, user, appendices: list[dict]) -> None:
    """Replace the appendices, each with its ordered `rows` (time, content, performer)."""
    appendices = [pick(item, APPENDIX_ROW_FIELDS) for item in appendices]
    for item in appendices:
        item["rows"] = [pick(row, APPENDIX_LINE_FIELDS) for row in item.get("rows") or []]
    locked = lock_editable(plan)
    Appendix.objects.filter(plan=locked).delete()
    for position, item in enumerate(appendices):
        rows = item.pop("rows")
        appendix = Appendix.objects.create(plan=locked, position=position, **item)
        AppendixRow.objects.bulk_create(
            [AppendixRow(appendix=appendix, position=i, **row) for i, row in enumerate(rows)]
        )
    touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_appendices",
        description="Cập nhật phụ lục: "
        + (_titles(item["title"] for item in appendices) if appendices else "không có phụ lục")
        + ".",
    )
