"""Participant lists a commune sends for a session: template, reading, checks, import and export.

Uploading is two steps. `preview_participants` reads and checks a file and returns an
`ImportReport` (a status and messages per row, counts, `can_commit`) without writing anything;
`import_participants` reads the same bytes again, checks them again under a lock on the session
and saves every row or none. Both return the same report, so a page or the
`import_participants` command shows the preview and the result the same way.

The number of queries does not depend on the number of rows: the commune's hamlets, the
categories, the quota and the participants already registered in the plan are read once each,
and the rows are inserted with a single statement.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import PurePath
from typing import TYPE_CHECKING

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.legacy_encoding import VIET_LETTERS as _VIET_LETTERS
from core.legacy_encoding import encoding_name as _encoding_name
from core.legacy_encoding import how_to_convert as _how_to_convert
from core.legacy_encoding import legacy_cell_message, legacy_scores
from core.vietnamese import format_vnd, normalize_key
from directory.models import Place, PlaceKind, PlaceLevel

from .models import Participant, ParticipantCategory, Quota, Session

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 10
# Django 5.2 inserts through UNNEST on PostgreSQL (one array parameter per column, whatever the
# number of rows), so a single statement for the largest accepted file keeps the number of
# queries independent of the file's size; SQLite splits it by its own parameter limit.
INSERT_BATCH_SIZE = MAX_ROWS
MIN_AGE = 16
OLD_AGE = 100
MIN_BIRTH_YEAR = 1900


class RowStatus:
    NEW = "new"
    DUPLICATE = "duplicate"
    WARNING = "warning"
    ERROR = "error"

    LABELS = {NEW: "mới", DUPLICATE: "trùng", WARNING: "cảnh báo", ERROR: "lỗi"}
    ORDER = (NEW, DUPLICATE, WARNING, ERROR)


class ParticipantFileError(Exception):
    """The file as a whole cannot be read: wrong format, no header row, too many rows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: frozenset[str]


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "Họ và tên",
        frozenset(
            {"ho va ten", "ho ten", "ten", "ho va ten nguoi dan", "ho ten nguoi dan", "ho va ten dai bieu"}
        ),
    ),
    Column("birth_year", "Năm sinh", frozenset({"nam sinh", "ngay sinh", "ngay thang nam sinh", "sinh nam"})),
    Column("hamlet", "Thôn, ấp", frozenset({"thon", "ap", "thon ap", "khom", "to dan pho", "thon xom"})),
    Column(
        "category",
        "Loại hộ",
        frozenset({"loai ho", "doi tuong", "loai doi tuong", "doi tuong tham du", "thanh phan", "loai"}),
    ),
    Column(
        "phone",
        "Số điện thoại",
        frozenset({"sdt", "so dien thoai", "dien thoai", "dt", "so dt", "dtdd", "di dong", "so di dong"}),
    ),
    Column(
        "national_id",
        "Số CCCD",
        frozenset(
            {
                "cccd",
                "so cccd",
                "cmnd cccd",
                "cccd cmnd",
                "so cmnd cccd",
                "so cccd cmnd",
                "cmnd",
                "so cmnd",
                "can cuoc",
                "so can cuoc",
                "can cuoc cong dan",
                "so can cuoc cong dan",
                "so dinh danh",
                "so dinh danh ca nhan",
            }
        ),
    ),
    Column(
        "email",
        "Email",
        frozenset({"email", "e mail", "mail", "thu dien tu", "dia chi email", "dia chi thu dien tu"}),
    ),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_FIELDS = ("full_name", "hamlet", "category")
TEXT_FIELDS = ("full_name", "hamlet", "category")
# Words of hamlet-level headers ("Thôn, ấp, khóm, tổ dân phố", "Thôn/xóm", "Bản").
_HAMLET_HEADER_WORDS = frozenset(
    {"thon", "ap", "khom", "to", "dan", "pho", "xom", "lang", "buon", "ban", "khu"}
)
# Kind words people write before a hamlet's name ("thôn Lộc Thượng", "Ấp 3"), longest first.
_HAMLET_PREFIXES = ("to dan pho", "khu pho", "thon", "khom", "xom", "lang", "buon", "ban", "khu", "ap", "to")

