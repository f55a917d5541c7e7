"""Is this walk-in someone the session already knows? The rules of the participant uploads
(sessions.participants.checks): the same CCCD is the same person; without one, the same name
(accents and case aside) in the same commune, with the same birth year and hamlet.

At the door the desk often writes only a name and a commune: a birth year or hamlet missing on
either side then does not tell two people apart, so they are offered as the same person and the
desk says whether they are. A different CCCD, birth year or hamlet does tell them apart.

(This matcher is kept here on purpose: the uploads' merge key in sessions.participants is being
reworked for list replacement; both should agree and may later share one key function.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from core.vietnamese import normalize_key
from directory.models import Place
from sessions.models import Participant, ParticipantCategory, Session

from ..models import Attendance


@dataclass(frozen=True)
class WalkIn:
    """What the desk wrote down about someone who came without a letter."""

    full_name: str
    commune: Place
    category: ParticipantCategory | None = None
    hamlet: Place | None = None
    birth_year: int | None = None
    national_id: str = ""


@dataclass(frozen=True)
class Match:
    """A person the session already has: on its list (`participant`) or an earlier walk-in
    (`attendance` only). `attendance` is their check-in, if any; `certain` when the CCCD matches."""

    full_name: str
    commune: Place
    hamlet: Place | None
    birth_year: int | None
    certain: bool
    participant: Participant | None = None
    attendance: Attendance | None = None

    @property
    def checked_in(self) -> bool:
        return self.attendance is not None


class SamePersonFound(Exception):
    """The walk-in is already known: the desk checks in the existing person instead."""

    def __init__(self, matches: list[Match]):
        super().__init__("Người này đã có trong danh sách hoặc đã được ghi nhận.")
        self.matches = matches


def _same(
    walk_in: WalkIn, key: str, *, name_key, commune_id, hamlet_id, birth_year, national_id
) -> bool | None:
    """True: the same CCCD; False: the same name, nothing telling them apart; None: not the same."""
    if walk_in.national_id and national_id:
        return True if walk_in.national_id == national_id else None
    if name_key != key or commune_id != walk_in.commune.pk:
        return None
    if walk_in.birth_year and birth_year and walk_in.birth_year != birth_year:
        return None
    if walk_in.hamlet and hamlet_id and walk_in.hamlet.pk != hamlet_id:
        return None
    return False


def same_people(*, session: Session, walk_in: WalkIn) -> list[Match]:
    """The people of `session` (its list, then earlier walk-ins) who may be `walk_in`, those
    sharing the CCCD first. Two queries, whatever the size of the list."""
    key = normalize_key(walk_in.full_name)
    by_id = Q(national_id=walk_in.national_id) if walk_in.national_id else Q(pk__in=[])
    arrived = Attendance.objects.filter(session=session, participant=OuterRef("pk")).values("pk")[:1]
    listed = (
        Participant.objects.filter(session=session)
        .filter(by_id | Q(name_key=key, commune=walk_in.commune))
        .select_related("commune", "hamlet")
        .annotate(attendance_id=Subquery(arrived))
    )
    matches = []
    attendance_ids = {}
    for person in listed:
        same = _same(
            walk_in,
            key,
            name_key=person.name_key,
            commune_id=person.commune_id,
            hamlet_id=person.hamlet_id,
            birth_year=person.birth_year,
            national_id=person.national_id,
        )
        if same is not None:
            matches.append((same, person))
            if person.attendance_id:
                attendance_ids[person.attendance_id] = person
    walk_ins = (
        Attendance.objects.filter(session=session)
        .filter(Q(walk_in=True) & (by_id | Q(commune=walk_in.commune)) | Q(pk__in=attendance_ids))
        .select_related("commune", "hamlet")
    )
    checked_in = {}
    earlier = []
    for row in walk_ins:
        if row.pk in attendance_ids:
            checked_in[attendance_ids[row.pk].pk] = row
            continue
        same = _same(
            walk_in,
            key,
            name_key=normalize_key(row.full_name),
            commune_id=row.commune_id,
            hamlet_id=row.hamlet_id,
            birth_year=row.birth_year,
            national_id=row.national_id,
        )
        if same is not None:
            earlier.append(
                Match(row.full_name, row.commune, row.hamlet, row.birth_year, same, attendance=row)
            )
    found = [
        Match(
            person.full_name,
            person.commune,
            person.hamlet,
            person.birth_year,
            same,
            participant=person,
            attendance=checked_in.get(person.pk),
        )
        for same, person in matches
    ]
    found += earlier
    found.sort(key=lambda match: not match.certain)
    return found
