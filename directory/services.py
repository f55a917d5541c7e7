import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction

from .models import KIND_LEVEL, Place, PlaceKind, Unit, UnitKind


class DirectoryImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class DirectoryImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _rows(text: str, required: list[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(unicodedata.normalize("NFC", text.lstrip("\ufeff"))))
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise DirectoryImportError([f"Thiếu cột: {', '.join(missing)}."])
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@transaction.atomic
def import_places(*, text: str) -> DirectoryImportResult:
    """Create or update places from CSV (code,kind,name,parent_code). All or nothing."""
    rows = _rows(text, ["code", "kind", "name", "parent_code"])
    result = DirectoryImportResult()
    known = {p.code: p for p in Place.objects.all()}
    for line, row in enumerate(rows, start=2):
        if row["kind"] not in PlaceKind.values:
            result.errors.append(f"Dòng {line}, cột kind: loại địa bàn «{row['kind']}» không hợp lệ.")
            continue
        if not row["code"] or not row["name"]:
            result.errors.append(f"Dòng {line}: thiếu mã hoặc tên.")
            continue
        parent = None
        if row["parent_code"]:
            parent = known.get(row["parent_code"])
            if parent is None:
                result.errors.append(
                    f"Dòng {line}, cột parent_code: không tìm thấy địa bàn mã «{row['parent_code']}»."
                )
                continue
        level = KIND_LEVEL[PlaceKind(row["kind"])]
        if parent is not None and parent.level >= level:
            result.errors.append(f"Dòng {line}: cấp của địa bàn phải thấp hơn cấp trực thuộc.")
            continue
        path = f"{parent.path if parent else ''}{row['code']}/"
        place, created = Place.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "name": row["name"],
                "parent": parent,
                "level": level,
                "path": path,
            },
        )
        known[place.code] = place
        if created:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        raise DirectoryImportError(result.errors)
    return result


@transaction.atomic
def import_units(*, text: str) -> DirectoryImportResult:
    """Create or update units from CSV (code,name,short_name,kind,place_code,email)."""
    rows = _rows(text, ["code", "name", "short_name", "kind", "place_code"])
    result = DirectoryImportResult()
    places = {p.code: p for p in Place.objects.filter(level__lte=3)}
    for line, row in enumerate(rows, start=2):
        if row["kind"] not in UnitKind.values:
            result.errors.append(f"Dòng {line}, cột kind: loại đơn vị «{row['kind']}» không hợp lệ.")
            continue
        place = places.get(row["place_code"])
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
                "email": row.get("email", ""),
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
    """Derive level and path from kind and parent, then save (used by the admin)."""
    place.level = KIND_LEVEL[PlaceKind(place.kind)]
    place.path = f"{place.parent.path if place.parent else ''}{place.code}/"
    place.save()
    return place
