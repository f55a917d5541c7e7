"""The plan's history: one PlanEvent per change, naming who did what."""

from __future__ import annotations

from ..models import Plan, PlanEvent


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
