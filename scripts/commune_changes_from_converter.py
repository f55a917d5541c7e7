"""Write the commune changes of 1 July 2025 for the portal's old-map communes, as the CSV that
`load_directory --changes` and the admin's CSV import read (old_code,new_code,main,old_name,
new_name), from the converter data of the `vietnamadminunits` package.

The portal does not depend on that package (see the README): download its wheel once, unpack
it, and point this script at its `data` folder:

    .venv/bin/pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    cd /tmp/vau && unzip -q vietnamadminunits-1.0.4-py3-none-any.whl
    .venv/bin/python scripts/commune_changes_from_converter.py /tmp/vau/vietnamadminunits/data > changes.csv

Old communes are matched by the names of their province, district and commune (the
converter's keys: lower case, without diacritics or spaces), so the old map's names must be
spelled as the statistics office spells them; those that do not match are listed on stderr.
directory/data/commune_changes.csv was written this way for the demo's old communes.
"""

import csv
import json
import os
import sqlite3
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")

import django  # noqa: E402

django.setup()

from directory.models import MapEra, Place, PlaceLevel  # noqa: E402


def key(text: str) -> str:
    """'Xã Phước Hòa' → 'xaphuochoa', as the converter keys its units."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def successors(data: Path) -> tuple[dict[str, list[tuple[str, bool]]], dict[str, str]]:
    """Old key (province_district_commune) → [(new commune code, main)], and code → name."""
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    with sqlite3.connect(data / "dataset.db") as db:
        rows = db.execute("select provinceKey, wardKey, wardCode, ward from admin_units").fetchall()
    codes = {(province, ward): code for province, ward, code, _ in rows}
    names = {code: name for _, _, code, name in rows}
    found: dict[str, list[tuple[str, bool]]] = {}
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old in olds:
                found.setdefault(old, []).append((codes[(province, ward)], True))
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            found[old] = [(codes[(province, n["newWardKey"])], bool(n["isDefaultNewWard"])) for n in news]
    return found, names


def main(data: Path) -> int:
    found, names = successors(data)
    communes = Place.objects.filter(era=MapEra.BEFORE_2025, level=PlaceLevel.COMMUNE).select_related(
        "parent__parent"
    )
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["old_code", "new_code", "main", "old_name", "new_name"])
    missing = []
    for commune in sorted(communes, key=lambda place: place.code):
        district = commune.parent
        province = district.parent if district else None
        if district is None or province is None:
            missing.append(commune)
            continue
        news = found.get("_".join(key(p.full_name) for p in (province, district, commune)))
        if not news:
            missing.append(commune)
            continue
        for code, main in news:
            out.writerow(
                [commune.code, code, "x" if main or len(news) == 1 else "", commune.full_name, names[code]]
            )
    for commune in missing:
        print(f"Không khớp: {commune.code} {commune} ({commune.parent})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
