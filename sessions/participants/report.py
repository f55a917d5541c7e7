"""What an uploaded participant list becomes: a status and messages per row, the list's counts
and whether it can be saved. The preview page, the confirmation and the import_participants
command all show this report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.models import Place

from ..models import ParticipantCategory, Session
from .columns import COLUMN_BY_FIELD

if TYPE_CHECKING:
    from .replacement import Removal


class RowStatus:
    NEW = "new"
    DUPLICATE = "duplicate"
    WARNING = "warning"
    ERROR = "error"

    LABELS = {NEW: "mới", DUPLICATE: "trùng", WARNING: "cảnh báo", ERROR: "lỗi"}
    ORDER = (NEW, DUPLICATE, WARNING, ERROR)


# A replacement's row that is someone already listed (ImportReport.count_items).
KEPT = "kept"


@dataclass(slots=True)
class RowReport:
    """One data row of the file: what was read, what it becomes, and what is wrong with it."""

    number: int
    values: dict[str, str]
    full_name: str = ""
    birth_year: int | None = None
    hamlet: Place | None = None
    category: ParticipantCategory | None = None
    phone: str = ""
    national_id: str = ""
    email: str = ""
    # Most rows have no message: a list is made only for the first one (10,000 rows, 30,000 lists).
    errors: list[str] | tuple[()] = ()
    duplicates: list[str] | tuple[()] = ()
    warnings: list[str] | tuple[()] = ()
    # With a replacement: the id of the listed person this row is (sessions.participants.replacement).
    match: int | None = None

    @property
    def status(self) -> str:
        if self.errors:
            return RowStatus.ERROR
        if self.duplicates:
            return RowStatus.DUPLICATE
        if self.warnings:
            return RowStatus.WARNING
        return RowStatus.NEW

    @property
    def status_label(self) -> str:
        return RowStatus.LABELS[self.status]

    @property
    def messages(self) -> list[str]:
        return [*self.errors, *self.duplicates, *self.warnings]

    @property
    def will_be_saved(self) -> bool:
        return self.status in (RowStatus.NEW, RowStatus.WARNING)

    def error(self, field_: str, message: str) -> None:
        self.errors = [*self.errors, self._locate(field_, message)]

    def warning(self, field_: str, message: str) -> None:
        self.warnings = [*self.warnings, self._locate(field_, message)]

    def duplicate(self, field_: str, message: str) -> None:
        self.duplicates = [*self.duplicates, self._locate(field_, message)]

    def _locate(self, field_: str, message: str) -> str:
        return f"Dòng {self.number}, cột «{COLUMN_BY_FIELD[field_].label}»: {message}"


@dataclass
class ImportReport:
    """The preview (and, after `import_participants`, the result) of one uploaded list."""

    session: Session
    commune: Place
    filename: str = ""
    replace: bool = False
    rows: list[RowReport] = field(default_factory=list)
    # Problems with the file as a whole: unreadable, over quota, no quota, legacy encoding.
    errors: list[str] = field(default_factory=list)
    # Things to look at that do not stop the import (a hamlet below the session's minimum).
    notices: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    # Header cells of the file naming no column of the list, and what the preview says of them.
    ignored_columns: list[str] = field(default_factory=list)
    ignored_notice: str = ""
    quota: int | None = None
    existing: int = 0
    # Rows saved: added, plus (with a replacement) the listed people the file keeps.
    saved: int = 0
    committed: bool = False
    # A replacement (sessions.participants.replacement): listed people the file keeps, people it
    # adds, people it removes (with what each already has: `history_labels` name the flags), and
    # why it was not saved when some of those had a letter or a check-in and were not confirmed.
    kept: int = 0
    added: int = 0
    removed: int = 0
    removals: list[Removal] = field(default_factory=list)
    history_labels: list[str] = field(default_factory=list)
    removal_refused: str = ""

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowStatus.ORDER, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def incoming(self) -> int:
        """People the list adds once it is correct: every row that is not a duplicate."""
        return sum(1 for row in self.rows if row.status != RowStatus.DUPLICATE)

    def preview(self, limit: int = 200) -> tuple[list[RowReport], int]:
        """The rows to show, in file order: every row with something to say (error, warning,
        duplicate) and the first ``limit`` plain new rows; with the number of new rows left out."""
        shown, plain = [], 0
        for row in self.rows:
            if row.status == RowStatus.NEW:
                plain += 1
                if plain > limit:
                    continue
            shown.append(row)
        return shown, len(self.rows) - len(shown)

    @property
    def rows_to_save(self) -> list[RowReport]:
        return [row for row in self.rows if row.will_be_saved]

    @property
    def removals_to_confirm(self) -> list[Removal]:
        """People the replacement removes although they were invited or checked in."""
        return [removal for removal in self.removals if removal.has_history]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def can_commit(self) -> bool:
        return not self.has_errors and any(row.will_be_saved for row in self.rows)

    def count_items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) as the preview says them. A replacement's plain rows that are
        someone already listed count as "đã có", not "mới" (`counts` keeps the statuses)."""
        counts = self.counts
        kept = sum(1 for row in self.rows if row.match is not None and row.status == RowStatus.NEW)
        items = [(status, RowStatus.LABELS[status], counts[status]) for status in RowStatus.ORDER]
        if self.replace and kept:
            items[0] = (RowStatus.NEW, RowStatus.LABELS[RowStatus.NEW], counts[RowStatus.NEW] - kept)
            items.insert(1, (KEPT, "đã có", kept))
        return items

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{label}: {count}" for _status, label, count in self.count_items())
        return f"Tổng {len(self.rows)} dòng — {parts}."
