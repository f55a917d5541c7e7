"""The columns of a participant list: which header texts name each one, and how one cell is
checked and read into a row of the report (with the message, in Vietnamese, when it is wrong).

Checks that depend on the commune (its hamlets, the categories the session targets) ask the
`Checker` (sessions.participants.checks) that read them up front.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from core.phones import PhoneError, normalize_phone
from core.spreadsheets import Column, words_key
from directory.models import PlaceLevel

if TYPE_CHECKING:
    from directory.models import Place

    from .checks import Checker
    from .report import RowReport

MIN_AGE = 16
OLD_AGE = 100
MIN_BIRTH_YEAR = 1900
MAX_NAME_LENGTH = 120

# Words of hamlet-level headers ("Thôn, ấp, khóm, tổ dân phố", "Thôn/xóm", "Bản").
HAMLET_HEADER_WORDS = frozenset(
    {"thon", "ap", "khom", "to", "dan", "pho", "xom", "lang", "buon", "ban", "khu"}
)
# Kind words people write before a hamlet's name ("thôn Lộc Thượng", "Ấp 3"), longest first.
HAMLET_PREFIXES = ("to dan pho", "khu pho", "thon", "khom", "xom", "lang", "buon", "ban", "khu", "ap", "to")

_DIGITS_RE = re.compile(r"[\s.\-()/]")
_YEAR_IN_DATE_RE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4})")
_email_validator = EmailValidator()


class ParticipantColumn(Column):
    """A column of the list. `check` reads one cell (as stored, and as text) into `row`, or
    reports on `row` what is wrong with it."""

    # TCVN3 or VNI text gets its own encoding error; matching it against the directory would
    # only add a second, misleading one ("not a hamlet of the commune").
    skip_when_legacy = False

    def check(self, value, text: str, row: RowReport, checker: Checker) -> None:
        raise NotImplementedError


class FullNameColumn(ParticipantColumn):
    def check(self, value, text, row, checker):
        if not text:
            row.error(self.field, "chưa điền.")
        elif len(text) > MAX_NAME_LENGTH:
            row.error(self.field, f"«{text[:40]}…» dài quá {MAX_NAME_LENGTH} ký tự.")
        else:
            row.full_name = text


class BirthYearColumn(ParticipantColumn):
    """A year, a date (typed or as an Excel date) or a number; the person must be old enough."""

    def check(self, value, text, row, checker):
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
        if year is None or not MIN_BIRTH_YEAR <= year <= checker.this_year:
            row.error(self.field, f"«{text}» không phải năm sinh hợp lệ.")
            return
        age = checker.this_year - year
        if age < MIN_AGE:
            row.error(self.field, f"người sinh năm {year} mới {age} tuổi, chưa đủ {MIN_AGE} tuổi để tham dự.")
            return
        if age > OLD_AGE:
            row.warning(self.field, f"người sinh năm {year} đã {age} tuổi; hãy kiểm tra lại năm sinh.")
        row.birth_year = year


def _not_a_hamlet(text: str, place: Place, names: str) -> str:
    if place.level == PlaceLevel.HAMLET:
        return f"«{text}» không phải {place.full_name}; danh sách này chỉ nhận người của {place.full_name}."
    return (
        f"«{text}» không phải thôn, ấp của {place.full_name}; các thôn, ấp của {place.kind_label}: {names}."
    )


class HamletColumn(ParticipantColumn):
    """A hamlet of the commune, by name with or without its kind ("thôn Lộc Thượng")."""

    skip_when_legacy = True

    def matches(self, key: str) -> bool:
        if key in self.aliases:
            return True
        words = key.split()
        return words[0] in HAMLET_PREFIXES and set(words) <= HAMLET_HEADER_WORDS

    def check(self, value, text, row, checker):
        if not checker.hamlet_by_id:
            # The directory has no hamlets for this commune yet: nothing to match against.
            if text:
                row.warning(
                    self.field,
                    f"danh mục chưa có thôn, ấp nào của {checker.commune.full_name}; chưa ghi nhận «{text}».",
                )
            return
        if not text and checker.commune.level == PlaceLevel.HAMLET:
            row.hamlet = checker.commune  # a hamlet's own list: the row is of that hamlet
            return
        if not text:
            row.error(self.field, "chưa điền.")
            return
        # Hamlets repeat on every row: each distinct text is matched once.
        memo = checker.hamlet_memo
        if text in memo:
            hamlet = memo[text]
        else:
            hamlet = memo[text] = self.match(text, checker.hamlets)
        if hamlet is None:
            row.error(
                self.field,
                _not_a_hamlet(text, checker.commune, checker.hamlet_names),
            )
            return
        row.hamlet = hamlet

    @staticmethod
    def match(text: str, hamlets: dict[str, Place]) -> Place | None:
        """ "Lộc Thượng", "thôn Lộc Thượng", "THON LOC THUONG" all name the hamlet Lộc Thượng."""
        key = words_key(text)
        hamlet = hamlets.get(key)
        if hamlet is None:
            for prefix in HAMLET_PREFIXES:
                if key.startswith(prefix + " "):
                    hamlet = hamlets.get(key[len(prefix) + 1 :])
                    if hamlet is not None:
                        break
        return hamlet


class CategoryColumn(ParticipantColumn):
    """A category of the directory, by name or code; one the session does not target is a warning."""

    skip_when_legacy = True

    def check(self, value, text, row, checker):
        if not text:
            row.error(self.field, "chưa điền.")
            return
        memo = checker.category_memo
        if text in memo:
            category = memo[text]
        else:
            category = memo[text] = checker.categories.get(words_key(text))
        if category is None:
            row.error(
                self.field, f"«{text}» không có trong danh mục; chọn một trong: {checker.category_names}."
            )
            return
        row.category = category
        if checker.targets and category.pk not in checker.targets:
            row.warning(
                self.field,
                f"«{category.name}» không thuộc đối tượng mời của phiên này "
                f"({', '.join(checker.targets.values())}).",
            )


class PhoneColumn(ParticipantColumn):
    """A mobile or landline number written any usual way, stored as its digits (core.phones)."""

    def check(self, value, text, row, checker):
        if not text:
            return
        try:
            row.phone = normalize_phone(text)
        except PhoneError as exc:
            row.error(self.field, exc.message)


class NationalIdColumn(ParticipantColumn):
    """A CCCD of exactly 12 digits (an old 9-digit CMND is taken, with a warning).

    Every CCCD starts with 0 (the province codes run 001–096), which a cell formatted as a
    number drops: a number cell one digit short gets its zero back, with a warning saying so.
    Text one digit short is a mistyped number, not a lost zero: an error."""

    def check(self, value, text, row, checker):
        if not text:
            return
        digits = _DIGITS_RE.sub("", text)
        from_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if from_number and digits.isdigit() and len(digits) in (8, 11):
            restored = "0" + digits
            kind = "CCCD" if len(restored) == 12 else "CMND"
            row.warning(
                self.field,
                f"ô kiểu số «{text}» đã mất số 0 ở đầu; đã ghi lại là số {kind} «{restored}». "
                "Hãy kiểm tra lại và định dạng cột là Văn bản (Text).",
            )
            digits = restored
        if digits.isdigit() and len(digits) == 12:
            row.national_id = digits
        elif digits.isdigit() and len(digits) == 9:
            row.warning(self.field, f"«{text}» là số CMND cũ (9 chữ số); nên ghi số CCCD 12 chữ số.")
            row.national_id = digits
        elif digits.isdigit() and len(digits) == 11:
            row.error(
                self.field,
                f"«{text}» có 11 chữ số, thiếu một chữ số; số CCCD phải đủ 12 chữ số (thường bắt đầu bằng 0).",
            )
        else:
            row.error(self.field, f"«{text}» không phải số CCCD hợp lệ (phải đủ 12 chữ số).")


class EmailColumn(ParticipantColumn):
    def check(self, value, text, row, checker):
        if not text:
            return
        try:
            _email_validator(text)
        except ValidationError:
            row.error(self.field, f"«{text}» không phải địa chỉ email hợp lệ.")
        else:
            row.email = text


COLUMNS: tuple[ParticipantColumn, ...] = (
    FullNameColumn(
        "full_name",
        "Họ và tên",
        {"ho va ten", "ho ten", "ten", "ho va ten nguoi dan", "ho ten nguoi dan", "ho va ten dai bieu"},
    ),
    BirthYearColumn("birth_year", "Năm sinh", {"nam sinh", "ngay sinh", "ngay thang nam sinh", "sinh nam"}),
    HamletColumn("hamlet", "Thôn, ấp", {"thon", "ap", "thon ap", "khom", "to dan pho", "thon xom"}),
    CategoryColumn(
        "category",
        "Loại hộ",
        {"loai ho", "doi tuong", "loai doi tuong", "doi tuong tham du", "thanh phan", "loai"},
    ),
    PhoneColumn(
        "phone",
        "Số điện thoại",
        {"sdt", "so dien thoai", "dien thoai", "dt", "so dt", "dtdd", "di dong", "so di dong"},
    ),
    NationalIdColumn(
        "national_id",
        "Số CCCD",
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
        },
    ),
    EmailColumn(
        "email",
        "Email",
        {"email", "e mail", "mail", "thu dien tu", "dia chi email", "dia chi thu dien tu"},
    ),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
FIELDS = tuple(COLUMN_BY_FIELD)
REQUIRED_FIELDS = ("full_name", "hamlet", "category")
# The free-text columns, where text typed in TCVN3 or VNI shows.
TEXT_FIELDS = ("full_name", "hamlet", "category")
