"""Compare a document's text with a seed plan's text (../shared/seeds/*.txt), clause by clause.

The seeds are text extracted from PDFs: lines broken at page ends (or, in seed 002, at every
printed line), page numbers on their own line, ** and * marks and stray <i> tags. Both sides
go through the same normalisation:

- NFC, marks dropped, whitespace collapsed;
- a line that does not end a sentence is joined to the next one when that one starts with
  a lower-case letter (a line broken mid-sentence), or, with `wrap_width`, when it is at
  least that long and the next line does not start a new item ("- ", "+ ", "2.1. ", "a) ");
- lines that are only a page number are dropped;
- each paragraph is split into clauses after ";" and at sentence ends (". " before a
  capital letter).

A seed clause is found when an unused clause of the other text is equal to it, or failing
that has a difflib ratio of at least `min_ratio` *and* the same leading number ("2.1.",
"IV.", "a)"), so that numbering differences always show up. Clauses of the other text that no seed clause used
are listed in `unused` (words printed that the seed does not have).

Expected differences are `Allowance`s: the seed has `seed` where the other text has
`other` ("" when it leaves the words out). They are applied to the normalised seed text
before it is split, each must be found there (a stale allowance is an error), and each
says why. A `seed` fragment matches only between whitespace (or the ends of the text), so
"2. Nội dung" does not match inside "1.2. Nội dung"; it may span lines ("\n").

    result = compare(seed_text, document.text_lines(), allowances=[...])
    assert result.score >= 0.97, result.report()
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_RATIO = 0.9

_MARKS = re.compile(r"\*+|</?(?:i|b|em|strong|u)>")
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_TERMINAL = (".", ";", ":", "!", "?", "…")
# The start of a new item: a dash or plus bullet, "*" lead, Roman or decimal number, letter.
_ITEM = re.compile(r"(?:[-+•]\s|[IVXLC]+\.\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s)")
_NUMBER = re.compile(r"(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))(?=\s|$)")
_CLAUSE_GAP = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class Allowance:
    """An expected difference: the seed has `seed` where the other text has `other`."""

    name: str
    seed: str
    other: str
    reason: str
    occurrence: int | None = None  # 1-based; None: every occurrence


@dataclass
class Comparison:
    seed_clauses: list[str]
    other_clauses: list[str]
    exact: list[str] = field(default_factory=list)
    fuzzy: list[tuple[str, str, float]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    # Clauses of the other text that no seed clause used: words the seed does not have.
    unused: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        if not self.seed_clauses:
            return 1.0
        return (len(self.exact) + len(self.fuzzy)) / len(self.seed_clauses)

    def report(self) -> str:
        lines = [
            f"{len(self.exact)} exact + {len(self.fuzzy)} close of {len(self.seed_clauses)} seed clauses "
            f"(score {self.score:.3f}).",
            f"Not found ({len(self.unmatched)}):",
            *(f"  - {clause}" for clause in self.unmatched),
            f"In the other text only ({len(self.unused)}):",
            *(f"  - {clause}" for clause in self.unused),
        ]
        if self.fuzzy:
            lines.append(f"Close, not equal ({len(self.fuzzy)}):")
            for seed, other, ratio in self.fuzzy:
                lines += [f"  - seed  ({ratio:.2f}): {seed}", f"    other       : {other}"]
        return "\n".join(lines)


def normalise(text: str) -> str:
    """NFC, without ** / * marks or <i> tags, whitespace collapsed."""
    text = _MARKS.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def paragraphs(lines: Iterable[str], *, wrap_width: int | None = None) -> list[str]:
    """Normalised lines with broken ones joined and page numbers dropped.

    A line holding a tab is a table row: it is never joined to its neighbours.
    """
    out: list[str] = []
    rows: list[bool] = []
    for raw in lines:
        line = normalise(raw)
        if not line or _PAGE_NUMBER.fullmatch(line):
            continue
        row = "\t" in raw
        if out and not row and not rows[-1] and _continues(out[-1], line, wrap_width):
            out[-1] += " " + line
        else:
            out.append(line)
            rows.append(row)
    return out


def _continues(previous: str, line: str, wrap_width: int | None) -> bool:
    if previous.endswith(_TERMINAL) or _ITEM.match(line):
        return False
    if line[0].islower():
        return True
    return wrap_width is not None and len(previous) >= wrap_width


def split_clauses(paragraph: str) -> list[str]:
    clauses, start = [], 0
    for gap in _CLAUSE_GAP.finditer(paragraph):
        if _NUMBER.fullmatch(paragraph[start : gap.start()]):
            continue  # "2.1. Chủ đề": the number stays with its words
        if paragraph[gap.start() - 1] == ";" or paragraph[gap.end()].isupper():
            clauses.append(paragraph[start : gap.start()])
            start = gap.end()
    clauses.append(paragraph[start:])
    return [clause for clause in clauses if clause]


def clauses(paragraph_list: Iterable[str]) -> list[str]:
    return [clause for paragraph in paragraph_list for clause in split_clauses(paragraph)]


def apply_allowances(text: str, allowances: Sequence[Allowance]) -> str:
    """Replace each allowance's seed words by the other text's; every one must be found."""
    for allowance in allowances:
        pattern = re.escape(allowance.seed)
        if not allowance.seed[:1].isspace():
            pattern = r"(?<!\S)" + pattern
        if not allowance.seed[-1:].isspace():
            pattern += r"(?!\S)"
        matches = list(re.finditer(pattern, text))
        if allowance.occurrence is not None:
            if len(matches) < allowance.occurrence:
                raise ValueError(
                    f"allowance {allowance.name!r}: the seed has {len(matches)} occurrence(s) of "
                    f"{allowance.seed!r}, not {allowance.occurrence}"
                )
            matches = [matches[allowance.occurrence - 1]]
        if not matches:
            raise ValueError(f"allowance {allowance.name!r}: {allowance.seed!r} is not in the seed")
        for match in reversed(matches):
            text = text[: match.start()] + allowance.other + text[match.end() :]
    return text


def _number(clause: str) -> str:
    match = _NUMBER.match(clause)
    return match.group(0) if match else ""


def match_clauses(seed: list[str], other: list[str], *, min_ratio: float = MIN_RATIO) -> Comparison:
    """Find each seed clause among the other clauses, each of those used at most once."""
    result = Comparison(seed_clauses=seed, other_clauses=other)
    free: dict[str, list[int]] = defaultdict(list)
    for index, clause in enumerate(other):
        free[clause].append(index)
    used: set[int] = set()
    pending: list[str] = []
    for clause in seed:
        if free[clause]:
            used.add(free[clause].pop(0))
            result.exact.append(clause)
        else:
            pending.append(clause)
    for clause in pending:
        best, best_ratio = None, min_ratio
        for index, candidate in enumerate(other):
            if index in used or _number(candidate) != _number(clause):
                continue
            matcher = difflib.SequenceMatcher(None, clause, candidate, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = index, ratio
        if best is None:
            result.unmatched.append(clause)
        else:
            used.add(best)
            result.fuzzy.append((clause, other[best], best_ratio))
    result.unused = [clause for index, clause in enumerate(other) if index not in used]
    return result


def compare(
    seed_text: str,
    other: str | Sequence[str],
    *,
    allowances: Sequence[Allowance] = (),
    wrap_width: int | None = None,
    min_ratio: float = MIN_RATIO,
) -> Comparison:
    """Compare a seed's text with another text: a string (split at newlines) or a list of
    paragraphs (such as PlanDocument.text_lines(), whose items may hold newlines)."""
    seed_text = apply_allowances(
        "\n".join(paragraphs(seed_text.split("\n"), wrap_width=wrap_width)), allowances
    )
    seed_clauses = clauses(normalise(line) for line in seed_text.split("\n") if line.strip())
    other_lines = other.split("\n") if isinstance(other, str) else list(other)
    other_clauses = clauses(paragraphs(other_lines, wrap_width=wrap_width))
    return match_clauses(seed_clauses, other_clauses, min_ratio=min_ratio)