TEMPLATE_HEADER = ("STT", "Họ và tên", "Năm sinh", "Thôn, ấp", "Loại hộ", "Số điện thoại", "Số CCCD", "Email")
TEMPLATE_FIELDS = ("full_name", "birth_year", "hamlet", "category", "phone", "national_id", "email")
COLUMN_WIDTHS = (6, 28, 10, 22, 26, 16, 18, 30)
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
LISTS_SHEET = "Danh mục"


def _place_key(text: str) -> str:
    """Accent-free, lowercase words without punctuation: "Thôn, ấp" -> "thon ap"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalize_key(text)).split())


def _header_key(value: str) -> str:
    """A header's words without remarks in brackets: "CMND/CCCD (*)" -> "cmnd cccd"."""
    return _place_key(re.sub(r"\(.*?\)", " ", value))


def _header_field(value) -> str | None:
    if not isinstance(value, str):
        return None
    key = _header_key(value)
    if not key:
        return None
    for column in COLUMNS:
        if key in column.aliases:
            return column.field
    words = key.split()
    if words[0] in _HAMLET_PREFIXES and set(words) <= _HAMLET_HEADER_WORDS:
        return "hamlet"
    return None


def _header_mapping(values) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, value in enumerate(values):
        name = _header_field(value)
        if name and name not in mapping.values():
            mapping[index] = name
    return mapping


def _find_header(rows: list) -> tuple[int, dict[int, str]] | None:
    """The first of `rows` that names the full-name column and at least one other column."""
    for index, values in enumerate(rows):
        mapping = _header_mapping(values)
        if "full_name" in mapping.values() and len(mapping) >= 2:
            return index, mapping
    return None


# --- Reading files ---------------------------------------------------------------------------


def read_rows(*, filename: str, content: bytes) -> list[dict]:
    """Read the data rows of an .xlsx or .csv participant list.

    Each row is a dict with "row_number" (the row as numbered in the file) and one key per
    recognised column, holding the cell's value as stored (str, int, float, date or None).
    Formulas are returned as their text and never evaluated. Blank rows are skipped.
    Raises ParticipantFileError when the file cannot be used at all.
    """
    name = PurePath(filename or "").name or "tải lên"
    if not content:
        raise ParticipantFileError(f"Tệp «{name}» rỗng, không có dữ liệu.")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(name, content)
    if suffix == ".csv":
        return _read_csv(name, content)
    if suffix == ".xls":
        raise ParticipantFileError(
            f"Tệp «{name}» ở định dạng Excel 97-2003 (.xls), chưa được hỗ trợ. "
            "Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → «Sổ làm việc Excel (*.xlsx)» rồi tải lên lại."
        )
    raise ParticipantFileError(f"Tệp «{name}» không phải tệp .xlsx hoặc .csv. Hãy dùng tệp mẫu (.xlsx).")


def _not_a_workbook(name: str) -> ParticipantFileError:
    return ParticipantFileError(
        f"Tệp «{name}» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng. "
        "Hãy mở tệp bằng Excel và lưu lại dưới dạng «Sổ làm việc Excel (*.xlsx)», hoặc dùng tệp mẫu."
    )


def _no_header(name: str) -> ParticipantFileError:
    expected = ", ".join(f"«{label}»" for label in TEMPLATE_HEADER[1:])
    return ParticipantFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp «{name}». "
        f"Dòng tiêu đề cần có các cột {expected}; hãy dùng tệp mẫu."
    )


def _require_columns(name: str, mapping: dict[int, str], *, header_row: int) -> None:
    missing = [COLUMN_BY_FIELD[field_].label for field_ in REQUIRED_FIELDS if field_ not in mapping.values()]
    if missing:
        columns = ", ".join(f"«{label}»" for label in missing)
        raise ParticipantFileError(
            f"Dòng tiêu đề (dòng {header_row}) của tệp «{name}» thiếu cột {columns}; hãy dùng tệp mẫu."
        )


def _read_xlsx(name: str, content: bytes) -> list[dict]:
    if not content.startswith(b"PK"):
        raise _not_a_workbook(name)
    try:
        # data_only=False: a formula cell yields its text ("=A1+1"); nothing is ever computed.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:
        # A damaged archive raises anything from BadZipFile to KeyError or XML errors.
        logger.info("Unreadable workbook %r: %r", name, exc)
        raise _not_a_workbook(name) from exc
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            head = list(islice(rows, HEADER_SEARCH_ROWS))
            found = _find_header(head)
            if found is None:
                continue
            index, mapping = found
            _require_columns(name, mapping, header_row=index + 1)
            return _collect(name, chain(head[index + 1 :], rows), mapping, first_row=index + 2)
        raise _no_header(name)
    except ParticipantFileError:
        raise
    except Exception as exc:
        logger.info("Unreadable worksheet in %r: %r", name, exc)
        raise _not_a_workbook(name) from exc
    finally:
        workbook.close()


