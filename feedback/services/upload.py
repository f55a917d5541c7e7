"""A commune's questions from a spreadsheet (.xlsx or .csv), in two steps like a participant
list: `preview_questions` reads and checks the file without writing, `import_questions` checks
it again and saves every question or none. The file is read by the portal's spreadsheet reader
(core.spreadsheets); each column below checks its own cell. A question already in the session
(or twice in the file) is a duplicate, shown and not saved (feedback.services.question_duplicates),
and a file imported before is recognised by its receipt (core.uploads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from core.legacy_encoding import legacy_scores
from core.spreadsheets import (
    LegacyCells,
    SpreadsheetError,
    SpreadsheetReader,
    TextColumn,
    ignored_columns_notice,
    words_key,
)
from core.uploads import earlier_import, record_import, repeated_file_notice, upload_scope
from directory.models import Place, PlaceLevel
from sessions.models import Session
from sessions.selectors import session_communes

from ..models import Channel, Question, Topic
from ..rules import can_submit_question
from . import FeedbackError
from .question_duplicates import mark_duplicate_questions

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import UploadReceipt

MAX_QUESTION_ROWS = 2_000
# What a question list's receipt says it is (core.uploads.record_import).
UPLOAD_KIND = "questions"


class _Lookups:
    """What the checks match cells against, read once per file: the topics and the commune's hamlets."""

    def __init__(self, commune: Place):
        self.commune = commune
        topics = list(Topic.objects.all())
        self.topics: dict[str, Topic] = {}
        for topic in topics:
            self.topics.setdefault(words_key(topic.name), topic)
            self.topics.setdefault(words_key(topic.code.replace("-", " ")), topic)
        self.topic_names = ", ".join(topic.name for topic in topics)
        self.hamlets: dict[str, Place] = {}
        for hamlet in Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET):
            self.hamlets.setdefault(words_key(hamlet.name), hamlet)
            self.hamlets.setdefault(words_key(hamlet.full_name), hamlet)


class QuestionColumn(TextColumn):
    """A column of the question list, kept as text. `check` reads one cell into `row` or
    reports on it what is wrong; text in TCVN3 or VNI (`legacy`) gets only its encoding error."""

    def check(self, text: str, row: QuestionRow, lookups: _Lookups, *, legacy: bool) -> None:
        pass


class QuestionTextColumn(QuestionColumn):
    def check(self, text, row, lookups, *, legacy):
        if not text:
            row.error(self.field, "chưa điền.")


class TopicColumn(QuestionColumn):
    def check(self, text, row, lookups, *, legacy):
        if not text:
            row.error(self.field, f"chưa điền; chọn một trong: {lookups.topic_names}.")
        elif not legacy:
            row.topic = lookups.topics.get(words_key(text))
            if row.topic is None:
                row.error(
                    self.field,
                    f"«{text}» không có trong danh mục lĩnh vực; chọn một trong: {lookups.topic_names}.",
                )


class AskerHamletColumn(QuestionColumn):
    def check(self, text, row, lookups, *, legacy):
        if text and not legacy:
            row.hamlet = lookups.hamlets.get(words_key(text))
            if row.hamlet is None:
                row.error(self.field, f"«{text}» không phải thôn, ấp của {lookups.commune.full_name}.")


TEXT = QuestionTextColumn(
    "text",
    "Nội dung câu hỏi",
    {"noi dung cau hoi", "noi dung", "cau hoi", "noi dung kien nghi", "cau hoi kien nghi"},
)
ASKER_NAME = QuestionColumn(
    "asker_name",
    "Họ tên người hỏi",
    {"ho ten nguoi hoi", "ho va ten nguoi hoi", "nguoi hoi", "ho ten", "ho va ten"},
)
HAMLET = AskerHamletColumn("hamlet", "Thôn, ấp", {"thon ap", "thon", "ap", "khom", "thon xom", "to dan pho"})
TOPIC = TopicColumn("topic", "Lĩnh vực", {"linh vuc", "chu de", "nhom van de"})
COLUMNS = (TEXT, ASKER_NAME, HAMLET, TOPIC)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_COLUMNS = (TEXT, TOPIC)
# The order a row's messages come in.
CHECK_ORDER = (TEXT, TOPIC, HAMLET)


