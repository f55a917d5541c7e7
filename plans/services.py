"""Every state change of a plan: creation, copy, workflow, issue. Each records a PlanEvent."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from .models import BlockKind, Plan, PlanEvent, PlanKind, PlanStatus
from .planfile import export_plan, import_plan

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"

# The seed plan whose standard wording a new plan of each kind starts from.
KIND_TEMPLATES = {
    PlanKind.POVERTY: "000_tuy_phuoc_2024.json",
    PlanKind.CHAIRMAN: "003_nhon_hung_2024.json",
    PlanKind.FARMERS: "001_sa_loong_2023.json",
    PlanKind.WOMEN: "004_gia_lai_2024.json",
    PlanKind.YOUTH: "004_gia_lai_2024.json",
    PlanKind.OTHER: "000_tuy_phuoc_2024.json",
}


class PlanWorkflowError(Exception):
    """A workflow step that cannot happen; the message is for the user, in Vietnamese."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class SessionInUseError(PlanWorkflowError):
    """Sessions that cannot be removed from a plan; `sessions` maps each pk to its message."""

    def __init__(self, message: str, sessions: dict[int, str]):
        super().__init__(message, list(sessions.values()))
        self.sessions = sessions


def record_event(
    *, plan: Plan, user, action: str, description: str, changes: dict | None = None
) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        description=description,
        changes=changes or {},
    )


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
    for session in data.get("sessions", []):
        for key in ("year",):
            if session.get(key):
                session[key] = year
        if session.get("time_kind") == "exact":
            session.update(time_kind="later", date=None, start_time=None, end_time=None)
    return data


@transaction.atomic
def create_plan(*, user, issuer, kind: str, year: int) -> Plan:
    """Start a draft for `issuer` pre-filled with the standard wording of its kind.

    The sessions of the template are left out: their venues and quotas belong to the
    template's own communes.
    """
    data = json.loads((SEEDS_DIR / KIND_TEMPLATES[PlanKind(kind)]).read_text(encoding="utf-8"))
    data = _retarget(data, issuer=issuer, year=year)
    data.update(kind=kind, place_name=issuer.name, draft_month=None, sessions=[], legal_bases=[])
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
    year = year or plan.year + 1
    data = _retarget(export_plan(plan), issuer=plan.issuer, year=year)
    copy = import_plan(data=data, user=user)
    copy.copied_from = plan
    copy.save(update_fields=["copied_from"])
    record_event(
        plan=copy,
        user=user,
        action="copy",
        description=f"Sao chép từ kế hoạch {plan.number_label} năm {plan.year}.",
    )
    return copy


def check_plan_complete(plan: Plan) -> list[str]:
    """What a plan still lacks before it can be submitted, in Vietnamese."""
    errors = []
    sections = [b for b in plan.blocks.all() if b.parent_id is None]
    if not sections:
        errors.append("Kế hoạch chưa có mục nội dung nào.")
    has_children = {b.parent_id for b in plan.blocks.all() if b.parent_id}
    for i, section in enumerate(sections, start=1):
        if section.id not in has_children:
            errors.append(f"Mục {i} «{section.title}» chưa có nội dung.")
    kinds = {b.kind for b in plan.blocks.all()}
    if BlockKind.BUDGET in kinds and not plan.budget_lines.exists():
        errors.append("Mục kinh phí chưa có dòng kinh phí nào.")
    if BlockKind.SESSIONS_TABLE in kinds and not plan.sessions.exists():
        errors.append("Bảng thời gian, địa điểm chưa có phiên đối thoại nào.")
    if not plan.recipients.exists():
        errors.append("Chưa có nơi nhận.")
    if not plan.signer_name.strip() or not plan.signer_title.strip():
        errors.append("Chưa có chức vụ hoặc họ tên người ký.")
    if not plan.closing.strip():
        errors.append("Chưa có câu kết.")
    return errors


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
    """Draft → submitted for the leader's approval. Refuses an incomplete plan."""
    errors = check_plan_complete(plan)
    if errors:
        raise PlanWorkflowError("Kế hoạch chưa đủ nội dung để trình duyệt.", errors)
    plan = _transition(plan, expected={PlanStatus.DRAFT}, new=PlanStatus.SUBMITTED)
    record_event(plan=plan, user=user, action="submit", description="Trình lãnh đạo duyệt.")
    return plan


@transaction.atomic
def approve_plan(*, plan: Plan, user) -> Plan:
    plan = _transition(plan, expected={PlanStatus.SUBMITTED}, new=PlanStatus.APPROVED)
    record_event(plan=plan, user=user, action="approve", description="Lãnh đạo duyệt kế hoạch.")
    return plan


