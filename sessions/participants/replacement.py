"""Replacing a commune's list with a new file, as a merge.

A replacement must not cost anyone their letter: the people of the file who are already listed
(sessions.participants.matching) keep their row, hence the code on their printed letter, their
check-in and their e-mails, and only their details are taken from the file; the file's other
people are added; the listed people the file leaves out are removed. Those of them who were
already invited (letter printed, e-mail sent) or checked in (sessions.participants.history) are
removed only when the user confirms it for each of them by id: the preview lists them, and the
confirmation says their letters become void.

`plan_replacement` fills the report (which row is whom, who goes); `apply_replacement` writes
it, inside the import's transaction. Both read or write a constant number of times whatever the
size of the list.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import connection

from directory.models import Place

from ..models import Participant, Session
from .history import history_marks, history_of, with_history
from .matching import PersonKey, match_people
from .report import ImportReport, RowReport

# What a kept person takes from the file.
UPDATED_FIELDS = (
    "full_name",
    "name_key",
    "birth_year",
    "hamlet",
    "category",
    "phone",
    "national_id",
    "email",
    "row_number",
)
# Names of people with a history said in the refusal message before "… và N người khác".
NAMES_IN_MESSAGE = 5


@dataclass(slots=True)
class Removal:
    """A listed person the new file leaves out."""

    pk: int
    full_name: str
    birth_year: int | None
    hamlet: str
    national_id: str
    # One flag per mark of sessions.participants.history, in the preview's column order.
    history: tuple[bool, ...]

    @property
    def has_history(self) -> bool:
        return any(self.history)


@dataclass
class ReplacementPlan:
    """The listed participants by id, and which of them each saved row of the file is."""

    listed: dict[int, Participant] = field(default_factory=dict)
    matches: dict[int, int] = field(default_factory=dict)  # row index in report.rows -> participant id


def _key_of_row(row: RowReport) -> PersonKey:
    return PersonKey.of(
        full_name=row.full_name,
        birth_year=row.birth_year,
        hamlet_id=row.hamlet.pk if row.hamlet else None,
        national_id=row.national_id,
    )


def _key_of(participant: Participant) -> PersonKey:
    return PersonKey(
        participant.name_key, participant.birth_year, participant.hamlet_id, participant.national_id
    )


def plan_replacement(report: ImportReport, *, session: Session, commune: Place) -> ReplacementPlan:
    """Match the report's saved rows to the commune's current list and fill in the report who is
    kept (``row.match``, ``kept``), added (``added``) and removed (``removals``, with what each
    of them already has). One query, reading only."""
    participants = with_history(
        Participant.objects.filter(session=session, commune=commune).select_related("hamlet")
    ).order_by("row_number", "id")
    plan = ReplacementPlan(listed={p.pk: p for p in participants})
    incoming = [_key_of_row(row) if row.will_be_saved else None for row in report.rows]
    plan.matches = match_people(incoming, [(pk, _key_of(p)) for pk, p in plan.listed.items()])
    for index, pk in plan.matches.items():
        row, saved = report.rows[index], plan.listed[pk]
        row.match = pk
        _say_when_details_differ(row, saved)
    kept = set(plan.matches.values())
    report.history_labels = [mark.label for mark in history_marks()]
    report.removals = [
        Removal(
            pk=p.pk,
            full_name=p.full_name,
            birth_year=p.birth_year,
            hamlet=p.hamlet.full_name if p.hamlet else "",
            national_id=p.national_id,
            history=history_of(p),
        )
        for pk, p in plan.listed.items()
        if pk not in kept
    ]
    report.kept = len(kept)
    report.added = len(report.rows_to_save) - report.kept
    return plan


def _say_when_details_differ(row: RowReport, saved: Participant) -> None:
    """A person found by their CCCD under another name or birth year: probably a correction,
    possibly a typo in the CCCD; the preview says which listed person the row takes over."""
    if not (row.national_id and row.national_id == saved.national_id):
        return
    new, old = _key_of_row(row), _key_of(saved)
    if new.name_key == old.name_key and (
        new.birth_year == old.birth_year or None in (new.birth_year, old.birth_year)
    ):
        return
    born = f", sinh năm {saved.birth_year}" if saved.birth_year else ""
    row.warning(
        "national_id",
        f"«{row.national_id}» là CCCD của «{saved.full_name}»{born} trong danh sách hiện có: "
        "coi là cùng một người (giữ giấy mời và điểm danh) và sửa họ tên, năm sinh theo tệp.",
    )


def unconfirmed_removals(report: ImportReport, confirmed: Collection[int]) -> list[Removal]:
    """The people with a history the replacement would remove without the user's confirmation."""
    return [removal for removal in report.removals if removal.has_history and removal.pk not in confirmed]