class QuestionReader(SpreadsheetReader):
    columns = COLUMNS
    max_rows = MAX_QUESTION_ROWS

    def accepts_header(self, fields: set[str]) -> bool:
        return "text" in fields

    def check_header(self, name: str, fields: set[str], *, header_row: int) -> None:
        # Every question needs its topic: a list without the column could not be saved at all.
        missing = [column.label for column in REQUIRED_COLUMNS if column.field not in fields]
        if missing:
            columns = ", ".join(f"«{label}»" for label in missing)
            raise SpreadsheetError(
                f"Dòng tiêu đề (dòng {header_row}) của tệp «{name}» thiếu cột {columns}; "
                f"dòng tiêu đề cần có các cột {self.expected_columns()}."
            )

    def too_many_rows_message(self, name: str) -> str:
        return f"Tệp «{name}» có hơn {self.max_rows} câu hỏi; hãy chia thành nhiều tệp."


def read_question_rows(*, filename: str, content: bytes) -> list[dict]:
    """The data rows of an .xlsx or .csv question list: dicts of texts with "row_number".

    Raises core.spreadsheets.SpreadsheetError when the file cannot be used at all."""
    return QuestionReader().read(filename=filename, content=content)


@dataclass
class QuestionRow:
    number: int
    values: dict[str, str]
    topic: Topic | None = None
    hamlet: Place | None = None
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def error(self, field_: str | None, message: str) -> None:
        where = f", cột «{COLUMN_BY_FIELD[field_].label}»" if field_ else ""
        self.errors.append(f"Dòng {self.number}{where}: {message}")

    def duplicate(self, message: str) -> None:
        self.duplicates.append(f"Dòng {self.number}: {message}")

    @property
    def status_label(self) -> str:
        if self.errors:
            return "lỗi"
        return "trùng" if self.duplicates else "mới"