@transaction.atomic
def return_plan(*, plan: Plan, user, reason: str) -> Plan:
    """Send a submitted or approved plan back to draft, with the leader's reason."""
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
    changes.
    """
    from .documents import render_plan

    issued_on = issued_on or timezone.localdate()
    try:
        with transaction.atomic():
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            if locked.status != PlanStatus.APPROVED:
                raise PlanWorkflowError("Chỉ ban hành được kế hoạch đã được duyệt.")
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


# ---------------------------------------------------------------- editing in web forms
#
# Each save_* function below replaces one part of a draft in a single transaction, after
# locking the plan row, and records a PlanEvent naming what changed. Forms validate the
# rows first; the services check again whatever would otherwise corrupt the plan.

from collections import Counter  # noqa: E402

from accounts.roles import user_place  # noqa: E402
from core.vietnamese import format_vnd  # noqa: E402
from directory.models import Place  # noqa: E402
from sessions.models import CompositionGroup, Participant, Quota, Session, TimeKind  # noqa: E402

from .models import (  # noqa: E402
    Appendix,
    AppendixRow,
    BudgetLine,
    LegalBasis,
    NumberStyle,
    PlanBlock,
    Recipient,
)
from .planfile import PlanFileError  # noqa: E402

PLAN_DETAIL_FIELDS = [
    "agency_parent",
    "agency_name",
    "summary",
    "place_name",
    "draft_month",
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
SESSION_ROW_FIELDS = [
    "id",
    "name",
    "venue_name",
    "venue_address",
    "host_commune",
    "time_kind",
    "date",
    "start_time",
    "end_time",
    "month",
    "quarter",
    "year",
    "format",
    "total_participants",
    "min_per_hamlet",
]
QUOTA_ROW_FIELDS = ["place", "count"]
GROUP_ROW_FIELDS = ["label", "count", "multiplier", "multiplier_label", "style"]
APPENDIX_ROW_FIELDS = ["title", "subtitle", "time_text", "venue_text", "rows"]
APPENDIX_LINE_FIELDS = ["time", "content", "performer"]

# Seed 001 nests a sub-bullet under a bullet list under a label under a heading: four levels.
MAX_BLOCK_DEPTH = 4
# Blocks whose children are printed; the others are single lines.
CONTAINER_KINDS = {BlockKind.HEADING, BlockKind.LABEL}
TEXT_KINDS = {BlockKind.PARAGRAPH, BlockKind.BULLET, BlockKind.SUBBULLET}


def _lock_editable(plan: Plan) -> Plan:
    """Lock the plan row for this transaction; refuse anything but a draft."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_editable:
        raise PlanWorkflowError(
            f"Kế hoạch đang ở trạng thái «{locked.get_status_display()}», không thể sửa. "
            "Chỉ sửa được kế hoạch đang là dự thảo."
        )
    return locked


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def _pick(row: dict, allowed: list[str]) -> dict:
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


