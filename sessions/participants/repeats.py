"""A participant list uploaded again. People without birth year or CCCD cannot be told apart by
the usual duplicate checks (sessions.participants.checks); when the very same file was imported
before (core.uploads.earlier_import), a row whose name and hamlet are still on the commune's list
is that person again."""

from __future__ import annotations

from collections import Counter

from core.vietnamese import normalize_key
from directory.models import Place

from ..models import Participant, Session
from .report import ImportReport, RowStatus


def mark_listed_rows(report: ImportReport, *, session: Session, commune: Place) -> None:
    """Mark as duplicates the rows of a repeated file whose person (name and hamlet) is on the
    commune's list for the session, each listed person matching one row. One query."""
    listed = Counter(
        Participant.objects.filter(session=session, commune=commune).values_list("name_key", "hamlet_id")
    )
    for row in report.rows:
        if row.errors:
            continue
        key = (normalize_key(row.full_name), row.hamlet.pk if row.hamlet else None)
        if not listed[key]:
            continue
        listed[key] -= 1
        if row.status == RowStatus.DUPLICATE:
            continue  # already found by its CCCD or birth year, against that same person
        hamlet = f", {row.hamlet.full_name}" if row.hamlet else ""
        row.duplicate(
            "full_name",
            f"«{row.full_name}»{hamlet} đã có trong danh sách phiên này (đã nhập từ chính tệp này).",
        )
