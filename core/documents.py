"""The skeleton of every official paper (FORMAT-ND30): what templates/documents/base.html prints
around a document's own content, and the one printed `Line`.

A document (a plan, a report, a notice…) subclasses `OfficialDocument`: the header blocks, the
number and date line, the title, the recipients and the signature are its fields, worded here
once (`number_line`, `signature_lines`); the app adds its own content and its own template that
extends documents/base.html. `skeleton_context` hands both to the template.

Text fields of a plan accept two marks, **bold** and *italic* (`markup`, `plain`); a line says
whether its text carries them (`marked`), the other papers print their text as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Emphasis marks only where they hug a word, so that an ordinary star prints as itself: "(*)"
# (a footnote sign), "5*3 m2" (a product) and "* Thành phần" (a bullet) are text, while
# "*Thời gian:*", "**quý II/2023**" and "(*qua Phòng Lao động*)" are emphasis. An opening mark
# follows no letter or digit and is followed by a character that is neither a space nor ")";
# a closing one follows such a character (not a space nor "(") and is followed by no letter or digit.
BOLD = re.compile(r"(?<![\w*])\*\*(?=[^\s*)])(.+?)(?<=[^\s*(])\*\*(?![\w*])", re.S)
ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*)])(.+?)(?<=[^\s*(])\*(?![\w*])", re.S)
# A number not given yet (a draft) leaves room for it to be written in by hand.
BLANK_NUMBER = " " * 5


def markup(text: str) -> SafeString:
    """Escape, then turn **bold** and *italic* into <strong> and <em>."""
    html = escape(text)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    html = ITALIC.sub(r"<em>\1</em>", html)
    return mark_safe(html)


def plain(text: str) -> str:
    return ITALIC.sub(r"\1", BOLD.sub(r"\1", text))


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/KH-UBND", or "Số:      /KH-UBND" while the paper has no number."""
    return f"Số: {number:02d}/{symbol}" if number else f"Số: {BLANK_NUMBER}/{symbol}"


def signature_lines(*lines: str) -> list[str]:
    """The signer's block above the name: authority, delegation, title, upper case, blanks left out."""
    return [line.upper() for line in lines if line]


@dataclass
class Line:
    """One printed block of a document's body.

    `style` picks its CSS class (section, heading, paragraph, bullet, subbullet, label, table,
    chart); `lead` is printed bold before `text`; a table has `header` and `rows`, with the
    `centred` columns (numbers, dates) and a CSS modifier `table` (nd-table--<table>); a chart
    is named by `chart` and drawn by the app's documents module.
    """

    style: str
    text: str = ""
    lead: str = ""
    number: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    table: str = ""
    chart: str = ""
    centred: tuple[int, ...] = ()
    marked: bool = False  # text and lead carry **bold** and *italic* marks (a plan's)

    def _words(self, text: str) -> str:
        return plain(text) if self.marked else text

    @property
    def lead_html(self) -> SafeString:
        return markup(self.lead) if self.marked else escape(self.lead)

    @property
    def text_html(self) -> SafeString:
        return markup(self.text) if self.marked else escape(self.text)

    @property
    def cell_rows(self) -> list[list[tuple[str, bool]]]:
        return [[(cell, i in self.centred) for i, cell in enumerate(row)] for row in self.rows]

    @property
    def plain_text(self) -> str:
        lead = self._words(self.lead)
        if self.lead and self.text:
            # Test the lead without its marks: "**Thời gian:**" already ends with a colon.
            lead += "" if lead.rstrip().endswith((":", ".")) else ":"
        return " ".join(p for p in (self.number, lead, self._words(self.text)) if p)

    @property
    def flat_text(self) -> list[str]:
        """The block's words as lines of text: a table row by row (header first), a chart none."""
        if self.style == "table":
            return [" ".join(self.header)] + [" ".join(row) for row in self.rows]
        if self.style == "chart":
            return []
        return [self.plain_text]


def flat_text(lines: list[Line]) -> list[str]:
    return [text for line in lines for text in line.flat_text]


@dataclass(kw_only=True)
class OfficialDocument:
    """The fields templates/documents/base.html prints around every document."""

    agency_parent: str
    agency_lines: list[str]
    number_line: str
    date_line: str
    doc_type: str
    summary_lines: list[str]
    recipients: list[str]
    signature_lines: list[str]
    signer_name: str

    @property
    def document_title(self) -> str:
        return " ".join([self.doc_type, *self.summary_lines])

    def content_lines(self) -> list[str]:
        """The words of the document's own content, between its title and its signature."""
        raise NotImplementedError

    def appendix_lines(self) -> list[str]:
        """The words printed after the signature (a plan's appendices)."""
        return []

    def text_lines(self) -> list[str]:
        """The document's words in reading order (tables flattened, marks removed), for tests and search."""
        return [
            *self.agency_lines,
            self.number_line,
            self.date_line,
            self.doc_type,
            *self.summary_lines,
            *self.content_lines(),
            "Nơi nhận:",
            *self.recipients,
            *self.signature_lines,
            self.signer_name,
            *self.appendix_lines(),
        ]


SKELETON_FIELDS = (
    "agency_parent",
    "agency_lines",
    "number_line",
    "date_line",
    "doc_type",
    "summary_lines",
    "recipients",
    "signature_lines",
    "signer_name",
)


def skeleton_context(document: OfficialDocument, **extra: Any) -> dict[str, Any]:
    """The base template's context from a built document; ``doc`` is the document itself for its
    own template, and ``extra`` what that template prints besides."""
    context = {name: getattr(document, name) for name in SKELETON_FIELDS}
    context["doc"] = document
    context["document_title"] = document.document_title
    context.update(extra)
    return context
