"""Saving participant lists: an uploaded list all or nothing, and one person's correction or
removal.

Uploading is two steps. `preview_participants` reads and checks a file and returns an
`ImportReport` (a status and messages per row, counts, `can_commit`) without writing anything;
`import_participants` reads the same bytes again, checks them again under a lock on the session
and saves every row or none. Both return the same report, so a page or the
`import_participants` command shows the preview and the result the same way.

The number of queries does not depend on the number of rows (see sessions.participants.checks),
and the rows are inserted with a single statement (COPY on PostgreSQL, core.bulk).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import transaction

from core.bulk import can_copy, copy_insert
from core.legacy_encoding import encoding_name, how_to_convert
from core.spreadsheets import SpreadsheetError, control_character_message, refused_character
from core.uploads import earlier_import, record_import, upload_scope
from directory.models import Place

from ..models import Participant, Session
from .checks import Checker, check_duplicates, validate_participants
from .columns import FIELDS
from .reading import MAX_ROWS, read_rows
from .replacement import apply_replacement, plan_replacement, refusal_message, unconfirmed_removals
from .report import ImportReport

if TYPE_CHECKING:
    from accounts.models import User

# Django 5.2 inserts through UNNEST on PostgreSQL (one array parameter per column, whatever the
# number of rows), so a single statement for the largest accepted file keeps the number of
# queries independent of the file's size; SQLite splits it by its own parameter limit.
INSERT_BATCH_SIZE = MAX_ROWS

# What a participant list's receipt says it is (core.uploads.record_import).
UPLOAD_KIND = "participants"


def _scope(session: Session, commune: Place) -> str:
    return upload_scope(session=session.pk, commune=commune.pk)


def preview_participants(
    *,
    session: Session,
    commune: Place,
    filename: str,
    content: bytes,
    user: User | None = None,
    replace: bool = False,
) -> ImportReport:
    """Read and check an uploaded list; the report is what the preview page shows. Writes nothing."""
    try:
        rows = read_rows(filename=filename, content=content)
    except SpreadsheetError as exc:
        return ImportReport(
            session=session, commune=commune, filename=filename, replace=replace, errors=[exc.message]
        )
    earlier = earlier_import(kind=UPLOAD_KIND, scope=_scope(session, commune), content=content)
    report = validate_participants(
        session=session, commune=commune, rows=rows, user=user, replace=replace, earlier=earlier
    )
    report.filename = filename
    if replace and not report.has_errors:
        plan_replacement(report, session=session, commune=commune)
    return report


def import_participants(
    *,
    session: Session,
    commune: Place,
    filename: str,
    content: bytes,
    user: User | None = None,
    replace: bool = False,
    token: str | None = None,
    confirmed_removals: Collection[int] = (),
) -> ImportReport:
    """Check an uploaded list again and save it all or nothing.

    Side effects, in one transaction and only when the report has no error: with `replace`, the
    commune's current list becomes the file's (sessions.participants.replacement): the people
    already listed keep their row (letter, check-in, e-mails) and take the file's details, the
    others of the list are deleted; nothing is saved when that would delete someone invited or
    checked in whose id is not in `confirmed_removals` (the report's `removal_refused` says
    so). Inserts every new row (duplicates are skipped); keeps a receipt of the file
    (core.uploads.record_import) that claims the preview's `token`. The session row is locked
    meanwhile so that two uploads cannot both fit in the same quota, nor a check-in be lost
    between the check and the write. Raises core.uploads.UploadAlreadyImported when `token`
    was used by an import already, however close together the two confirmations came.
    """
    try:
        rows = read_rows(filename=filename, content=content)
    except SpreadsheetError as exc:
        return ImportReport(
            session=session, commune=commune, filename=filename, replace=replace, errors=[exc.message]
        )
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))
        scope = _scope(session, commune)
        earlier = earlier_import(kind=UPLOAD_KIND, scope=scope, content=content)
        record_import(
            kind=UPLOAD_KIND, scope=scope, content=content, filename=filename, user=user, token=token
        )
        report = validate_participants(
            session=session, commune=commune, rows=rows, user=user, replace=replace, earlier=earlier
        )
        report.filename = filename
        if not report.can_commit:
            transaction.set_rollback(True)  # the receipt with it: the token stays usable
            return report
        if replace:
            # Lock the list first: a check-in, an e-mail or a printed letter being written for one
            # of these people is waited for, then read below; a later one waits for this import.
            listed = Participant.objects.select_for_update().filter(session=session, commune=commune)
            list(listed.values_list("pk", flat=True))
            plan = plan_replacement(report, session=session, commune=commune)
            if refused := unconfirmed_removals(report, set(confirmed_removals)):
                report.removal_refused = refusal_message(refused)
                transaction.set_rollback(True)  # the receipt with it: the token stays usable
                return report
            report.removed = apply_replacement(report, plan)
        user_id = user.pk if user is not None else None
        participants = [
            Participant(
                session_id=session.pk,
                commune_id=commune.pk,
                hamlet_id=row.hamlet.pk if row.hamlet else None,
                full_name=row.full_name,
                birth_year=row.birth_year,
                category_id=row.category.pk,
                phone=row.phone,
                national_id=row.national_id,
                email=row.email,
                row_number=row.number,
                imported_by_id=user_id,
            )
            for row in report.rows_to_save
            if row.match is None
        ]
        if can_copy(Participant):
            for participant in participants:
                participant.fill_name_key()  # what Participant.objects.bulk_create does
            copy_insert(Participant, participants)
        else:
            Participant.objects.bulk_create(participants, batch_size=INSERT_BATCH_SIZE)
        report.added = len(participants)
        report.saved = report.added + report.kept
        report.committed = True
    return report


class ParticipantEditError(Exception):
    """A single participant's edit refused: ``messages`` say which field and why."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


