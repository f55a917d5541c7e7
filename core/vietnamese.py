"""Pure-Python helpers for Vietnamese administrative text.

Covers amounts in words as written in official documents, VND formatting,
accent-insensitive matching keys, the ND30 place-and-date line, Roman
numerals for section headings and the short date style used in citations.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

__all__ = [
    "agency_in_sentence",
    "amount_in_words",
    "date_line",
    "format_vnd",
    "in_sentence",
    "normalize_key",
    "number_in_words",
    "roman",
    "short_date",
    "strip_accents",
]

_DIGITS: tuple[str, ...] = (
    "không",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
)

# Scale words for the three-digit groups below one billion (tỷ).
_GROUP_SCALES: tuple[str, ...] = ("", "nghìn", "triệu")

_BILLION = 1_000_000_000

# Placeholder for a blank field in a draft date line.
_BLANK = "     "


def _to_int(value: int | Decimal) -> int:
    """Coerce an ``int`` or integral ``Decimal`` to a non-negative ``int``."""
    if isinstance(value, bool):
        raise TypeError("Expected an int or Decimal, got bool")
    if isinstance(value, int):
        result = value
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Amount must be finite, got {value}")
        if value != value.to_integral_value():
            raise ValueError(f"Amount must not have a fractional part, got {value}")
        result = int(value)
    else:
        raise TypeError(f"Expected an int or Decimal, got {type(value).__name__}")
    if result < 0:
        raise ValueError(f"Amount must not be negative, got {result}")
    return result


def _read_tens_and_units(tens: int, units: int) -> list[str]:
    """Read the last two digits of a group whose tens digit is non-zero."""
    words = ["mười" if tens == 1 else f"{_DIGITS[tens]} mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_group(group: int, *, full: bool) -> list[str]:
    """Read a three-digit group (1..999).

    ``full`` forces the hundreds digit to be spoken even when it is zero
    ("không trăm"), which is required for any group following a higher one.
    """
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
        if tens == 0:
            if units:
                words += ["linh", _DIGITS[units]]
            return words
    if tens:
        words += _read_tens_and_units(tens, units)
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_below_billion(n: int, *, leading: bool) -> list[str]:
    """Read 1..999_999_999; ``leading`` is False when a higher part precedes."""
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        words += _read_group(group, full=bool(words) or not leading)
        if _GROUP_SCALES[index]:
            words.append(_GROUP_SCALES[index])
    return words


def _number_words(n: int) -> list[str]:
    if n < _BILLION:
        return _read_below_billion(n, leading=True)
    high, low = divmod(n, _BILLION)
    words = _number_words(high) + ["tỷ"]
    if low:
        words += _read_below_billion(low, leading=False)
    return words


def number_in_words(n: int | Decimal) -> str:
    """Return ``n`` in lowercase formal Vietnamese words, e.g. 105 -> "một trăm linh năm".

    Raises ``ValueError`` for negative numbers or a ``Decimal`` with a
    fractional part, ``TypeError`` for other types.
    """
    value = _to_int(n)
    if value == 0:
        return _DIGITS[0]
    return " ".join(_number_words(value))


def amount_in_words(amount: int | Decimal) -> str:
    """Return a VND amount in words, capitalised and ending with " đồng".

    Example: 1_005_000 -> "Một triệu không trăm linh năm nghìn đồng".
    """
    words = number_in_words(amount)
    return f"{words[0].upper()}{words[1:]} đồng"


def format_vnd(amount: int | Decimal) -> str:
    """Format an amount with dots as thousands separators: 64500000 -> "64.500.000"."""
    if isinstance(amount, bool):
        raise TypeError("Expected an int or Decimal, got bool")
    if isinstance(amount, Decimal):
        sign = "-" if amount < 0 else ""
        return sign + format_vnd(_to_int(abs(amount)))
    if not isinstance(amount, int):
        raise TypeError(f"Expected an int or Decimal, got {type(amount).__name__}")
    return f"{amount:,}".replace(",", ".")


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics and map đ/Đ to d/D: "Đồng Nai" -> "Dong Nai"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", stripped)


def office_in_sentence(title: str) -> str:
    """ "PHÓ CHỦ TỊCH" → "Phó Chủ tịch": an office as written inside a sentence."""
    text = title.lower().replace("chủ tịch", "Chủ tịch")
    return text[:1].upper() + text[1:]


# What a clerk may type at the end of a title that has no place once the title is quoted inside a
# sentence ("… năm 2026.", "… năm 2026./.", "… năm 2026;"); closing brackets and quotes stay.
_TRAILING_PUNCTUATION = ".;:,!?/…-–— "


def in_sentence(title: str) -> str:
    """A title as quoted inside a sentence: on one line, without the full stop (or "./.", ";", …)
    typed at its end: "Kế hoạch … năm 2026." → "Kế hoạch … năm 2026", so the sentence reads
    "… năm 2026, Ủy ban …", never "năm 2026., Ủy ban …"."""
    return " ".join((title or "").split()).rstrip(_TRAILING_PUNCTUATION)


def agency_in_sentence(name: str) -> str:
    """ "ỦY BAN NHÂN DÂN" → "Ủy ban nhân dân": an agency's name, printed in capitals in the
    letterhead, as written in running text (the place after it keeps its own capitals)."""
    text = " ".join((name or "").split()).lower()
    return text[:1].upper() + text[1:]


def lines_of(text: str) -> list[str]:
    """The lines of a text typed in a form, spaces squeezed, blank lines dropped."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def normalize_key(text: str) -> str:
    """Return a lenient matching key: no accents, lowercase, single spaces."""
    return " ".join(strip_accents(text).lower().split())