@dataclass
class QuestionImportReport:
    session: Session
    commune: Place
    filename: str = ""
    rows: list[QuestionRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Things to know that do not stop the import (the file was imported before).
    notices: list[str] = field(default_factory=list)
    # Header cells of the file naming no column of the list, and what the preview says of them.
    ignored_columns: list[str] = field(default_factory=list)
    ignored_notice: str = ""
    saved: int = 0
    committed: bool = False

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def duplicate_count(self) -> int:
        return sum(1 for row in self.rows if row.duplicates and not row.errors)

    @property
    def rows_to_save(self) -> list[QuestionRow]:
        return [row for row in self.rows if not row.errors and not row.duplicates]

    @property
    def can_commit(self) -> bool:
        return not self.errors and not self.error_count and bool(self.rows_to_save)


def validate_questions(
    *, session: Session, commune: Place, rows: list[dict], earlier: UploadReceipt | None = None
) -> QuestionImportReport:
    """Check rows read by `read_question_rows` for `commune` in `session`. Reads only (4 queries).
    `earlier` is the import of these very bytes before, if any: the report says so."""
    report = QuestionImportReport(session=session, commune=commune)
    lookups = _Lookups(commune)
    concerns = session_communes(session).filter(pk=commune.pk).exists()
    if not concerns:
        report.errors.append(
            f"Phiên «{session}» không có {commune.full_name} tham dự; không nhận câu hỏi của xã cho phiên này."
        )
    if not rows:
        report.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if ignored := getattr(rows, "ignored_columns", None):
        report.ignored_columns = ignored
        report.ignored_notice = ignored_columns_notice(ignored, QuestionReader().expected_columns())
    legacy_cells = LegacyCells()
    for record in rows:
        # A column the file lacks reads as blank cells: the preview shows every column.
        values = {"row_number": record["row_number"]} | {
            column.field: record.get(column.field) or "" for column in COLUMNS
        }
        row = QuestionRow(number=record["row_number"], values=values)
        if not concerns:
            row.error(None, f"phiên «{session}» thuộc xã khác, không phải phiên của {commune.full_name}.")
        legacy_fields = set()
        for column in COLUMNS:
            tcvn, vni = legacy_scores(values[column.field])
            if tcvn or vni:
                legacy_cells.add(row, column.field, values[column.field], tcvn, vni)
                legacy_fields.add(column.field)
        for column in CHECK_ORDER:
            column.check(values[column.field], row, lookups, legacy=column.field in legacy_fields)
        report.rows.append(row)
    mark_duplicate_questions(report, session=session, commune=commune)
    if earlier is not None:
        report.notices.append(repeated_file_notice(earlier))
    if message := legacy_cells.report():
        report.errors.append(message)
    return report


def preview_questions(
    *, session: Session, commune: Place, filename: str, content: bytes
) -> QuestionImportReport:
    """Read and check an uploaded question list. Writes nothing."""
    try:
        rows = read_question_rows(filename=filename, content=content)
    except SpreadsheetError as exc:
        return QuestionImportReport(session=session, commune=commune, filename=filename, errors=[exc.message])
    earlier = earlier_import(kind=UPLOAD_KIND, scope=_scope(session, commune), content=content)
    report = validate_questions(session=session, commune=commune, rows=rows, earlier=earlier)
    report.filename = filename
    return report


def _scope(session: Session, commune: Place) -> str:
    return upload_scope(session=session.pk, commune=commune.pk)


def import_questions(
    *, user: User, session: Session, commune: Place, filename: str, content: bytes, token: str | None = None
) -> QuestionImportReport:
    """Check the list again and save every question or none (one INSERT), duplicates left out.

    Side effects, in one transaction: the questions, and a receipt of the file that claims the
    preview's `token` (core.uploads.record_import). The session row is locked meanwhile, so an
    import sees the questions of the one before it. Raises core.uploads.UploadAlreadyImported
    when `token` was used by an import already, however close together the two confirmations."""
    if not (can_submit_question(user, session) and user.place_id == commune.pk):
        raise FeedbackError("Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên.")
    return save_questions(
        user=user, session=session, commune=commune, filename=filename, content=content, token=token
    )


def save_questions(
    *,
    user: User | None,
    session: Session,
    commune: Place,
    filename: str,
    content: bytes,
    token: str | None = None,
) -> QuestionImportReport:
    """`import_questions` without asking who may: for the `import_questions` management command
    (`user` None: the receipt says a command imported the file)."""
    try:
        rows = read_question_rows(filename=filename, content=content)
    except SpreadsheetError as exc:
        return QuestionImportReport(session=session, commune=commune, filename=filename, errors=[exc.message])
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))
        scope = _scope(session, commune)
        earlier = earlier_import(kind=UPLOAD_KIND, scope=scope, content=content)
        record_import(
            kind=UPLOAD_KIND, scope=scope, content=content, filename=filename, user=user, token=token
        )
        report = validate_questions(session=session, commune=commune, rows=rows, earlier=earlier)
        report.filename = filename
        if not report.can_commit:
            transaction.set_rollback(True)  # the receipt with it: the token stays usable
            return report
        Question.objects.bulk_create(
            [
                Question(
                    session=session,
                    commune=commune,
                    text=row.values["text"],
                    asker_name=row.values.get("asker_name", "")[:120],
                    anonymous=not row.values.get("asker_name"),
                    asker_hamlet=row.hamlet,
                    channel=Channel.BEFORE_SESSION,
                    topic=row.topic,
                    row_number=row.number,
                    created_by=user,
                )
                for row in report.rows_to_save
            ]
        )
        report.saved = len(report.rows_to_save)
        report.committed = True
    return report
