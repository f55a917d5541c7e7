"""Editing the sessions of a draft plan in the plan editor: the list of sessions, and each
session's quotas, composition and cluster. Each service locks the plan and records a PlanEvent,
as the plan's own editing services do (plans.services.editing).
"""

from __future__ import annotations

from django.db import transaction

from directory.models import Place
from plans.models import Plan
from plans.services.editing import list_changes, lock_editable, pick, touch
from plans.services.errors import PlanWorkflowError
from plans.services.events import record_event

from ..in_use import sessions_in_use
from ..models import CompositionGroup, Quota, Session, TimeKind

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


class SessionInUseError(PlanWorkflowError):
    """Sessions that cannot be removed from a plan; `sessions` maps each pk to its message."""

    def __init__(self, message: str, sessions: dict[int, str]):
        super().__init__(message, list(sessions.values()))
        self.sessions = sessions


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


@transaction.atomic
def save_sessions(*, plan: Plan, user, rows: list[dict]) -> None:
    """Set the plan's sessions: rows with an `id` update that session (its quotas,
    composition and communes stay), rows without one are added, missing ones are deleted,
    unless one of those already has participants, questions or check-ins: then nothing is saved.
    """
    rows = [pick(row, SESSION_ROW_FIELDS) for row in rows]
    errors = [
        f"Dòng {i}: {error[1]}" for i, row in enumerate(rows, start=1) if (error := session_time_error(row))
    ]
    if errors:
        raise PlanWorkflowError("Thời gian các phiên chưa hợp lệ.", errors)
    locked = lock_editable(plan)
    existing = {s.pk: s for s in Session.objects.filter(plan=locked).order_by("position", "id")}
    kept = [row.get("id") or None for row in rows]
    ids = [pk for pk in kept if pk is not None]
    if set(ids) - set(existing) or len(ids) != len(set(ids)):
        raise PlanWorkflowError("Danh sách phiên không khớp với kế hoạch; hãy tải lại trang và sửa lại.")
    description = list_changes(
        {pk: str(s) for pk, s in existing.items()},
        kept,
        [
            row.get("name") or row["venue_name"] or f"Phiên {i} (chưa có địa điểm)"
            for i, row in enumerate(rows, start=1)
        ],
        "các phiên đối thoại",
    )
    removed = set(existing) - set(ids)
    in_use = sessions_in_use(removed)
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
    touch(locked)
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
    quotas = [pick(row, QUOTA_ROW_FIELDS) for row in quotas]
    composition = [pick(row, GROUP_ROW_FIELDS) for row in composition]
    locked = lock_editable(plan)
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
    touch(locked)
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
