"""What the home page shows each role. Apps contribute their own panels here."""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass
class Dashboard:
    greeting: str
    role_label: str
    place_label: str
    panels: list[dict] = field(default_factory=list)


def _plan_panels(user) -> list[dict]:
    """Staff: my drafts and plans returned; leader: plans waiting for approval or issue;
    others: issued plans that concern them. One query per panel."""
    from plans.selectors import dashboard_plans

    if not user.has_perm("plans.list_plans"):
        return []
    more_url = reverse("plans:plan.list")
    return [
        {"title": title, "template": "plans/dashboard_panel.html", "plans": plans, "more_url": more_url}
        for title, plans in dashboard_plans(user)
    ]


def dashboard_for(user) -> Dashboard:
    place = user.unit if user.unit_id else user.place
    return Dashboard(
        greeting=user.get_full_name() or user.username,
        role_label=user.role_label,
        place_label=str(place) if place else "",
        panels=_plan_panels(user),
    )