EDITABLE_FIELDS = FIELDS


def update_participant(
    *, participant: Participant, values: dict[str, str], user: User | None = None
) -> list[str]:
    """Correct one participant of a commune's list with the checks of an upload (CCCD, phone,
    hamlet of the commune, category, duplicates in the plan). ``values`` are texts keyed by
    EDITABLE_FIELDS. Raises ParticipantEditError and saves nothing when a check fails; returns
    the warnings (an old birth year, a category the session does not target…) otherwise."""
    session, commune = participant.session, participant.commune
    with transaction.atomic():
        # The session row lock serialises this edit with imports and other edits of the session,
        # so the duplicate checks below still hold when the row is saved.
        list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))
        checker = Checker(session=session, commune=commune, replace=False, editing=participant.pk)
        record = {name: values.get(name, "") for name in EDITABLE_FIELDS}
        record["row_number"] = participant.row_number or 0
        row, legacy = checker.check(record)
        for name in EDITABLE_FIELDS:
            if code := refused_character(str(record[name])):
                row.error(name, f"{control_character_message(code)}; hãy gõ lại.")
        for name, text, tcvn, vni in legacy:
            encoding = encoding_name(tcvn, vni)
            row.error(
                name,
                f"«{text}» được gõ bằng bảng mã {encoding}, không phải Unicode. {how_to_convert(encoding)}",
            )
        check_duplicates(row, checker, {}, {})
        problems = [*row.errors, *row.duplicates]
        if problems:
            raise ParticipantEditError([_without_row(message) for message in problems])
        participant = Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if participant is None:
            raise ParticipantEditError(["Người này vừa bị xóa khỏi danh sách."])
        participant.full_name = row.full_name
        participant.birth_year = row.birth_year
        participant.hamlet = row.hamlet
        participant.category = row.category
        participant.phone = row.phone
        participant.national_id = row.national_id
        participant.email = row.email
        participant.save()
    return [_without_row(message) for message in row.warnings]


def _without_row(message: str) -> str:
    """ "Dòng 5, cột «Số CCCD»: …" → "Cột «Số CCCD»: …" (an edit is not a row of a file)."""
    head, sep, rest = message.partition(", cột ")
    return f"Cột {rest}" if sep and head.startswith("Dòng ") else message


def delete_participant(*, participant: Participant) -> None:
    """Take one person off a commune's list; refused once they have been checked in at the door.
    The row lock makes a check-in at the same moment wait, then fail, rather than vanish."""
    with transaction.atomic():
        locked = Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if locked is None:
            return
        if locked.attendances.exists():
            raise ParticipantEditError(
                [f"{locked.full_name} đã điểm danh tại hội nghị; không xóa khỏi danh sách được."]
            )
        locked.delete()
