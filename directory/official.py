"""Today's map from the official list: the 34 provinces and 3,321 communes in force since
1 July 2025, with the codes of the statistics office, as the `vietnam-provinces` package
ships them (pinned in requirements.txt; see the README for why this package).

Loaded in bulk: one read of today's provinces and communes, one INSERT per level for the
new ones, one UPDATE per level for the changed ones. Hamlets are not in the list; they come
from each commune's CSV (`import_places`), under the communes' official codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import vietnam_provinces
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from vietnam_provinces import Province, VietNamDivisionType, Ward

from .models import KIND_LEVEL, MapEra, Place, PlaceKind, PlaceLevel, era_path_prefix

ERA = MapEra.FROM_2025

KINDS = {
    VietNamDivisionType.TINH: PlaceKind.TINH,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: PlaceKind.THANH_PHO_TW,
    VietNamDivisionType.XA: PlaceKind.XA,
    VietNamDivisionType.PHUONG: PlaceKind.PHUONG,
    VietNamDivisionType.DAC_KHU: PlaceKind.DAC_KHU,
}

# The package names a unit with its kind ("Xã Tuy Phước", "Thành phố Hà Nội"); the portal
# keeps the kind apart ("xã" + "Tuy Phước").
NAME_PREFIXES = {
    PlaceKind.TINH: "tỉnh ",
    PlaceKind.THANH_PHO_TW: "thành phố ",
    PlaceKind.XA: "xã ",
    PlaceKind.PHUONG: "phường ",
    PlaceKind.DAC_KHU: "đặc khu ",
}

FIELDS = ["kind", "level", "name", "parent", "path"]


@dataclass
class OfficialLoadResult:
    created: int = 0
    updated: int = 0
    # Places of today's map at province or commune level that the list no longer has (kept:
    # plans may name them; an administrator decides).
    not_listed: list[str] = field(default_factory=list)


def list_version() -> str:
    """'2025.10.1 (dữ liệu ngày 2025-10-18)': the package release and the date of its data."""
    return f"{vietnam_provinces.__version__} (dữ liệu ngày {vietnam_provinces.__data_version__})"


def province_code(code: int) -> str:
    """The statistics office writes province codes with two digits ("01" Hà Nội)."""
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    """…and commune codes with five ("00070" phường Hoàn Kiếm)."""
    return f"{int(code):05d}"


def _bare_name(name: str, kind: str) -> str:
    prefix = NAME_PREFIXES[kind]
    return name[len(prefix) :] if name.lower().startswith(prefix) else name


def _apply(
    place: Place | None, *, code: str, kind: str, name: str, parent: Place | None
) -> tuple[Place, bool, str | None]:
    """`place` (or a new one) set to the listed values: (place, changed, old path if moved)."""
    path = f"{parent.path if parent else era_path_prefix(ERA)}{code}/"
    values = {"kind": kind, "level": KIND_LEVEL[kind], "name": name, "parent": parent, "path": path}
    if place is None:
        return Place(era=ERA, code=code, **values), True, None
    old_path = place.path
    changed = any(
        (place.parent_id != (parent.pk if parent else None))
        if key == "parent"
        else getattr(place, key) != value
        for key, value in values.items()
    )
    for key, value in values.items():
        setattr(place, key, value)
    return place, changed, (old_path if old_path != path else None)


def _save(known: dict[str, Place], wanted: list[Place], changed: list[Place], moved: list[tuple[str, str]]):
    """One INSERT for the new places, one UPDATE for the changed ones; hamlets of a moved
    place follow its path."""
    new = [p for p in wanted if p.pk is None]
    Place.objects.bulk_create(new, batch_size=1000)
    Place.objects.bulk_update(changed, FIELDS, batch_size=1000)
    for old, path in moved:
        Place.objects.filter(path__startswith=old, level=PlaceLevel.HAMLET).update(
            path=Concat(Value(path), Substr("path", len(old) + 1), output_field=CharField())
        )
    for place in new:
        known[place.code] = place
    return len(new), len(changed)


@transaction.atomic
def load_official_list() -> OfficialLoadResult:
    """Create or update today's provinces and communes from the official list. Idempotent: a
    second run with the same package changes nothing. Side effects: inserts and updates
    places of today's map (and the paths of the hamlets of a commune that moved)."""
    result = OfficialLoadResult()
    known = {
        p.code: p for p in Place.objects.filter(era=ERA, level__in=[PlaceLevel.PROVINCE, PlaceLevel.COMMUNE])
    }
    listed: set[str] = set()

    for level, units in (
        (PlaceLevel.PROVINCE, list(Province.iter_all())),
        (PlaceLevel.COMMUNE, list(Ward.iter_all())),
    ):
        wanted, changed, moved = [], [], []
        for unit in units:
            kind = KINDS[unit.division_type]
            if level == PlaceLevel.PROVINCE:
                code, parent = province_code(unit.code), None
            else:
                code, parent = commune_code(unit.code), known[province_code(unit.province_code)]
            place, is_changed, old_path = _apply(
                known.get(code), code=code, kind=kind, name=_bare_name(unit.name, kind), parent=parent
            )
            listed.add(code)
            wanted.append(place)
            if is_changed and place.pk is not None:
                changed.append(place)
            if old_path:
                moved.append((old_path, place.path))
        created, updated = _save(known, wanted, changed, moved)
        result.created += created
        result.updated += updated
    result.not_listed = sorted(str(p) for code, p in known.items() if code not in listed)
    return result
