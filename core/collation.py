"""Vietnamese ordering of names.

The Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: "Lương"
comes before "Lý" and "Ngô" before "Nguyễn", which code-point order gets wrong (ý, ô sort after
u). The tone marks only decide between words that are otherwise equal (Ma, Mà, Mả, Mã, Má, Mạ),
and lower case before upper case after that.

PostgreSQL sorts with the ICU collation "vi-x-icu". SQLite (the quick-start and demo) has no
such collation: `register_sqlite_collation` gives each new SQLite connection one named "vi" that
sorts by `sort_key`, the same order in Python. `sorted(names, key=sort_key)` orders lists
built in Python the same way.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db.models import F, Func

SQLITE_COLLATION = "vi"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Marks that make another letter (ă â ê ô ơ ư) and the tones, in ICU's order: none, huyền, hỏi,
# ngã, sắc, nặng.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Primary weights: spaces and punctuation, then digits, then letters (as ICU does by default).
_DIGIT_BASE = 0x10000
_LETTER_BASE = _DIGIT_BASE + 10
_OTHER_BASE = _LETTER_BASE + len(_ALPHABET)


@functools.lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The key that sorts `text` in Vietnamese order: letters first, then tones, then case."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFD", text or ""):
        if unicodedata.combining(char):
            if not primary:
                continue
            if char in _LETTER_MARKS:
                base = _ALPHABET[primary[-1] - _LETTER_BASE] if primary[-1] >= _LETTER_BASE else ""
                letter = unicodedata.normalize("NFC", base + char)
                if letter in _LETTER_RANK:
                    primary[-1] = _LETTER_BASE + _LETTER_RANK[letter]
            elif char in _TONES:
                secondary[-1] = _TONES[char]
            continue
        lower = char.lower()
        if lower in _LETTER_RANK:
            weight = _LETTER_BASE + _LETTER_RANK[lower]
        elif char.isdigit() and char.isascii():
            weight = _DIGIT_BASE + int(char)
        elif char.isalnum():
            weight = _OTHER_BASE + ord(lower)
        else:
            weight = ord(char) if ord(char) < _DIGIT_BASE else _DIGIT_BASE - 1
        primary.append(weight)
        secondary.append(0)
        tertiary.append(0 if char == lower else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` sorts before, with or after `right` (SQLite's collation callback)."""
    left_key, right_key = sort_key(left), sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the "vi" collation (connected to `connection_created`)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


class VietnameseCollate(Func):
    template = "%(expressions)s"
    arity = 1

    def __init__(self, expression, **extra):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "vi-x-icu"', **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template=f"%(expressions)s COLLATE {SQLITE_COLLATION}", **extra_context
        )


def vi_order(field: str, descending: bool = False):
    expression = VietnameseCollate(field)
    return expression.desc() if descending else expression.asc()
