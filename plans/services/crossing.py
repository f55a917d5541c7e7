"""Copying a plan of the old map (before 1 July 2025) to a year on today's map.

The old communes its sessions name are mapped to the communes that took them (the
CommuneChange table): several old communes merged into one give one commune, their quotas one
quota with the sum; an old commune split between several goes whole to its main successor (the
one that took its seat) and the preview names the others so the clerk can divide the quota by
hand; a place with no successor (a district, a hamlet, a commune the table does not know) is
dropped and listed. A district has no successor, so the copy's issuer is chosen among today's
places that took the district's communes and their province; the default is the successor of
the district's seat (its thị trấn), or else the province.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from core.collation import sort_key
from directory.models import MapEra, Place, PlaceKind, PlaceLevel
from directory.selectors import Succession, commune_successions

from ..models import Plan
from ..parts import PlaceMerge, plan_parts
from ..planfile import export_plan

# Today's map holds from 1 July 2025: a plan of that year or later may be written on it.
FIRST_YEAR_OF_NEW_MAP = 2025


def may_copy_across(plan: Plan) -> bool:
    """Whether `plan` is on the old map, so that a copy may move it to today's."""
    return plan.issuer.era == MapEra.BEFORE_2025


class PlanCopyAcrossError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class PlaceMove:
    """One old place the plan names and the places of today's map that took it (main first)."""

    old: Place
    new: list[Place] = field(default_factory=list)

    @property
    def main(self) -> Place | None:
        return self.new[0] if self.new else None

    @property
    def split(self) -> bool:
        return len(self.new) > 1

    @property
    def others(self) -> list[Place]:
        return self.new[1:]


@dataclass
class MergedQuota:
    where: str
    new: Place
    parts: list[tuple[Place, int]]
    total: int


@dataclass
class CopyAcrossPreview:
    plan: Plan
    year: int
    moves: list[PlaceMove]
    merged_quotas: list[MergedQuota]
    issuer_choices: list[Place]
    default_issuer: Place | None
    # The plan-file dict with today's codes (issuer and year not set yet).
    data: dict

    @property
    def splits(self) -> list[PlaceMove]:
        return [m for m in self.moves if m.split]

    @property
    def dropped(self) -> list[PlaceMove]:
        return [m for m in self.moves if m.main is None]


def _named_codes(data: dict) -> list[str]:
    codes: set[str] = set()
    for part in plan_parts():
        for item in data.get(part.key, []):
            codes.update(part.place_codes(item))
    return sorted(codes)


def preview_copy_across(*, plan: Plan, year: int) -> CopyAcrossPreview:
    """How copying `plan` (old map) to `year` maps its places; writes nothing. A fixed number
    of queries: the plan's export, its old places, the successions, the places that took them."""
    data = export_plan(plan)
    issuer = plan.issuer
    named = {p.code: p for p in Place.objects.filter(era=MapEra.BEFORE_2025, code__in=_named_codes(data))}
    # The communes of the issuer's territory tell its successors (the issuer choices).
    territory = list(
        Place.objects.filter(era=MapEra.BEFORE_2025, level=PlaceLevel.COMMUNE, path__startswith=issuer.path)
    )
    communes = {p.pk: p for p in territory}
    communes.update({p.pk: p for p in named.values() if p.level == PlaceLevel.COMMUNE})
    successions: dict[int, Succession] = commune_successions(communes=communes.values())
    new_provinces = _new_provinces(successions.values())

    moves = []
    for code in sorted(named):
        old = named[code]
        if old.level == PlaceLevel.COMMUNE:
            moves.append(PlaceMove(old, list(successions[old.pk].new)))
        elif old.level == PlaceLevel.PROVINCE and old.code in new_provinces:
            moves.append(PlaceMove(old, [new_provinces[old.code]]))
        else:
            moves.append(PlaceMove(old))
    by_code = {m.old.code: m for m in moves}

    def new_code(old_code: str) -> str | None:
        move = by_code.get(old_code)
        return move.main.code if move and move.main else None

    merges: list[PlaceMerge] = []
    for part in plan_parts():
        for index, item in enumerate(data.get(part.key, [])):
            merges += part.move_places(item, index, new_code)
    new_places = {p.code: p for m in moves for p in m.new}
    merged = [
        MergedQuota(
            where=m.where,
            new=new_places[m.new_code],
            parts=[(named[old], count) for old, count in m.parts],
            total=m.total,
        )
        for m in merges
    ]
    choices, default = _issuer_choices(issuer, territory, successions, new_provinces)
    return CopyAcrossPreview(plan, year, moves, merged, choices, default, data)


def _new_provinces(successions) -> dict[str, Place]:
    """Old province code → today's province that took most of its communes."""
    votes: dict[str, Counter] = {}
    for succession in successions:
        if succession.main is None:
            continue
        old_province = succession.old.path.split(":", 1)[-1].split("/", 1)[0]
        votes.setdefault(old_province, Counter())[succession.main.parent_id] += 1
    wanted = {pk for counter in votes.values() for pk in counter}
    provinces = {p.pk: p for p in Place.objects.filter(pk__in=wanted)} if wanted else {}
    return {code: provinces[counter.most_common(1)[0][0]] for code, counter in votes.items()}


def _issuer_choices(issuer: Place, territory, successions, new_provinces) -> tuple[list[Place], Place | None]:
    """Today's places that may issue the copy: the province(s) and the communes that took the
    old issuer's communes; the default is the successor of the issuer itself (a commune) or of
    the district's seat (its first thị trấn), else the province."""
    communes: dict[int, Place] = {}
    for old in territory:
        for new in successions[old.pk].new:
            communes[new.pk] = new
    provinces = {p.pk: p for p in new_provinces.values()}
    choices = sorted(provinces.values(), key=lambda p: p.code) + sorted(
        communes.values(), key=lambda p: (p.kind, sort_key(p.name))
    )
    if issuer.level == PlaceLevel.COMMUNE:
        seat = issuer
    else:
        towns = sorted((p for p in territory if p.kind == PlaceKind.THI_TRAN), key=lambda p: p.code)
        seat = towns[0] if towns and issuer.level == PlaceLevel.DISTRICT else None
    if seat is not None and successions[seat.pk].main is not None:
        default = successions[seat.pk].main
    else:
        default = choices[0] if provinces else None
    return choices, default
