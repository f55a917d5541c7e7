import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

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


def place_position_error(*, place: Place) -> str | None:
    """Why `place` cannot sit under its parent (a lower level, not inside itself), or None."""
    parent = place.parent
    if parent is None:
        return None
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
    place.path = f"{place.parent.path if place.parent else ''}{place.code}/"
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
        place = known.get(row["code"])
        created = place is None
        if created:
            place = Place(code=row["code"])
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
