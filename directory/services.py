import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

from .models import (
    ERA_LEVELS,
    KIND_LEVEL,
    CommuneChange,
    MapEra,
    Place,
    PlaceKind,
    PlaceLevel,
    Unit,
    UnitKind,
    era_path_prefix,
)


class DirectoryImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class DirectoryImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def place_position_error(*, place: Place) -> str | None:
    """Why `place` cannot sit under its parent (a lower level of the same map, not inside
    itself) or on its map (today's has no districts), or None."""
    parent = place.parent
    if KIND_LEVEL[PlaceKind(place.kind)] not in ERA_LEVELS[MapEra(place.era)]:
        return f"bản đồ «{MapEra(place.era).label}» không có cấp huyện."
    if parent is None:
        return None
    if parent.era != place.era:
        return "địa bàn trực thuộc phải cùng bản đồ hành chính."
    if parent.level >= KIND_LEVEL[PlaceKind(place.kind)]:
        return "cấp của địa bàn phải thấp hơn cấp trực thuộc."
    if place.pk is not None:
        old = Place.objects.filter(pk=place.pk).values_list("path", flat=True).first()
        if old and (parent.pk == place.pk or parent.path.startswith(old)):
            return "không thể đặt địa bàn trực thuộc chính nó hoặc một địa bàn bên trong nó."
    return None


def save_place_in_tree(place: Place) -> str | None:
    """Derive `level` from the kind and `path` from the parent and code, then save the place.

    When the path of an existing place changed (new code or new parent), the paths of all
    places inside it are rewritten with it in one UPDATE. Returns the old path in that case,
    None otherwise. The caller checks `place_position_error` first.
    """
    place.level = KIND_LEVEL[PlaceKind(place.kind)]
    place.path = f"{place.parent.path if place.parent else era_path_prefix(place.era)}{place.code}/"
    old = None
    if place.pk is not None:
        old = Place.objects.filter(pk=place.pk).values_list("path", flat=True).first()
    place.save()
    if not old or old == place.path:
        return None
    Place.objects.filter(path__startswith=old).exclude(pk=place.pk).update(
        path=Concat(Value(place.path), Substr("path", len(old) + 1), output_field=CharField())
    )
    return old


ERA_COLUMN_HELP = ", ".join(f"«{value}»" for value in MapEra.values)


def _era_of(row: dict[str, str], default: str, line: int, errors: list[str]) -> str | None:
    """The map of a row: its `era` cell when the file has that column, else `default`."""
    era = row.get("era") or default
    if era not in MapEra.values:
        errors.append(f"Dòng {line}, cột era: bản đồ «{era}» không hợp lệ (dùng {ERA_COLUMN_HELP}).")
        return None
    return era


def _rows(text: str, required: list[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(unicodedata.normalize("NFC", text.lstrip("\ufeff"))))
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise DirectoryImportError([f"Thiếu cột: {', '.join(missing)}."])
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@transaction.atomic
def import_places(*, text: str, era: str = MapEra.FROM_2025) -> DirectoryImportResult:
    """Create or update places from CSV (code,kind,name,parent_code[,era]). All or nothing.

    A row is on the map of its `era` cell, or on `era` when the file has no such column; its
    code and its parent's code are read within that map (a hamlets' file for today's
    communes names their official codes)."""
    rows = _rows(text, ["code", "kind", "name", "parent_code"])
    result = DirectoryImportResult()
    known = {(p.era, p.code): p for p in Place.objects.all()}
    for line, row in enumerate(rows, start=2):
        row_era = _era_of(row, era, line, result.errors)
        if row_era is None:
            continue
        if row["kind"] not in PlaceKind.values:
            result.errors.append(f"Dòng {line}, cột kind: loại địa bàn «{row['kind']}» không hợp lệ.")
            continue
        if not row["code"] or not row["name"]:
            result.errors.append(f"Dòng {line}: thiếu mã hoặc tên.")
            continue
        parent = None
        if row["parent_code"]:
            parent = known.get((row_era, row["parent_code"]))
            if parent is None:
                result.errors.append(
                    f"Dòng {line}, cột parent_code: không tìm thấy địa bàn mã «{row['parent_code']}»."
                )
                continue
        if "/" in row["code"] or ":" in row["code"]:
            result.errors.append(f"Dòng {line}, cột code: mã «{row['code']}» không được chứa «/» hoặc «:».")
            continue
        place = known.get((row_era, row["code"]))
        created = place is None
        if created:
            place = Place(era=row_era, code=row["code"])
        place.kind, place.name, place.parent = row["kind"], row["name"], parent
        error = place_position_error(place=place)
        if error:
            result.errors.append(f"Dòng {line}: {error}")
            continue
        try:
            with transaction.atomic():
                old_path = save_place_in_tree(place)
        except IntegrityError:
            where = f" thuộc {parent}" if parent else ""
            result.errors.append(
                f"Dòng {line}: đã có {PlaceKind(row['kind']).label} «{row['name']}»{where} với mã khác."
            )
            continue
        if old_path:
            # Places read before the move keep their old path in memory: move them too.
            for other in known.values():
                if other.pk != place.pk and other.path.startswith(old_path):
                    other.path = place.path + other.path[len(old_path) :]
        known[(place.era, place.code)] = place
        if created:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        raise DirectoryImportError(result.errors)
    return result


@transaction.atomic
def import_units(*, text: str, era: str = MapEra.FROM_2025) -> DirectoryImportResult:
    """Create or update units from CSV (code,name,short_name,kind,place_code,email[,era]);
    `place_code` is read on the row's map (its `era` cell, else `era`)."""
    rows = _rows(text, ["code", "name", "short_name", "kind", "place_code"])
    result = DirectoryImportResult()
    places = {(p.era, p.code): p for p in Place.objects.filter(level__lte=3)}
    for line, row in enumerate(rows, start=2):
        row_era = _era_of(row, era, line, result.errors)
        if row_era is None:
            continue
        if row["kind"] not in UnitKind.values:
            result.errors.append(f"Dòng {line}, cột kind: loại đơn vị «{row['kind']}» không hợp lệ.")
            continue
        if not row["code"] or not row["name"]:
            result.errors.append(f"Dòng {line}: thiếu mã hoặc tên.")
            continue
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.errors.append(
                    f"Dòng {line}, cột email: «{email}» không phải là địa chỉ thư điện tử hợp lệ."
                )
                continue
        place = places.get((row_era, row["place_code"]))
        if place is None:
            result.errors.append(
                f"Dòng {line}, cột place_code: không tìm thấy địa bàn mã «{row['place_code']}»."
            )
            continue
        _, created = Unit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"] or row["name"],
                "kind": row["kind"],
                "place": place,
                "email": email,
            },
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        raise DirectoryImportError(result.errors)
    return result


