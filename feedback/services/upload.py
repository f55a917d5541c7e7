"""A commune's questions from a spreadsheet (.xlsx or .csv), in two steps like a participant
list: `preview_questions` reads and checks the file without writing, `import_questions` checks
it again and saves every question or none. The file is read by the portal's spreadsheet reader
(core.spreadsheets); each column below checks its own cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from core.legacy_encoding import legacy_scores
from core.spreadsheets import LegacyCells, SpreadsheetError, SpreadsheetReader, TextColumn, words_key
from directory.models import Place, PlaceLevel
from sessions.models import Session
from sessions.selectors import session_communes

from ..models import Channel, Question, Topic
from ..rules import can_submit_question
from . import FeedbackError

if TYPE_CHECKING:
    from accounts.models import User

MAX_QUESTION_ROWS = 2_000


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

    def error(self, field_: str | None, message: str) -> None:
        where = f", cột «{COLUMN_BY_FIELD[field_].label}»" if field_ else ""
        self.errors.append(f"Dòng {self.number}{where}: {message}")

    @property
    def status_label(self) -> str:
        return "lỗi" if self.errors else "mới"


@dataclass
class QuestionImportReport:
    session: Session
    commune: Place
    filename: str = ""
    rows: list[QuestionRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    saved: int = 0
    committed: bool = False

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.rows) and not self.error_count


def validate_questions(*, session: Session, commune: Place, rows: list[dict]) -> QuestionImportReport:
    """Check rows read by `read_question_rows` for `commune` in `session`. Reads only (3 queries)."""
    report = QuestionImportReport(session=session, commune=commune)
    lookups = _Lookups(commune)
    concerns = session_communes(session).filter(pk=commune.pk).exists()
    if not concerns:
        report.errors.append(
            f"Phiên «{session}» không có {commune.full_name} tham dự; không nhận câu hỏi của xã cho phiên này."
        )
    if not rows:
        report.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
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
    report = validate_questions(session=session, commune=commune, rows=rows)
    report.filename = filename
    return report


def import_questions(
    *, user: User, session: Session, commune: Place, filename: str, content: bytes
) -> QuestionImportReport:
    """Check the list again and save every question or none (one INSERT)."""
    if not (can_submit_question(user, session) and user.place_id == commune.pk):
        raise FeedbackError("Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên.")
    report = preview_questions(session=session, commune=commune, filename=filename, content=content)
    if not report.can_commit:
        return report
    with transaction.atomic():
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
                for row in report.rows
            ]
        )
    report.saved = len(report.rows)
    report.committed = True
    return report
