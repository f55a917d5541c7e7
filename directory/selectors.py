"""Reads of the directory that other apps share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import CommuneChange, Place


@dataclass
class Succession:
    """The communes of today's map that took an old commune: one for a merge (or a rename),
    several for a split (the main one, which took the seat, first), none when the change
    table has no row for it yet."""

    old: Place
    new: list[Place] = field(default_factory=list)

    @property
    def main(self) -> Place | None:
        return self.new[0] if self.new else None

    @property
    def split(self) -> bool:
        return len(self.new) > 1


def commune_successions(*, communes: Iterable[Place]) -> dict[int, Succession]:
    """Old commune pk → its Succession, in one query (what copying a plan across the change
    previews before it maps quotas and sessions)."""
    successions = {place.pk: Succession(old=place) for place in communes}
    changes = (
        CommuneChange.objects.filter(old_id__in=successions)
        .select_related("new")
        .order_by("old_id", "-main", "new__code")
    )
    for change in changes:
        successions[change.old_id].new.append(change.new)
    return successions
