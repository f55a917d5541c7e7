"""Who in a new list is who in the old one: the rule a replacement uses to keep a person's row
(and with it their letter's code, their check-in and their e-mails).

The same person is, in this order of trust:
1. the same CCCD;
2. else the same name (without accents, case or extra spaces), birth year and hamlet, where
   the two do not carry different CCCDs;
3. else the same name and hamlet where one of the two has no birth year (a year added or
   dropped in the new file), again without different CCCDs.
Each tier runs over the whole file before the next, so a row's CCCD is never taken by an
earlier row's name; each old person matches one row at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.vietnamese import normalize_key


@dataclass(frozen=True, slots=True)
class PersonKey:
    """What tells people apart: built from a file's row or a saved participant alike."""

    name_key: str
    birth_year: int | None
    hamlet_id: int | None
    national_id: str

    @classmethod
    def of(cls, *, full_name: str, birth_year: int | None, hamlet_id: int | None, national_id: str):
        return cls(normalize_key(full_name), birth_year, hamlet_id, national_id or "")

    def may_be(self, other: PersonKey) -> bool:
        """Not told apart by their CCCDs (one of them has none, or both have the same)."""
        return not (self.national_id and other.national_id and self.national_id != other.national_id)


def match_people(
    incoming: Sequence[PersonKey | None], listed: Sequence[tuple[int, PersonKey]]
) -> dict[int, int]:
    """{index in `incoming`: id in `listed`} for the rows that are someone already listed.

    `incoming` holds the file's rows in order (None for a row that is not saved); `listed`
    the saved participants as (id, key), in list order, which breaks ties."""
    matches: dict[int, int] = {}
    taken: set[int] = set()

    by_id: dict[str, int] = {}
    for pk, key in listed:
        if key.national_id:
            by_id.setdefault(key.national_id, pk)
    for index, key in enumerate(incoming):
        if key is None or not key.national_id:
            continue
        pk = by_id.get(key.national_id)
        if pk is not None and pk not in taken:
            matches[index] = pk
            taken.add(pk)

    by_person: dict[tuple, list[tuple[int, PersonKey]]] = {}
    by_name: dict[tuple, list[tuple[int, PersonKey]]] = {}
    for pk, key in listed:
        if pk in taken:
            continue
        by_person.setdefault((key.name_key, key.birth_year, key.hamlet_id), []).append((pk, key))
        by_name.setdefault((key.name_key, key.hamlet_id), []).append((pk, key))

    def first_free(candidates, key: PersonKey, *, other_year: bool) -> int | None:
        for pk, saved in candidates:
            if pk in taken or not key.may_be(saved):
                continue
            if other_year and (key.birth_year is not None and saved.birth_year is not None):
                continue
            return pk
        return None

    for other_year in (False, True):
        for index, key in enumerate(incoming):
            if key is None or index in matches:
                continue
            if other_year:
                candidates = by_name.get((key.name_key, key.hamlet_id), ())
            else:
                candidates = by_person.get((key.name_key, key.birth_year, key.hamlet_id), ())
            pk = first_free(candidates, key, other_year=other_year)
            if pk is not None:
                matches[index] = pk
                taken.add(pk)
    return matches
