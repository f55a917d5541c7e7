"""What the home page shows each role. Apps contribute their own panels here."""

from dataclasses import dataclass, field


@dataclass
class Dashboard:
    greeting: str
    role_label: str
    place_label: str
    panels: list[dict] = field(default_factory=list)


def dashboard_for(user) -> Dashboard:
    place = user.unit if user.unit_id else user.place
    return Dashboard(
        greeting=user.get_full_name() or user.username,
        role_label=user.role_label,
        place_label=str(place) if place else "",
    )