def save_place(*, place: Place) -> Place:
    """Save a place edited in the admin, its level and path derived (and those of the places
    inside it moved along). The admin form has already checked `place_position_error`."""
    save_place_in_tree(place)
    return place


MAIN_YES = {"x", "1", "có", "co", "true"}
MAIN_NO = {"", "0", "không", "khong", "false"}


@transaction.atomic
def import_commune_changes(*, text: str) -> DirectoryImportResult:
    """Load which of today's communes took each old commune, from CSV
    (old_code,new_code[,main]): old_code on the old map, new_code on today's, main marking
    the commune that took the seat of a split one (implied when there is only one).

    The rows of each old commune named in the file replace the ones it had, so a corrected
    file loads again cleanly and the same file twice changes nothing. All or nothing.
    Side effects: deletes and creates CommuneChange rows of those old communes."""
    rows = _rows(text, ["old_code", "new_code"])
    result = DirectoryImportResult()
    communes = Place.objects.filter(level=PlaceLevel.COMMUNE).order_by()
    old = {p.code: p for p in communes.filter(era=MapEra.BEFORE_2025)}
    new = {p.code: p for p in communes.filter(era=MapEra.FROM_2025)}
    wanted: dict[int, dict[int, tuple[bool, int]]] = {}  # old pk → new pk → (main, line)
    for line, row in enumerate(rows, start=2):
        before, after = old.get(row["old_code"]), new.get(row["new_code"])
        main = (row.get("main") or "").lower()
        if before is None:
            result.errors.append(
                f"Dòng {line}, cột old_code: không có xã, phường, thị trấn mã «{row['old_code']}» "
                f"trên bản đồ trước 01/7/2025."
            )
        if after is None:
            result.errors.append(
                f"Dòng {line}, cột new_code: không có xã, phường, đặc khu mã «{row['new_code']}» "
                f"trên bản đồ từ 01/7/2025."
            )
        if main not in MAIN_YES | MAIN_NO:
            result.errors.append(f"Dòng {line}, cột main: «{row['main']}» phải để trống hoặc ghi «x».")
        if before is None or after is None or main not in MAIN_YES | MAIN_NO:
            continue
        targets = wanted.setdefault(before.pk, {})
        if after.pk in targets:
            result.errors.append(f"Dòng {line}: {before} → {after} đã có ở dòng {targets[after.pk][1]}.")
            continue
        mains = [other for other, (is_main, _) in targets.items() if is_main]
        if main in MAIN_YES and mains:
            result.errors.append(
                f"Dòng {line}, cột main: {before} đã có xã chính ở dòng {targets[mains[0]][1]}."
            )
            continue
        targets[after.pk] = (main in MAIN_YES, line)
    if result.errors:
        raise DirectoryImportError(result.errors)
    for targets in wanted.values():
        if len(targets) == 1:
            ((only, (_, line)),) = targets.items()
            targets[only] = (True, line)
    existing = {(c.old_id, c.new_id): c.main for c in CommuneChange.objects.filter(old_id__in=wanted)}
    changed_olds = []
    for old_pk, targets in wanted.items():
        pairs = {(old_pk, new_pk): is_main for new_pk, (is_main, _) in targets.items()}
        before = {pair: is_main for pair, is_main in existing.items() if pair[0] == old_pk}
        if pairs == before:
            continue
        changed_olds.append(old_pk)
        result.created += len(pairs.keys() - before.keys())
        result.updated += sum(1 for pair in pairs.keys() & before.keys() if pairs[pair] != before[pair])
    CommuneChange.objects.filter(old_id__in=changed_olds).delete()
    CommuneChange.objects.bulk_create(
        CommuneChange(old_id=old_pk, new_id=new_pk, main=is_main)
        for old_pk in changed_olds
        for new_pk, (is_main, _) in wanted[old_pk].items()
    )
    return result