def refusal_message(refused: list[Removal]) -> str:
    names = ", ".join(removal.full_name for removal in refused[:NAMES_IN_MESSAGE])
    if len(refused) > NAMES_IN_MESSAGE:
        names += f" và {len(refused) - NAMES_IN_MESSAGE} người khác"
    return (
        f"Danh sách mới bỏ {len(refused)} người đã được mời hoặc đã điểm danh ({names}); chưa lưu gì. "
        "Nếu đúng là họ không dự nữa, hãy đánh dấu ô xác nhận bên dưới (giấy mời của họ không còn "
        "giá trị); nếu không, hãy thêm họ vào tệp rồi tải lên lại."
    )


def apply_replacement(report: ImportReport, plan: ReplacementPlan) -> int:
    """Write a planned replacement's removals and updates (the service inserts the new rows).
    Side effects: deletes the removed participants (with their check-ins; their e-mails stay in
    the outbox without a participant) and updates the kept ones whose details changed. Call it
    inside the import's transaction, once the confirmation is checked. Returns how many were removed."""
    removed = [removal.pk for removal in report.removals]
    if removed:
        Participant.objects.filter(pk__in=removed).delete()
    changed = []
    for index, pk in plan.matches.items():
        row, participant = report.rows[index], plan.listed[pk]
        before = _values(participant)
        participant.full_name = row.full_name
        participant.fill_name_key()
        participant.birth_year = row.birth_year
        participant.hamlet = row.hamlet
        participant.category = row.category
        participant.phone = row.phone
        participant.email = row.email
        participant.row_number = row.number
        # A CCCD the row brings is nobody else's on the list: a listed person holding it would
        # have been matched to this row first (sessions.participants.matching).
        participant.national_id = row.national_id
        if _values(participant) != before:
            changed.append(participant)
    if changed:
        _update(changed)
    return len(removed)


def _values(participant: Participant) -> tuple:
    return tuple(
        getattr(participant, f"{name}_id" if name in ("hamlet", "category") else name)
        for name in UPDATED_FIELDS
    )


def _update(participants: list[Participant]) -> None:
    """Write the UPDATED_FIELDS of `participants`. On PostgreSQL one UPDATE … FROM unnest(…),
    one array per column: Django's bulk_update writes a CASE per column with a branch per row,
    which PostgreSQL takes minutes to plan for 10,000 rows (bench/replace.py)."""
    if connection.vendor != "postgresql":
        Participant.objects.bulk_update(participants, UPDATED_FIELDS, batch_size=500)
        return
    fields = [Participant._meta.get_field(name) for name in UPDATED_FIELDS]
    pk = Participant._meta.pk
    quote = connection.ops.quote_name
    arrays = [f"%s::{pk.rel_db_type(connection)}[]"]
    arrays += [f"%s::{field.db_type(connection)}[]" for field in fields]
    names = [quote(pk.column), *(quote(field.column) for field in fields)]
    values = [[p.pk for p in participants]]
    values += [[getattr(p, field.attname) for p in participants] for field in fields]
    sql = (
        f"UPDATE {quote(Participant._meta.db_table)} AS p SET "
        + ", ".join(f"{name} = v.{name}" for name in names[1:])
        + f" FROM unnest({', '.join(arrays)}) AS v({', '.join(names)}) WHERE p.{names[0]} = v.{names[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