def _read_csv(name: str, content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(name, content) from None
    try:
        records, header_index, mapping = _csv_table(name, text)
    except csv.Error as exc:
        raise ParticipantFileError(
            f"Tệp «{name}» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng)."
        ) from exc
    _require_columns(name, mapping, header_row=header_index + 1)
    return _collect(name, records, mapping, first_row=header_index + 2)


def _csv_table(name: str, text: str):
    """The records after the header row, trying the delimiters Excel writes in each locale."""
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        head = list(islice(reader, HEADER_SEARCH_ROWS))
        found = _find_header(head)
        if found is not None:
            index, mapping = found
            return chain(head[index + 1 :], reader), index, mapping
    raise _no_header(name)


def _not_utf8(name: str, content: bytes) -> ParticipantFileError:
    """Explain a CSV file that is not UTF-8, naming TCVN3 or VNI when the text shows it.

    TCVN3 and VNI are one byte per character and the fonts that display them map those bytes
    to Latin-1 code points, so the Latin-1 reading is the one the detection works on.
    """
    legacy = None
    try:
        records, header_index, mapping = _csv_table(name, content.decode("latin-1"))
        rows = _collect(name, records, mapping, first_row=header_index + 2)
    except (ParticipantFileError, csv.Error):
        rows = []
    tcvn_total = vni_total = 0
    for row in rows:
        for name_ in TEXT_FIELDS:
            value = row.get(name_)
            if isinstance(value, str):
                tcvn, vni = legacy_scores(value)
                if tcvn or vni:
                    tcvn_total, vni_total = tcvn_total + tcvn, vni_total + vni
                    legacy = legacy or (row["row_number"], COLUMN_BY_FIELD[name_].label, value)
    if legacy is not None:
        encoding = _encoding_name(tcvn_total, vni_total)
        number, label, value = legacy
        return ParticipantFileError(
            f"Tệp «{name}» dùng bảng mã {encoding}, không phải Unicode "
            f"(ví dụ dòng {number}, cột «{label}»: «{value}»). {_how_to_convert(encoding)}"
        )
    how = (
        "Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → «CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» "
        "rồi tải lên lại."
    )
    try:
        text = unicodedata.normalize("NFC", content.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    # Almost any bytes decode as cp1258; only letters Latin-1 lacks (ư, ơ, đ, ễ…) show that it is.
    if any(char in _VIET_LETTERS and ord(char) > 0xFF for char in text):
        return ParticipantFileError(
            f"Tệp «{name}» dùng bảng mã Windows-1258, không phải Unicode (UTF-8). {how}"
        )
    return ParticipantFileError(f"Tệp «{name}» không dùng bảng mã Unicode (UTF-8). {how}")


def _collect(name: str, records, mapping: dict[int, str], *, first_row: int) -> list[dict]:
    rows: list[dict] = []
    columns = list(mapping.items())
    for number, values in enumerate(records, start=first_row):
        row: dict = {"row_number": number}
        blank = True
        width = len(values)
        for index, name_ in columns:
            value = values[index] if index < width else None
            if isinstance(value, str):
                value = value.strip() or None
            if value is not None:
                blank = False
            row[name_] = value
        if blank:
            continue
        if len(rows) == MAX_ROWS:
            raise ParticipantFileError(
                f"Tệp «{name}» có hơn {format_vnd(MAX_ROWS)} dòng dữ liệu; "
                f"mỗi lần chỉ nhận tối đa {format_vnd(MAX_ROWS)} dòng."
            )
        rows.append(row)
    return rows


# --- Report ----------------------------------------------------------------------------------


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
    quota: int | None = None
    existing: int = 0
    saved: int = 0
    replaced: int = 0
    committed: bool = False

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
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def can_commit(self) -> bool:
        return not self.has_errors and any(row.will_be_saved for row in self.rows)

    @property
    def summary(self) -> str:
        counts = self.counts
        parts = ", ".join(f"{RowStatus.LABELS[status]}: {counts[status]}" for status in RowStatus.ORDER)
        return f"Tổng {len(self.rows)} dòng — {parts}."


# --- Checks ----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text, the way a person reads it: 1985.0 -> "1985", a date -> "12/05/1985"."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value if value.isascii() else unicodedata.normalize("NFC", value)
        return " ".join(text.split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_DIGITS_RE = re.compile(r"[\s.\-()/]")
_PHONE_RE = re.compile(r"0[235789]\d{8}")
_YEAR_IN_DATE_RE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4})")
_email_validator = EmailValidator()


class _Checker:
    """Checks rows against what one commune has in the directory and the plan, read up front."""

    def __init__(self, *, session: Session, commune: Place, replace: bool, editing: int | None = None):
        self.session = session
        self.editing = editing  # the participant being edited: not a duplicate of itself
        self.commune = commune
        self.this_year = timezone.localdate().year
        hamlets = list(Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET))
        self.hamlet_names = ", ".join(h.name for h in hamlets)
        self.hamlets: dict[str, Place] = {}
        for hamlet in hamlets:
            self.hamlets.setdefault(_place_key(hamlet.name), hamlet)
            self.hamlets.setdefault(_place_key(hamlet.full_name), hamlet)
        self.hamlet_by_id = {h.pk: h for h in hamlets}
        categories = list(ParticipantCategory.objects.all())
        self.category_names = ", ".join(c.name for c in categories)
        targeted = set(session.target_categories.values_list("pk", flat=True))
        self.targets = {c.pk: c.name for c in categories if c.pk in targeted}
        self.categories: dict[str, ParticipantCategory] = {}
        for category in categories:
            self.categories.setdefault(_place_key(category.name), category)
            self.categories.setdefault(_place_key(category.code.replace("-", " ")), category)
        quotas = list(
            Quota.objects.filter(session=session)
            .filter(Q(place=commune) | Q(place__parent=commune))
            .values_list("place_id", "count")
        )
        self.quota = _quota_from(quotas, commune.pk)
        self._load_existing(replace)
        # Hamlets and categories repeat on every row: match each distinct text once.
        self._hamlet_memo: dict[str, Place | None] = {}
        self._category_memo: dict[str, ParticipantCategory | None] = {}
        self._legacy_memo: dict[str, tuple[int, int]] = {}

    def _load_existing(self, replace: bool) -> None:
        """Index the plan's saved participants by CCCD and by name + year + hamlet."""
        self.existing_count = 0
        # Where each one is listed: "phiên «Hội trường xã Phước An» (xã Phước An)".
        self.existing_ids: dict[str, str] = {}
        self.existing_people: dict[tuple, str] = {}
        saved = Participant.objects.filter(session__plan_id=self.session.plan_id)
        if self.editing is not None:
            saved = saved.exclude(pk=self.editing)
        saved = saved.values_list(
            "session_id",
            "commune_id",
            "hamlet_id",
            "name_key",
            "birth_year",
            "national_id",
            "session__name",
            "session__venue_name",
            "commune__kind",
            "commune__name",
        )
        labels: dict[tuple, str] = {}
        for (
            session_id,
            commune_id,
            hamlet_id,
            name_key,
            year,
            national_id,
            s_name,
            venue,
            kind,
            c_name,
        ) in saved:
            if session_id == self.session.pk and commune_id == self.commune.pk:
                if replace:
                    continue
                self.existing_count += 1
            where = labels.get((session_id, commune_id))
            if where is None:
                session_label = "phiên này" if session_id == self.session.pk else f"phiên «{s_name or venue}»"
                commune_label = f"{PlaceKind(kind).label} {c_name}"
                where = labels[(session_id, commune_id)] = f"{session_label} ({commune_label})"
            if national_id:
                self.existing_ids.setdefault(national_id, where)
            if year and hamlet_id:
                self.existing_people.setdefault((name_key, year, hamlet_id), where)

    def check(self, record: dict) -> tuple[RowReport, list[tuple[str, str, int, int]]]:
        number = record["row_number"]
        texts = {name: _text(record.get(name)) for name in TEMPLATE_FIELDS}
        row = RowReport(number=number, values=texts)
        legacy: list[tuple[str, str, int, int]] = []
        for name, text in texts.items():
            if text.startswith("="):
                row.warning(
                    name, f"ô chứa công thức «{text}»; công thức được giữ nguyên là chữ, không được tính."
                )
        for name in TEXT_FIELDS:
            text = texts[name]
            if text and not text.isascii():
                if name == "full_name":
                    tcvn, vni = legacy_scores(text)
                else:
                    scores = self._legacy_memo.get(text)
                    if scores is None:
                        scores = self._legacy_memo[text] = legacy_scores(text)
                    tcvn, vni = scores
                if tcvn or vni:
                    legacy.append((name, text, tcvn, vni))
        legacy_fields = {name for name, *_ in legacy} if legacy else ()

        name = texts["full_name"]
        if not name:
            row.error("full_name", "chưa điền.")
        elif len(name) > 120:
            row.error("full_name", f"«{name[:40]}…» dài quá 120 ký tự.")
        else:
            row.full_name = name
        self._check_year(record.get("birth_year"), texts["birth_year"], row)
        if "hamlet" not in legacy_fields:
            self._check_hamlet(texts["hamlet"], row)
        if "category" not in legacy_fields:
            self._check_category(texts["category"], row)
        self._check_phone(texts["phone"], row)
        self._check_national_id(texts["national_id"], row)
        email = texts["email"]
        if email:
            try:
                _email_validator(email)
            except ValidationError:
                row.error("email", f"«{email}» không phải địa chỉ email hợp lệ.")
            else:
                row.email = email
        return row, legacy

    def _check_year(self, value, text: str, row: RowReport) -> None:
        if not text:
            return
        year = None
        if isinstance(value, (datetime.date, datetime.datetime)):
            year = value.year
        elif isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, float) and value.is_integer():
            year = int(value)
        elif text.isdigit() and len(text) == 4:
            year = int(text)
        elif match := _YEAR_IN_DATE_RE.fullmatch(text):
            year = int(match.group(1))
        if year is None or not MIN_BIRTH_YEAR <= year <= self.this_year:
            row.error("birth_year", f"«{text}» không phải năm sinh hợp lệ.")
            return
        age = self.this_year - year
        if age < MIN_AGE:
            row.error(
                "birth_year", f"người sinh năm {year} mới {age} tuổi, chưa đủ {MIN_AGE} tuổi để tham dự."
            )
            return
        if age > OLD_AGE:
            row.warning("birth_year", f"người sinh năm {year} đã {age} tuổi; hãy kiểm tra lại năm sinh.")
        row.birth_year = year

    def _check_hamlet(self, text: str, row: RowReport) -> None:
        if not self.hamlet_by_id:
            # The directory has no hamlets for this commune yet: nothing to match against.
            if text:
                row.warning(
                    "hamlet",
                    f"danh mục chưa có thôn, ấp nào của {self.commune.full_name}; chưa ghi nhận «{text}».",
                )
            return
        if not text:
            row.error("hamlet", "chưa điền.")
            return
        if text in self._hamlet_memo:
            hamlet = self._hamlet_memo[text]
        else:
            hamlet = self._hamlet_memo[text] = self._match_hamlet(text)
        if hamlet is None:
            row.error(
                "hamlet",
                f"«{text}» không phải thôn, ấp của {self.commune.full_name}; "
                f"các thôn, ấp của xã: {self.hamlet_names}.",
            )
            return
        row.hamlet = hamlet

    def _match_hamlet(self, text: str) -> Place | None:
        """ "Lộc Thượng", "thôn Lộc Thượng", "THON LOC THUONG" all name the hamlet Lộc Thượng."""
        key = _place_key(text)
        hamlet = self.hamlets.get(key)
        if hamlet is None:
            for prefix in _HAMLET_PREFIXES:
                if key.startswith(prefix + " "):
                    hamlet = self.hamlets.get(key[len(prefix) + 1 :])
                    if hamlet is not None:
                        break
        return hamlet

    def _check_category(self, text: str, row: RowReport) -> None:
        if not text:
            row.error("category", "chưa điền.")
            return
        if text in self._category_memo:
            category = self._category_memo[text]
        else:
            category = self._category_memo[text] = self.categories.get(_place_key(text))
        if category is None:
            row.error("category", f"«{text}» không có trong danh mục; chọn một trong: {self.category_names}.")
            return
        row.category = category
        if self.targets and category.pk not in self.targets:
            row.warning(
                "category",
                f"«{category.name}» không thuộc đối tượng mời của phiên này ({', '.join(self.targets.values())}).",
            )

    def _check_phone(self, text: str, row: RowReport) -> None:
        if not text:
            return
        digits = _DIGITS_RE.sub("", text)
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        elif digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        elif len(digits) == 9 and digits[:1] in "235789":
            # Excel drops the leading zero of a number typed into a General cell.
            digits = "0" + digits
        if not _PHONE_RE.fullmatch(digits):
            row.error(
                "phone",
                f"«{text}» không phải số điện thoại hợp lệ (10 chữ số bắt đầu bằng 0, hoặc +84…).",
            )
            return
        row.phone = digits

    def _check_national_id(self, text: str, row: RowReport) -> None:
        if not text:
            return
        digits = _DIGITS_RE.sub("", text)
        if digits.isdigit() and len(digits) in (8, 11):
            # Every CCCD (and some CMND) starts with 0, which Excel drops from a number.
            digits = "0" + digits
        if digits.isdigit() and len(digits) == 12:
            row.national_id = digits
        elif digits.isdigit() and len(digits) == 9:
            row.warning("national_id", f"«{text}» là số CMND cũ (9 chữ số); nên ghi số CCCD 12 chữ số.")
            row.national_id = digits
        else:
            row.error("national_id", f"«{text}» không phải số CCCD hợp lệ (phải đủ 12 chữ số).")