def _list_changes(old: dict[int, str], kept: list[int | None], new_titles: list[str], noun: str) -> str:
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
    _pick(data, PLAN_DETAIL_FIELDS)
    locked = _lock_editable(plan)
    changes = {}
    for name, value in data.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = {"old": _jsonable(old), "new": _jsonable(value)}
            setattr(locked, name, value)
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
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
    rows = [_pick(row, LEGAL_BASIS_FIELDS) for row in rows]
    locked = _lock_editable(plan)
    old = locked.legal_bases.count()
    LegalBasis.objects.filter(plan=locked).delete()
    LegalBasis.objects.bulk_create([LegalBasis(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    _touch(locked)
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
    rows = [_pick(row, ["id", "title", "role"]) for row in rows]
    locked = _lock_editable(plan)
    existing = {
        b.pk: b for b in PlanBlock.objects.filter(plan=locked, parent=None).order_by("position", "id")
    }
    kept = [row.get("id") or None for row in rows]
    ids = [pk for pk in kept if pk is not None]
    if set(ids) - set(existing) or len(ids) != len(set(ids)):
        raise PlanWorkflowError("Danh sách mục không khớp với kế hoạch; hãy tải lại trang và sửa lại.")
    description = _list_changes(
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
    _touch(locked)
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
    rows = [_pick(row, BLOCK_ROW_FIELDS) for row in rows]
    locked = _lock_editable(plan)
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
    _touch(locked)
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
    rows = [_pick(row, BUDGET_LINE_FIELDS) for row in rows]
    for row in rows:
        amount = row.get("amount")
        if amount is not None and (not isinstance(amount, int) or amount < 0):
            raise PlanWorkflowError("Số tiền phải là số nguyên (đồng), ví dụ 64.500.000.")
    locked = _lock_editable(plan)
    BudgetLine.objects.filter(plan=locked).delete()
    BudgetLine.objects.bulk_create([BudgetLine(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    total = sum(row.get("amount") or 0 for row in rows)
    _touch(locked)
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
    rows = [_pick(row, RECIPIENT_FIELDS) for row in rows]
    locked = _lock_editable(plan)
    Recipient.objects.filter(plan=locked).delete()
    Recipient.objects.bulk_create([Recipient(plan=locked, position=i, **row) for i, row in enumerate(rows)])
    locked.archive = archive
    locked.save(update_fields=["archive", "updated_at"])
    record_event(
        plan=locked,
        user=user,
        action="edit_recipients",
        description=f"Cập nhật nơi nhận: {len(rows)} nơi nhận, lưu: {archive}.",
    )


def session_time_error(row: dict) -> tuple[str, str] | None:
    """(field, message) when the time fields do not fit the time kind, else None."""
    kind = row.get("time_kind")
    if kind == TimeKind.EXACT and not row.get("date"):
        return "date", "Chọn thời gian theo ngày cụ thể thì phải nhập ngày."
    if kind == TimeKind.MONTH and not (row.get("month") and 1 <= row["month"] <= 12 and row.get("year")):
        return "month", "Chọn thời gian theo tháng thì phải nhập tháng (1–12) và năm."
    if kind == TimeKind.QUARTER and not (row.get("quarter") and 1 <= row["quarter"] <= 4 and row.get("year")):
        return "quarter", "Chọn thời gian theo quý thì phải nhập quý (1–4) và năm."
    if row.get("start_time") and row.get("end_time") and row["end_time"] <= row["start_time"]:
        return "end_time", "Giờ kết thúc phải sau giờ bắt đầu."
    return None


# The time fields each time kind keeps; the others are cleared.
_TIME_FIELDS = {
    TimeKind.EXACT: {"date", "start_time", "end_time"},
    TimeKind.MONTH: {"month", "year"},
    TimeKind.QUARTER: {"quarter", "year"},
    TimeKind.LATER: set(),
}


def _sessions_in_use(pks: set[int]) -> dict[int, str]:
    """The sessions among `pks` that already have participants, questions or check-ins
    (deleting them would cascade to those), each with the message saying why it stays."""
    from feedback.models import Question
    from notifications.models import Attendance

    if not pks:
        return {}
    rows = Session.objects.filter(pk__in=pks).annotate(
        has_participants=Exists(Participant.objects.filter(session=OuterRef("pk"))),
        has_questions=Exists(Question.objects.filter(session=OuterRef("pk"))),
        has_attendances=Exists(Attendance.objects.filter(session=OuterRef("pk"))),
    )
    out = {}
    for session in rows:
        kinds = [
            label
            for flag, label in (
                (session.has_participants, "danh sách người tham dự"),
                (session.has_questions, "câu hỏi"),
                (session.has_attendances, "người điểm danh"),
            )
            if flag
        ]
        if kinds:
            what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " và " + kinds[-1]
            out[session.pk] = f"Phiên «{session}» đã có {what}; không xóa được."
    return out


@transaction.atomic
def save_sessions(*, plan: Plan, user, rows: list[dict]) -> None:
    """Set the plan's sessions: rows with an `id` update that session (its quotas,
    composition and communes stay), rows without one are added, missing ones are deleted,
    unless one of those already has participants, questions or check-ins: then nothing is saved.
    """
    rows = [_pick(row, SESSION_ROW_FIELDS) for row in rows]
    errors = [
        f"Dòng {i}: {error[1]}" for i, row in enumerate(rows, start=1) if (error := session_time_error(row))
    ]
    if errors:
        raise PlanWorkflowError("Thời gian các phiên chưa hợp lệ.", errors)
    locked = _lock_editable(plan)
    existing = {s.pk: s for s in Session.objects.filter(plan=locked).order_by("position", "id")}
    kept = [row.get("id") or None for row in rows]
    ids = [pk for pk in kept if pk is not None]
    if set(ids) - set(existing) or len(ids) != len(set(ids)):
        raise PlanWorkflowError("Danh sách phiên không khớp với kế hoạch; hãy tải lại trang và sửa lại.")
    description = _list_changes(
        {pk: str(s) for pk, s in existing.items()},
        kept,
        [row.get("name") or row["venue_name"] for row in rows],
        "các phiên đối thoại",
    )
    removed = set(existing) - set(ids)
    in_use = _sessions_in_use(removed)
    if in_use:
        raise SessionInUseError(
            "Không xóa được phiên đã có người tham dự, câu hỏi hoặc điểm danh.",
            {pk: in_use[pk] for pk in existing if pk in in_use},
        )
    Session.objects.filter(pk__in=removed).delete()
    time_fields = {"date", "start_time", "end_time", "month", "quarter", "year"}
    for position, row in enumerate(rows):
        pk = row.pop("id", None)
        session = existing[pk] if pk else Session(plan=locked)
        for name, value in row.items():
            if name in time_fields and name not in _TIME_FIELDS[TimeKind(row["time_kind"])]:
                value = None
            setattr(session, name, "" if value is None and name in {"name", "venue_address"} else value)
        session.position = position
        session.save()
    _touch(locked)
    record_event(plan=locked, user=user, action="edit_sessions", description=description)


@transaction.atomic
def save_session_details(
    *,
    plan: Plan,
    session: Session,
    user,
    quotas: list[dict],
    composition: list[dict],
    communes: list[Place],
    bridge_places: list[Place] | None = None,
    chair: str | None = None,
    secretary=None,
    target_categories: list | None = None,
    invited_units: list | None = None,
) -> None:
    """Replace a session's quotas (commune → count), composition groups and cluster
    communes (and, when given, online bridge points, chair, secretary, the categories
    of participants it targets and the units invited). Records an event.
    """
    quotas = [_pick(row, QUOTA_ROW_FIELDS) for row in quotas]
    composition = [_pick(row, GROUP_ROW_FIELDS) for row in composition]
    locked = _lock_editable(plan)
    if session.plan_id != locked.pk:
        raise PlanWorkflowError("Phiên đối thoại này không thuộc kế hoạch.")
    seen: dict[int, int] = {}
    errors = []
    for i, row in enumerate(quotas, start=1):
        if row["place"].pk in seen:
            errors.append(f"Dòng {i}: {row['place']} đã có ở dòng {seen[row['place'].pk]}.")
        seen.setdefault(row["place"].pk, i)
    if errors:
        raise PlanWorkflowError("Số lượng mời theo xã chưa hợp lệ.", errors)
    Quota.objects.filter(session=session).delete()
    Quota.objects.bulk_create([Quota(session=session, position=i, **row) for i, row in enumerate(quotas)])
    CompositionGroup.objects.filter(session=session).delete()
    CompositionGroup.objects.bulk_create(
        [CompositionGroup(session=session, position=i, **row) for i, row in enumerate(composition)]
    )
    session.communes.set(communes)
    if bridge_places is not None:
        session.bridge_places.set(bridge_places)
    if target_categories is not None:
        session.target_categories.set(target_categories)
    if invited_units is not None:
        session.invited_units.set(invited_units)
    if chair is not None:
        session.chair = chair
        session.secretary = secretary
        session.save(update_fields=["chair", "secretary"])
    _touch(locked)
    total = sum(row["count"] for row in quotas)
    record_event(
        plan=locked,
        user=user,
        action="edit_session",
        description=(
            f"Cập nhật phiên «{session}»: {len(quotas)} xã/thôn được mời ({total} người), "
            f"{len(composition)} dòng thành phần, {len(communes)} xã trong cụm."
        ),
        changes={"session": session.pk},
    )


@transaction.atomic
def save_appendices(*, plan: Plan, user, appendices: list[dict]) -> None:
    """Replace the appendices, each with its ordered `rows` (time, content, performer)."""
    appendices = [_pick(item, APPENDIX_ROW_FIELDS) for item in appendices]
    for item in appendices:
        item["rows"] = [_pick(row, APPENDIX_LINE_FIELDS) for row in item.get("rows") or []]
    locked = _lock_editable(plan)
    Appendix.objects.filter(plan=locked).delete()
    for position, item in enumerate(appendices):
        rows = item.pop("rows")
        appendix = Appendix.objects.create(plan=locked, position=position, **item)
        AppendixRow.objects.bulk_create(
            [AppendixRow(appendix=appendix, position=i, **row) for i, row in enumerate(rows)]
        )
    _touch(locked)
    record_event(
        plan=locked,
        user=user,
        action="edit_appendices",
        description="Cập nhật phụ lục: "
        + (_titles(item["title"] for item in appendices) if appendices else "không có phụ lục")
        + ".",
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
        issuer = Place.objects.filter(code=str(code)).first()
        if issuer is not None and not issuer.is_within(territory):
            raise PlanFileError(
                [f"issuer: {issuer} nằm ngoài địa bàn của bạn ({territory}); không thể nhập kế hoạch này."]
            )
    with transaction.atomic():
        plan = import_plan(data=data, user=user)
        record_event(plan=plan, user=user, action="import", description="Nhập từ tệp kế hoạch.")
    return plan