def _pad_day(day: int) -> str:
    return f"{day:02d}"


def _pad_month(month: int) -> str:
    # ND30: months 1 and 2 are written with a leading zero, others are not.
    return f"{month:02d}" if month < 3 else str(month)


def date_line(
    place: str,
    date: datetime.date | None,
    *,
    month: int | None = None,
    year: int | None = None,
    blank_year: str = "",
) -> str:
    """Return the ND30 place-and-date line.

    With a date: "Gia Lai, ngày 24 tháng 02 năm 2024". With ``date=None`` the
    line is a draft and the day (and the month when ``month`` is None) is left
    blank as five spaces: "Tuy Phước, ngày     tháng 4 năm 2024". ``year`` is
    required for drafts, unless ``blank_year`` gives what to print in its place
    for a draft whose year is not known yet ("năm ……"). When ``date`` is given,
    ``month``/``year`` must be omitted or agree with it.
    """
    if date is not None:
        if month is not None and month != date.month:
            raise ValueError("month does not match date")
        if year is not None and year != date.year:
            raise ValueError("year does not match date")
        return f"{place}, ngày {_pad_day(date.day)} tháng {_pad_month(date.month)} năm {date.year}"
    if year is None and not blank_year:
        raise ValueError("year is required when date is None")
    if month is None:
        month_text = _BLANK
    else:
        if not 1 <= month <= 12:
            raise ValueError(f"month must be in 1..12, got {month}")
        month_text = f" {_pad_month(month)} "
    return f"{place}, ngày{_BLANK}tháng{month_text}năm {blank_year if year is None else year}"


_ROMAN_VALUES: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    """Return ``n`` (1..3999) as an uppercase Roman numeral: 14 -> "XIV"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"Expected an int, got {type(n).__name__}")
    if not 1 <= n <= 3999:
        raise ValueError(f"roman() supports 1..3999, got {n}")
    parts: list[str] = []
    for value, symbol in _ROMAN_VALUES:
        count, n = divmod(n, value)
        parts.append(symbol * count)
    return "".join(parts)


def short_date(d: datetime.date) -> str:
    """Return a citation-style date: day always two digits, month padded only for 1 and 2.

    Examples: "04/01/2024", "24/02/2024", "15/3/2024", "01/12/2022".
    """
    return f"{_pad_day(d.day)}/{_pad_month(d.month)}/{d.year}"