def _quota_from(quotas: list[tuple[int, int]], commune_id: int) -> int | None:
    """The commune's own quota, or else the sum of its hamlets' quotas; None when it has none."""
    for place_id, count in quotas:
        if place_id == commune_id:
            return count
    if quotas:
        return sum(count for _, count in quotas)
    return None


def commune_quota(*, session: Session, commune: Place) -> int | None:
    """How many people `commune` sends to `session`, or None when no quota was given. One query."""
    quotas = list(
        Quota.objects.filter(session=session)
        .filter(Q(place=commune) | Q(place__parent=commune))
        .values_list("place_id", "count")
    )
    return _quota_from(quotas, commune.pk)


def validate_participants(
    *, session: Session, commune: Place, rows: list[dict], user: User | None = None, replace: bool = False
) -> ImportReport:
    """Check rows read by `read_rows` for `commune`'s list in `session`. Reads only; writes nothing.

    With `replace`, the commune's current list for the session is left out of the quota and of
    the duplicate checks, since the import will delete it. `user` is the uploader; the checks do
    not depend on it (who may upload for which commune is the view's permission rule).
    """
    report = ImportReport(session=session, commune=commune, replace=replace)
    checker = _Checker(session=session, commune=commune, replace=replace)
    report.quota = checker.quota
    report.existing = checker.existing_count
    if rows:
        report.columns = [name for name in TEMPLATE_FIELDS if name in rows[0]]
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    legacy_cells: list[tuple[RowReport, str, str]] = []
    tcvn_total = vni_total = 0
    for record in rows:
        row, legacy = checker.check(record)
        report.rows.append(row)
        for name, text, tcvn, vni in legacy:
            legacy_cells.append((row, name, text))
            tcvn_total, vni_total = tcvn_total + tcvn, vni_total + vni
        _check_duplicates(row, checker, seen_ids, seen_people)

    if legacy_cells:
        encoding = _encoding_name(tcvn_total, vni_total)
        for row, name, text in legacy_cells:
            row.error(name, legacy_cell_message(text, encoding))
        report.errors.append(f"Tệp có chữ gõ bằng bảng mã {encoding}. {_how_to_convert(encoding)}")
    if not rows:
        report.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if checker.quota is None and session.min_per_hamlet:
        # A minimum per hamlet, no ceiling: say which hamlets of the list fall short.
        per_hamlet: dict = {}
        for row in report.rows:
            if row.status != RowStatus.DUPLICATE and row.hamlet is not None:
                per_hamlet[row.hamlet] = per_hamlet.get(row.hamlet, 0) + 1
        for hamlet, count in sorted(per_hamlet.items(), key=lambda item: item[0].name):
            if count < session.min_per_hamlet:
                report.notices.append(
                    f"{hamlet.title_name} mới có {count} người, ít hơn mức tối thiểu "
                    f"{session.min_per_hamlet} người mỗi thôn, khóm của phiên này."
                )
    elif checker.quota is None:
        report.errors.append(
            f"Phiên này chưa giao chỉ tiêu cho {commune.full_name}; chưa thể nhận danh sách của xã."
        )
    elif report.existing + report.incoming > checker.quota:
        report.errors.append(
            f"Danh sách có {report.incoming} người, vượt chỉ tiêu {checker.quota} người của "
            f"{commune.full_name} cho phiên này (đã có {report.existing})."
        )
    return report


