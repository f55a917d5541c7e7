"""What has already happened to a person on a list: their letter printed, an e-mail sent, a
check-in at the door. A replacement of the list keeps such people unless someone confirms that
their letter becomes void (sessions.participants.replacement).

The letter is this app's own record (`Participant.letter_printed_at`, set by
`mark_letters_printed` whenever letters are printed); e-mails and check-ins live in a higher app,
which registers them here in its AppConfig.ready() (`register_history_mark`), the way
sessions.in_use lets it say a session is in use. Asking about a whole list is one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Participant


@dataclass(frozen=True)
class HistoryMark:
    # A name for the annotation and the tests: "checked_in".
    key: str
    # The preview's column heading: "Đã điểm danh".
    label: str
    # The rows that give a participant this mark, with a `participant` foreign key; or None
    # for a mark kept on the participant's own row (`own`).
    rows: Callable[[], QuerySet] | None = None
    own: Q | None = None
    # The column's place in the preview.
    order: int = 0

    def expression(self):
        if self.rows is not None:
            return Exists(self.rows().filter(participant=OuterRef("pk")))
        return ExpressionWrapper(self.own, output_field=BooleanField())


_marks: dict[str, HistoryMark] = {}


def register_history_mark(mark: HistoryMark) -> None:
    """Called from AppConfig.ready(); registering the same key again replaces it."""
    _marks[mark.key] = mark


def history_marks() -> list[HistoryMark]:
    return sorted(_marks.values(), key=lambda mark: (mark.order, mark.key))


register_history_mark(
    HistoryMark(
        key="letter_printed", label="Đã in giấy mời", own=Q(letter_printed_at__isnull=False), order=10
    )
)


def with_history(participants: QuerySet) -> QuerySet:
    """`participants` annotated with one boolean `history_<key>` per registered mark."""
    return participants.annotate(**{f"history_{mark.key}": mark.expression() for mark in history_marks()})


def history_of(participant: Participant) -> tuple[bool, ...]:
    """The marks of a participant read through `with_history`, in `history_marks()` order."""
    return tuple(bool(getattr(participant, f"history_{mark.key}")) for mark in history_marks())


def mark_letters_printed(
    *, session_id: int, commune_id: int | None = None, participant_ids: Iterable[int] | None = None
) -> int:
    """Record that letters are being printed for the session's participants (of one commune, or
    those of `participant_ids`). Side effect: one UPDATE setting `letter_printed_at` where it is
    not set yet (the first printing is the one that counts). Returns the number of rows marked."""
    participants = Participant.objects.filter(session_id=session_id, letter_printed_at__isnull=True)
    if commune_id is not None:
        participants = participants.filter(commune_id=commune_id)
    if participant_ids is not None:
        participants = participants.filter(pk__in=list(participant_ids))
    return participants.update(letter_printed_at=timezone.now())
