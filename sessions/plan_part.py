"""The sessions as a part of their plan (plans.parts): read with the plan, counted on the plan
list, written to the plan file's `sessions` section and read back from it, moved to another
year when the plan is copied, moved to today's map when an old-map plan is copied across the
change of 1 July 2025, and a session's missing venue named among the plan's gaps. Registered
in DialogueSessionsConfig.ready().

The file format is docs/plan-format.md (version 1); its `sessions` section is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch

from plans.models import Plan
from plans.parts import PlaceMerge, PlanPart
from plans.planfile import PlanFileReader, field_values, sorted_codes
from plans.selectors import count_subquery

from .models import CompositionGroup, ParticipantCategory, Quota, Session

SESSION_FIELDS = [
    "name",
    "venue_name",
    "venue_address",
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
    "chair",
]
QUOTA_FIELDS = ["count"]
GROUP_FIELDS = ["label", "count", "multiplier", "multiplier_label", "style"]


def prefetch() -> list:
    return [
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("host_commune").prefetch_related(
                "communes",
                "bridge_places",
                "target_categories",
                "invited_units",
                "composition",
                Prefetch("quotas", queryset=Quota.objects.select_related("place")),
            ),
        )
    ]


def list_annotations() -> dict[str, Any]:
    return {"session_count": count_subquery(Session.objects.all(), "plan")}


def export_sessions(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            **field_values(s, SESSION_FIELDS),
            "host_commune": s.host_commune.code if s.host_commune else None,
            "communes": sorted_codes(s.communes.all()),
            "bridge_places": sorted_codes(s.bridge_places.all()),
            "target_categories": sorted(c.code for c in s.target_categories.all()),
            "invited_units": sorted(u.code for u in s.invited_units.all()),
            "quotas": [{"place": q.place.code, "count": q.count} for q in s.quotas.all()],
            "composition": [field_values(g, GROUP_FIELDS) for g in s.composition.all()],
        }
        for s in plan.sessions.all()
    ]


def read_sessions(r: PlanFileReader, items: list[tuple[str, dict]]) -> list[tuple]:
    """Unsaved sessions with what hangs on them, every problem reported to `r`."""
    sessions = []
    for i, (path, item) in enumerate(items):
        host = r.place(item.get("host_commune"), f"{path}.host_commune")
        session = r.build(
            Session,
            item,
            SESSION_FIELDS,
            path,
            exclude=["plan", "host_commune"],
            position=i,
            host_commune=host,
            _allowed={
                "host_commune",
                "communes",
                "bridge_places",
                "target_categories",
                "invited_units",
                "quotas",
                "composition",
            },
        )
        _check_session_time(r, session, path)
        communes = [r.place(code, where) for where, code in r.codes(item, "communes", path)]
        bridges = [r.place(code, where) for where, code in r.codes(item, "bridge_places", path)]
        targets = [
            r.coded(ParticipantCategory, code, where, "không có đối tượng mời mã «{code}» trong danh mục.")
            for where, code in r.codes(item, "target_categories", path)
        ]
        units = [r.unit(code, where) for where, code in r.codes(item, "invited_units", path)]
        quotas = []
        quota_places: set[str] = set()
        for j, (qpath, q) in enumerate(r.items(item, "quotas", path)):
            place = r.place(q.get("place"), f"{qpath}.place")
            if "place" not in q:
                r.error(f"{qpath}.place", "thiếu mã xã / thôn.")
            elif place is not None:
                if place.code in quota_places:
                    r.error(f"{qpath}.place", f"«{place.code}» đã có số lượng ở dòng trước của phiên này.")
                quota_places.add(place.code)
            quotas.append(
                r.build(
                    Quota,
                    q,
                    QUOTA_FIELDS,
                    qpath,
                    exclude=["session", "place"],
                    position=j,
                    place=place,
                    _allowed={"place"},
                )
            )
        groups = [
            r.build(CompositionGroup, g, GROUP_FIELDS, gpath, exclude=["session"], position=j)
            for j, (gpath, g) in enumerate(r.items(item, "composition", path))
        ]
        sessions.append((session, communes, bridges, targets, units, quotas, groups))
    return sessions


def save_imported_sessions(plan: Plan, sessions: list[tuple]) -> None:
    for session, communes, bridges, targets, units, quotas, groups in sessions:
        session.plan = plan
        session.save()
        session.communes.set([c for c in communes if c])
        session.bridge_places.set([b for b in bridges if b])
        session.target_categories.set([t for t in targets if t])
        session.invited_units.set([u for u in units if u])
        for q in quotas:
            q.session = session
        Quota.objects.bulk_create(quotas)
        for g in groups:
            g.session = session
        CompositionGroup.objects.bulk_create(groups)


def _check_session_time(r: PlanFileReader, session: Session, path: str) -> None:
    """The fields each time_kind needs (the session_time_fields constraint), with a path."""
    kind = session.time_kind
    if kind == "exact" and session.date is None and f"{path}.date" not in r.error_paths:
        r.error(f"{path}.date", "cần ngày (YYYY-MM-DD) khi time_kind là «exact».")
    if kind == "month":
        r.check_range(session, "month", 1, 12, path, "cần tháng (1–12) khi time_kind là «month».")
    if kind == "quarter":
        r.check_range(session, "quarter", 1, 4, path, "cần quý (1–4) khi time_kind là «quarter».")
    if kind in ("month", "quarter"):
        r.check_range(session, "year", 1, 9999, path, f"cần năm khi time_kind là «{kind}».")


def retarget_session(item: dict, year: int) -> None:
    """A copied session keeps its month or quarter in the new year; an exact date is not known
    yet, so it becomes "later"."""
    if item.get("year"):
        item["year"] = year
    if item.get("time_kind") == "exact":
        item.update(time_kind="later", date=None, start_time=None, end_time=None)


def session_place_codes(item: dict) -> list[str]:
    codes = [item.get("host_commune"), *item.get("communes", []), *item.get("bridge_places", [])]
    codes += [q.get("place") for q in item.get("quotas", [])]
    return [str(code) for code in codes if code not in (None, "")]


def move_session_places(item: dict, index: int, new_code: Callable[[str], str | None]) -> list[PlaceMerge]:
    """Today's communes for the session's old ones: communes that merged into one are listed
    once, their quotas become one quota with the sum; places without a successor are dropped
    (the copy's preview lists them)."""
    host = item.get("host_commune")
    item["host_commune"] = new_code(str(host)) if host not in (None, "") else None
    for key in ("communes", "bridge_places"):
        item[key] = sorted({code for code in (new_code(str(c)) for c in item.get(key, [])) if code})
    parts: dict[str, list[tuple[str, int]]] = {}
    for quota in item.get("quotas", []):
        code = new_code(str(quota.get("place")))
        if code:
            parts.setdefault(code, []).append((str(quota.get("place")), int(quota.get("count") or 0)))
    item["quotas"] = [{"place": code, "count": sum(n for _, n in counts)} for code, counts in parts.items()]
    name = item.get("name") or ""
    where = f"Phiên {index + 1}" + (f" «{name}»" if name else "")
    return [PlaceMerge(where, code, tuple(counts)) for code, counts in parts.items() if len(counts) > 1]


def session_gaps(plan: Plan) -> list[str]:
    """A session without a venue, by its number in the plan's table: "Chưa có địa điểm phiên 2."."""
    return [
        f"Chưa có địa điểm phiên {i}."
        for i, session in enumerate(plan.sessions.all(), start=1)
        if not session.venue_name.strip()
    ]


SESSIONS_PART = PlanPart(
    key="sessions",
    prefetch=prefetch,
    list_annotations=list_annotations,
    export=export_sessions,
    read=read_sessions,
    save=save_imported_sessions,
    retarget=retarget_session,
    place_codes=session_place_codes,
    move_places=move_session_places,
    gaps=session_gaps,
)