class ParticipantEditError(Exception):
    """A single participant's edit refused: ``messages`` say which field and why."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


EDITABLE_FIELDS = ("full_name", "birth_year", "hamlet", "category", "phone", "national_id", "email")


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
        checker = _Checker(session=session, commune=commune, replace=False, editing=participant.pk)
        record = {name: values.get(name, "") for name in EDITABLE_FIELDS}
        record["row_number"] = participant.row_number or 0
        row, legacy = checker.check(record)
        for name, text, tcvn, vni in legacy:
            encoding = _encoding_name(tcvn, vni)
            row.error(
                name,
                f"«{text}» được gõ bằng bảng mã {encoding}, không phải Unicode. {_how_to_convert(encoding)}",
            )
        _check_duplicates(row, checker, {}, {})
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


def _check_duplicates(row: RowReport, checker: _Checker, seen_ids: dict, seen_people: dict) -> None:
    national_id = row.national_id
    if national_id:
        if national_id in seen_ids:
            row.duplicate("national_id", f"«{national_id}» trùng với dòng {seen_ids[national_id]}.")
            return
        seen_ids[national_id] = row.number
        if national_id in checker.existing_ids:
            where = checker.existing_ids[national_id]
            row.duplicate("national_id", f"«{national_id}» đã có trong danh sách {where}.")
            return
    if row.full_name and row.birth_year and row.hamlet:
        key = (normalize_key(row.full_name), row.birth_year, row.hamlet.pk)
        if key not in seen_people and key not in checker.existing_people:
            seen_people[key] = row.number
            return
        person = f"«{row.full_name}», sinh năm {row.birth_year}, {row.hamlet.full_name}"
        if key in seen_people:
            row.duplicate("full_name", f"{person} trùng với dòng {seen_people[key]}.")
            return
        seen_people[key] = row.number
        row.duplicate("full_name", f"{person} đã có trong danh sách {checker.existing_people[key]}.")


# --- Preview and import ----------------------------------------------------------------------


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
    except ParticipantFileError as exc:
        return ImportReport(
            session=session, commune=commune, filename=filename, replace=replace, errors=[exc.message]
        )
    report = validate_participants(session=session, commune=commune, rows=rows, user=user, replace=replace)
    report.filename = filename
    return report


def import_participants(
    *,
    session: Session,
    commune: Place,
    filename: str,
    content: bytes,
    user: User | None = None,
    replace: bool = False,
) -> ImportReport:
    """Check an uploaded list again and save it all or nothing.

    Side effects, in one transaction and only when the report has no error: with `replace`,
    deletes the commune's current list for the session; inserts every new row (duplicates are
    skipped). The session row is locked meanwhile so that two uploads cannot both fit in the
    same quota.
    """
    try:
        rows = read_rows(filename=filename, content=content)
    except ParticipantFileError as exc:
        return ImportReport(
            session=session, commune=commune, filename=filename, replace=replace, errors=[exc.message]
        )
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))
        report = validate_participants(
            session=session, commune=commune, rows=rows, user=user, replace=replace
        )
        report.filename = filename
        if not report.can_commit:
            return report
        if replace:
            report.replaced = Participant.objects.filter(session=session, commune=commune).delete()[0]
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
        ]
        Participant.objects.bulk_create(participants, batch_size=INSERT_BATCH_SIZE)
        report.saved = len(participants)
        report.committed = True
    return report


# --- Template and export ---------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_TITLE = Font(name="Times New Roman", bold=True, size=14)
_PLAIN = Font(name="Times New Roman", size=12)


def _session_title(session: Session) -> str:
    parts = [session.name, session.venue_name, session.time_label]
    return " – ".join(part for part in dict.fromkeys(parts) if part)


def template_filename(*, session: Session, commune: Place) -> str:
    return f"mau-danh-sach-phien-{session.pk}-{commune.code}.xlsx"


def export_filename(*, session: Session, commune: Place | None = None) -> str:
    suffix = f"-{commune.code}" if commune is not None else ""
    return f"danh-sach-phien-{session.pk}{suffix}.xlsx"


def build_template(*, session: Session, commune: Place) -> bytes:
    """The .xlsx a commune fills for `session`: titles, quota, header row and drop-down lists."""
    quota = commune_quota(session=session, commune=commune)
    hamlets = list(Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET))
    categories = list(ParticipantCategory.objects.all())
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    quota_text = f"chỉ tiêu {quota} người" if quota is not None else "chưa giao chỉ tiêu"
    titles = (
        ("DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI", _TITLE),
        (f"Phiên: {_session_title(session)}", _BOLD),
        (f"{commune.title_name} – {quota_text}", _BOLD),
        (
            f"Điền từ dòng {FIRST_DATA_ROW}; chọn «Loại hộ» và «Thôn, ấp» trong danh sách; "
            "Số CCCD đủ 12 chữ số; không sửa dòng tiêu đề.",
            Font(name="Times New Roman", italic=True, size=11),
        ),
    )
    last_column = get_column_letter(len(TEMPLATE_HEADER))
    for row, (text, font) in enumerate(titles, start=1):
        sheet.cell(row=row, column=1, value=text).font = font
        sheet.merge_cells(f"A{row}:{last_column}{row}")
    for column, (label, width) in enumerate(zip(TEMPLATE_HEADER, COLUMN_WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
    # Phone numbers and CCCD keep their leading zero only in text cells.
    sheet.column_dimensions["F"].number_format = "@"
    sheet.column_dimensions["G"].number_format = "@"
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"], lists["B1"] = "Loại hộ", "Thôn, ấp"
    for row, category in enumerate(categories, start=2):
        lists.cell(row=row, column=1, value=category.name)
    for row, hamlet in enumerate(hamlets, start=2):
        lists.cell(row=row, column=2, value=hamlet.name)
    last_row = HEADER_ROW + MAX_ROWS
    sheet_ref = f"'{LISTS_SHEET}'"
    validations = [
        (
            "E",
            DataValidation(
                type="list",
                formula1=f"{sheet_ref}!$A$2:$A${len(categories) + 1}",
                errorTitle="Loại hộ",
                error="Hãy chọn loại hộ trong danh sách.",
            ),
        ),
        (
            "C",
            DataValidation(
                type="whole",
                operator="between",
                formula1=str(MIN_BIRTH_YEAR),
                formula2=str(timezone.localdate().year - MIN_AGE),
                errorTitle="Năm sinh",
                error=f"Năm sinh gồm 4 chữ số, người tham dự từ đủ {MIN_AGE} tuổi.",
            ),
        ),
    ]
    if hamlets:
        validations.append(
            (
                "D",
                DataValidation(
                    type="list",
                    formula1=f"{sheet_ref}!$B$2:$B${len(hamlets) + 1}",
                    errorTitle="Thôn, ấp",
                    error=f"Hãy chọn thôn, ấp của {commune.full_name} trong danh sách.",
                ),
            )
        )
    for letter, validation in validations:
        validation.allow_blank = True
        validation.showErrorMessage = True
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Stored names are data: a leading "=" must stay text in Excel, never become a formula.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def export_participants_xlsx(*, session: Session, commune: Place | None = None) -> bytes:
    """The participant list of a session (or of one commune in it) as .xlsx. One query.

    One commune's export has the template's columns, so it can be corrected and uploaded again
    with `replace`.
    """
    participants = (
        Participant.objects.filter(session=session)
        .select_related("commune", "hamlet", "category")
        .order_by("commune__code", "row_number", "id")
    )
    if commune is not None:
        participants = participants.filter(commune=commune)
    header = list(TEMPLATE_HEADER)
    widths = list(COLUMN_WIDTHS)
    if commune is None:
        header.insert(4, "Xã, phường")
        widths.insert(4, 20)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    place_line = commune.title_name if commune is not None else "Tất cả các xã"
    sheet.append([_text_cell(sheet, "DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI", _TITLE)])
    sheet.append([_text_cell(sheet, f"Phiên: {_session_title(session)}", _BOLD)])
    sheet.append([_text_cell(sheet, place_line, _BOLD)])
    sheet.append([])
    sheet.append([_text_cell(sheet, label, _BOLD) for label in header])
    for number, person in enumerate(participants, start=1):
        values = [
            number,
            person.full_name,
            person.birth_year,
            person.hamlet.name if person.hamlet else "",
            person.category.name,
            person.phone,
            person.national_id,
            person.email,
        ]
        if commune is None:
            values.insert(4, person.commune.full_name)
        sheet.append([_text_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = [
    "ImportReport",
    "ParticipantFileError",
    "RowReport",
    "RowStatus",
    "build_template",
    "commune_quota",
    "export_filename",
    "export_participants_xlsx",
    "import_participants",
    "legacy_scores",
    "preview_participants",
    "read_rows",
    "template_filename",
    "validate_participants",
]
