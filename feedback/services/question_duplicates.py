"""A question already asked: the same text (spacing and case aside), from the same hamlet and
asker, in the session's questions of the commune or earlier in the same file. Like the
participant list's duplicates (sessions.participants.checks), a duplicate row is shown and not
saved again."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from ..models import Question

if TYPE_CHECKING:
    from directory.models import Place
    from sessions.models import Session

    from .upload import QuestionImportReport

# Kept as saved: Question.asker_name holds 120 characters.
ASKER_LENGTH = 120


def question_key(text: str, hamlet_id: int | None, asker_name: str) -> tuple[str, int | None, str]:
    """What makes two questions the same one. Accents are kept: «bán đất» is not «bàn đất»."""
    return (_words(text), hamlet_id, _words(asker_name[:ASKER_LENGTH]))


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def mark_duplicate_questions(report: QuestionImportReport, *, session: Session, commune: Place) -> None:
    """Mark the rows of `report` asked already in `session` by `commune`'s people, or earlier in
    the file. Rows with errors are left as they are. One query."""
    asked: dict[tuple, int] = {}
    for pk, text, hamlet_id, asker_name in (
        Question.objects.filter(session=session, commune=commune)
        .order_by("pk")
        .values_list("pk", "text", "asker_hamlet_id", "asker_name")
    ):
        asked.setdefault(question_key(text, hamlet_id, asker_name), pk)
    seen: dict[tuple, int] = {}
    for row in report.rows:
        if row.errors:
            continue
        key = question_key(
            row.values.get("text", ""),
            row.hamlet.pk if row.hamlet else None,
            row.values.get("asker_name", ""),
        )
        if key in asked:
            row.duplicate(f"câu hỏi này đã có trong phiên (câu hỏi số {asked[key]}).")
        elif key in seen:
            row.duplicate(f"câu hỏi này trùng với dòng {seen[key]} của tệp.")
        else:
            seen[key] = row.number
