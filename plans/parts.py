"""Parts of a plan that higher apps keep: the sessions of a plan live in the sessions app.

plans reads, prints, copies and files a plan whole without importing those apps: each app
registers a PlanPart in its AppConfig.ready() saying how its rows are prefetched with the plan,
counted on the plan list, written to the plan file's section `key` and read back from it,
moved to another year when a plan is copied, moved to today's map when a plan of the old map is
copied across the change of 1 July 2025, and what it still lacks before the plan is submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlanPart:
    # The plan file's section (a list of objects) this part reads and writes.
    key: str
    # Lookups (names or Prefetch objects) that plans_with_parts adds to its prefetch.
    prefetch: Callable[[], list] = list
    # Annotations for the plan list, e.g. {"session_count": <subquery>}.
    list_annotations: Callable[[], dict[str, Any]] = dict
    # export(plan) -> the section's items; the plan comes from plans_with_parts.
    export: Callable[[Any], list] = field(default=lambda plan: [])
    # read(reader, items) -> whatever save() needs; reports problems with reader.error().
    # `items` are (path, dict) pairs from PlanFileReader.items().
    read: Callable[[Any, list], Any] = field(default=lambda reader, items: None)
    # save(plan, read_result): write the rows, inside the import's transaction.
    save: Callable[[Any, Any], None] = field(default=lambda plan, pending: None)
    # retarget(item, year): move one exported item to `year` for a copy of the plan.
    retarget: Callable[[dict, int], None] = field(default=lambda item, year: None)
    # gaps(plan) -> what the part still lacks, one Vietnamese line each ("Chưa có địa điểm
    # phiên 2."), for plans.services.completeness; the plan may come from plans_with_parts.
    gaps: Callable[[Any], list[str]] = field(default=lambda plan: [])
    # place_codes(item): the codes of the places one exported item names.
    place_codes: Callable[[dict], list[str]] = field(default=lambda item: [])
    # move_places(item, index, new_code): rewrite one exported item's place codes with
    # `new_code(old) -> code on today's map, or None (dropped)`, merging what lands on one
    # place. Returns the merges as PlaceMerge for the copy's preview.
    move_places: Callable[[dict, int, Callable[[str], str | None]], list[PlaceMerge]] = field(
        default=lambda item, index, new_code: []
    )


@dataclass(frozen=True)
class PlaceMerge:
    """Counts of several old places added up on the one place of today's map that took them."""

    where: str  # "Phiên 3", for the preview
    new_code: str
    parts: tuple[tuple[str, int], ...]  # (old code, count)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.parts)


_parts: dict[str, PlanPart] = {}


def register_plan_part(part: PlanPart) -> None:
    """Called from AppConfig.ready(); registering the same key again replaces it."""
    _parts[part.key] = part


def plan_parts() -> list[PlanPart]:
    return list(_parts.values())
