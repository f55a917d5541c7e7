"""Reads of plans shared by the list page, the dashboard and the plan page.

Every query here has a fixed number of round trips whatever the number of plans or
blocks: counts are subqueries, related rows are joined or prefetched.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Role
from accounts.roles import is_commune_official, is_department_officer, is_office, user_place
from directory.models import Place

from .loading import plans_with_parts
from .models import PUBLISHED_STATUSES, Plan, PlanBlock, PlanEvent, PlanStatus
from .parts import plan_parts


def count_subquery(queryset: QuerySet, link: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows whose `link` is the outer plan."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The events that move a plan through its life; edits of a draft are not among them, so a
# returned draft stays "returned" (its last workflow action) however often it is edited.
WORKFLOW_ACTIONS = ["create", "copy", "import", "submit", "approve", "return", "issue"]


def _last_event(field: str, actions: list[str] | None = None) -> Subquery:
    """`field` of the plan's latest event, or of its latest event among `actions`."""
    events = PlanEvent.objects.filter(plan=OuterRef("pk"))
    if actions is not None:
        events = events.filter(action__in=actions)
    return Subquery(events.order_by("-at", "-id").values(field)[:1])


def pending_return(plan: Plan) -> PlanEvent | None:
    """The leader's return of a draft still waiting to be resubmitted (its reason is shown on top
    of the plan page), or None. Reads the events plan_for_page prefetched (newest first)."""
    if plan.status != PlanStatus.DRAFT:
        return None
    last = next((event for event in plan.events.all() if event.action in WORKFLOW_ACTIONS), None)
    return last if last is not None and last.action == "return" else None


def plans_for_user(user) -> QuerySet[Plan]:
    """Plans the user may see, as in plans.rules.can_view_plan.

    Office roles see every plan issued in their territory; commune officials and
    department officers see approved and issued plans whose issuer covers them.
    """
    territory = user_place(user)
    if territory is None:
        return Plan.objects.none()
    if is_office(user):
        condition = Q(issuer__in=Place.objects.within(territory))
    elif is_commune_official(user) or is_department_officer(user):
        condition = Q(status__in=PUBLISHED_STATUSES, issuer__path__in=territory.ancestor_paths)
    else:
        return Plan.objects.none()
    return Plan.objects.filter(condition)


def plan_list(user, *, status: str = "", year: int | None = None) -> QuerySet[Plan]:
    """The list page's rows: issuer and author joined, part counts (the sections, and those the
    registered parts add: `session_count`) and last change annotated."""
    plans = plans_for_user(user)
    if status:
        plans = plans.filter(status=status)
    if year:
        plans = plans.filter(year=year)
    return (
        plans.select_related("issuer", "created_by")
        .annotate(
            section_count=count_subquery(PlanBlock.objects.filter(parent__isnull=True), "plan"),
            **{name: value for part in plan_parts() for name, value in part.list_annotations().items()},
            workflow_action=_last_event("action", WORKFLOW_ACTIONS),
            last_event_at=_last_event("at"),
        )
        .order_by("-year", "-updated_at", "-pk")
    )


def plan_years(user) -> list[int]:
    return list(plans_for_user(user).order_by("-year").values_list("year", flat=True).distinct())


def plan_for_page(pk: int) -> Plan:
    """One plan with every part the plan page and the editor show, in a fixed number of queries."""
    return (
        plans_with_parts()
        .select_related("created_by", "copied_from__issuer")
        .prefetch_related(Prefetch("events", queryset=PlanEvent.objects.select_related("user")))
        .get(pk=pk)
    )


def dashboard_plans(user, *, limit: int = 10) -> list[tuple[str, list[Plan]]]:
    """(panel title, plans) pairs for the home page, one query per panel."""
    visible = plans_for_user(user).select_related("issuer").order_by("-updated_at", "-pk")
    if user.role == Role.DISTRICT_STAFF:
        returned = visible.filter(status=PlanStatus.DRAFT).annotate(
            workflow_action=_last_event("action", WORKFLOW_ACTIONS)
        )
        return [
            (
                "Dự thảo của tôi",
                list(visible.filter(status=PlanStatus.DRAFT, created_by=user)[:limit]),
            ),
            ("Kế hoạch bị trả lại để sửa", list(returned.filter(workflow_action="return")[:limit])),
        ]
    if user.role == Role.LEADER:
        return [
            ("Kế hoạch chờ duyệt", list(visible.filter(status=PlanStatus.SUBMITTED)[:limit])),
            ("Kế hoạch đã duyệt, chờ ban hành", list(visible.filter(status=PlanStatus.APPROVED)[:limit])),
        ]
    return [
        ("Kế hoạch đã ban hành liên quan đến bạn", list(visible.filter(status=PlanStatus.ISSUED)[:limit]))
    ]
