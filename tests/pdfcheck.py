"""Read a printed document back for the ND30 checks (FORMAT-ND30.md, "How to check a generated PDF").

Shared by the tests of every printed document (plan KH, invitation GM, report BC, …).
Positions are pdfplumber's: points, measured from the top-left corner of the page; ``mm()``
converts where the format speaks in millimetres. Text is compared after NFC normalisation
(``squash`` also collapses white space, as pdfplumber keeps spaces as characters).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from statistics import median

import pdfplumber
import zxingcpp

PT_PER_MM = 72 / 25.4
A4_MM = (210.0, 297.0)
# Times New Roman or its metric-compatible clones; anything else (DejaVu) is a fallback font.
ALLOWED_FONT_FAMILIES = ("TimesNewRoman", "Tinos", "LiberationSerif")


def mm(points: float) -> float:
    return points / PT_PER_MM


def pt(millimetres: float) -> float:
    return millimetres * PT_PER_MM


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC with runs of white space collapsed to one space."""
    return " ".join(nfc(text).split())


def open_pdf(content: bytes) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(content))


def qr_codes(page, *, resolution: int = 288) -> list[str]:
    """The texts of the QR codes printed on a page, read from the page as rendered, as a
    scanner at the door reads them (not from the image's bytes)."""
    image = page.to_image(resolution=resolution).original
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def page_size_mm(page) -> tuple[float, float]:
    return mm(float(page.width)), mm(float(page.height))


# ---------------------------------------------------------------- fonts


def base_font(fontname: str) -> str:
    """'ABCDEF+Tinos-Bold' -> 'Tinos-Bold' (drops the subset tag)."""
    return fontname.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", fontname) else fontname


def fonts_used(pdf) -> set[str]:
    return {base_font(char["fontname"]) for page in pdf.pages for char in page.chars}


def foreign_fonts(pdf) -> set[str]:
    """Fonts that are neither Times New Roman nor Tinos nor Liberation Serif."""
    return {
        name
        for name in fonts_used(pdf)
        if not any(family in name.replace(" ", "").replace("-", "") for family in ALLOWED_FONT_FAMILIES)
    }


def is_bold(char: dict) -> bool:
    return "Bold" in base_font(char["fontname"])


def is_italic(char: dict) -> bool:
    name = base_font(char["fontname"])
    return "Italic" in name or "Oblique" in name


# ---------------------------------------------------------------- lines of text


@dataclass(frozen=True)
class TextLine:
    """Characters sharing a baseline and not separated by a column gap."""

    page_number: int  # 1-based
    chars: tuple[dict, ...]
    baseline: float  # points from the top of the page

    @property
    def text(self) -> str:
        out: list[str] = []
        previous = None
        for char in self.chars:
            if previous is not None and char["x0"] - previous["x1"] > 0.15 * char["size"]:
                if char["text"] != " " and previous["text"] != " ":
                    out.append(" ")
            out.append(char["text"])
            previous = char
        return nfc("".join(out))

    @property
    def squashed(self) -> str:
        return squash(self.text)

    @property
    def ink(self) -> list[dict]:
        return [c for c in self.chars if c["text"].strip()]

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.ink)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.ink)

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.ink)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.ink)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def x_centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def size(self) -> float:
        """The most common font size of the line, rounded to 0.1 pt."""
        return Counter(round(c["size"], 1) for c in self.ink).most_common(1)[0][0]

    @property
    def sizes(self) -> set[float]:
        return {round(c["size"], 1) for c in self.ink}

    @property
    def bold(self) -> bool:
        return all(is_bold(c) for c in self.ink)

    @property
    def italic(self) -> bool:
        return all(is_italic(c) for c in self.ink)

    @property
    def upright(self) -> bool:
        return not any(is_italic(c) for c in self.ink)

    def chars_of(self, text: str) -> list[dict]:
        """The characters of the first occurrence of ``text`` (no white space in it) in this line."""
        ink = self.ink
        letters = "".join(nfc(c["text"]) for c in ink)
        start = letters.find("".join(nfc(text).split()))
        assert start >= 0, f"{text!r} not in line {self.text!r}"
        return ink[start : start + len("".join(nfc(text).split()))]


def _baseline(page, char: dict) -> float:
    return float(page.height) - char["matrix"][5]


def text_lines(page, *, page_number: int | None = None) -> list[TextLine]:
    """The page's lines, top to bottom, left to right.

    Characters within 1 pt of one baseline form a row; a row is split where the horizontal
    gap exceeds twice the font size, so side-by-side columns (agency | Quốc hiệu, Số | date,
    Nơi nhận | signature) come out as separate lines.
    """
    number = page_number if page_number is not None else page.page_number
    chars = sorted(page.chars, key=lambda c: (round(_baseline(page, c), 1), c["x0"]))
    rows: list[list[dict]] = []
    for char in chars:
        if rows and abs(_baseline(page, char) - _baseline(page, rows[-1][0])) <= 1.0:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        segment = [row[0]]
        for char in row[1:]:
            if char["x0"] - segment[-1]["x1"] > 2 * max(char["size"], segment[-1]["size"]):
                lines.append(TextLine(number, tuple(segment), _baseline(page, segment[0])))
                segment = [char]
            else:
                segment.append(char)
        lines.append(TextLine(number, tuple(segment), _baseline(page, segment[0])))
    lines = [line for line in lines if line.ink]
    return sorted(lines, key=lambda line: (round(line.baseline), line.x0))


def all_lines(pdf) -> list[TextLine]:
    return [line for page in pdf.pages for line in text_lines(page)]


def find_lines(lines: list[TextLine], text: str, *, startswith: bool = False) -> list[TextLine]:
    wanted = squash(text)
    return [
        line
        for line in lines
        if (line.squashed.startswith(wanted) if startswith else line.squashed == wanted)
    ]


def find_line(lines: list[TextLine], text: str, *, startswith: bool = False) -> TextLine:
    """The one line reading ``text`` (white space collapsed); fails listing the lines seen."""
    found = find_lines(lines, text, startswith=startswith)
    assert found, f"no line {text!r}; lines: {[line.squashed for line in lines][:80]}"
    return found[0]


def join_lines(texts: list[str]) -> str:
    """Running text from printed lines, squashed.

    A line broken inside a word, after "/" ("8059/" + "VPCP-QHĐP") or after a hyphen with no
    space before it, joins without a space; any other line break counts as one space.
    """
    out = ""
    for text in texts:
        text = squash(text)
        if out and not re.search(r"(/|\S-)$", out):
            out += " "
        out += text
    return out


def extract_text(page) -> str:
    return nfc(page.extract_text() or "")


# ---------------------------------------------------------------- rules (horizontal lines)


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def x_centre(self) -> float:
        return (self.x0 + self.x1) / 2


def rules(page, *, max_thickness: float = 2.0, min_width: float = 5.0) -> list[Rule]:
    """Horizontal rules: thin filled rectangles and horizontal line segments."""
    found = []
    for rect in page.rects:
        if rect["height"] <= max_thickness and rect["width"] >= min_width:
            found.append(Rule(rect["x0"], rect["x1"], rect["top"], rect["bottom"]))
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) <= max_thickness and line["x1"] - line["x0"] >= min_width:
            found.append(Rule(line["x0"], line["x1"], line["top"], line["bottom"]))
    return sorted(set(found), key=lambda r: (r.top, r.x0))


def rules_under(page, line: TextLine, *, within: float = 12.0) -> list[Rule]:
    """Rules starting at most ``within`` points below the line and overlapping it horizontally."""
    return [
        rule
        for rule in rules(page)
        if line.bottom - 1 <= rule.top <= line.bottom + within and rule.x0 < line.x1 and rule.x1 > line.x0
    ]


# ---------------------------------------------------------------- page layout


# The mark a document not yet issued carries in the top margin of every page.
DRAFT_MARK = "DỰ THẢO"


def page_number_lines(page, *, top_margin_mm: float = 20.0) -> list[TextLine]:
    """Lines printed in the top margin (where the page number goes), the draft mark aside."""
    return [line for line in text_lines(page) if line.bottom < pt(top_margin_mm) and line.text != DRAFT_MARK]


def draft_mark_lines(page, *, top_margin_mm: float = 20.0) -> list[TextLine]:
    """The "DỰ THẢO" mark printed in the top margin of a draft's page."""
    return [line for line in text_lines(page) if line.bottom < pt(top_margin_mm) and line.text == DRAFT_MARK]


def body_lines(page, *, top_margin_mm: float = 20.0) -> list[TextLine]:
    """Lines inside the text area (everything but the top-margin page number)."""
    return [line for line in text_lines(page) if line.bottom >= pt(top_margin_mm)]


def text_edges_mm(page, *, top_margin_mm: float = 20.0) -> dict[str, float]:
    """Distances in mm from each page edge to the nearest glyph of the text area."""
    chars = [c for line in body_lines(page, top_margin_mm=top_margin_mm) for c in line.ink]
    width, height = float(page.width), float(page.height)
    return {
        "left": mm(min(c["x0"] for c in chars)),
        "right": mm(width - max(c["x1"] for c in chars)),
        "top": mm(min(c["top"] for c in chars)),
        "bottom": mm(height - max(c["bottom"] for c in chars)),
    }


def dominant_size_share(chars: list[dict]) -> tuple[float, float]:
    """The most common font size among ``chars`` and the share of characters set in it."""
    sizes = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
    size, count = sizes.most_common(1)[0]
    return size, count / sum(sizes.values())


def median_size(chars: list[dict]) -> float:
    return median(c["size"] for c in chars)


def table_rows(pdf, *, pages=None) -> list[list[str]]:
    """Rows of the ruled tables on the given pages (all by default), cells squashed."""
    rows = []
    for page in pages if pages is not None else pdf.pages:
        for table in page.extract_tables():
            rows += [[squash(cell or "") for cell in row] for row in table]
    return rows


def table_bboxes(page) -> list[tuple[float, float, float, float]]:
    return [table.bbox for table in page.find_tables()]


def outside(line: TextLine, boxes) -> bool:
    """True when the line is outside every (x0, top, x1, bottom) box."""
    return not any(
        x0 <= line.x_centre <= x1 and top <= line.baseline <= bottom for x0, top, x1, bottom in boxes
    )


# ---------------------------------------------------------------- the common checks


def nd30_problems(content: bytes, *, margins: bool = True) -> list[str]:
    """What a printed document breaks of the checks every ND30 paper passes (FORMAT-ND30.md):
    A4 pages, Times New Roman or a metric clone, NFC text, and the margins (left 30-35 mm,
    right and bottom at least 15 and 19 mm, the first page's text 19-27 mm from the top).
    An empty list when it passes; each problem names its page."""
    problems = []
    with open_pdf(content) as pdf:
        for page in pdf.pages:
            width, height = page_size_mm(page)
            if sorted((round(width), round(height))) != sorted(round(side) for side in A4_MM):
                problems.append(f"trang {page.page_number}: khổ {width:.0f} x {height:.0f} mm, không phải A4")
            raw = page.extract_text() or ""
            if raw != nfc(raw):
                problems.append(f"trang {page.page_number}: chữ không ở dạng NFC")
            if margins and page.chars:
                edges = text_edges_mm(page)
                if not 30 - 0.5 <= edges["left"] <= 35:
                    problems.append(f"trang {page.page_number}: lề trái {edges['left']:.1f} mm")
                if edges["right"] < 15 or edges["bottom"] < 19:
                    problems.append(f"trang {page.page_number}: lề phải/dưới {edges}")
        if margins and pdf.pages and pdf.pages[0].chars:
            top = text_edges_mm(pdf.pages[0])["top"]
            if not 19 <= round(top, 1) <= 27:
                problems.append(f"trang 1: lề trên {top:.1f} mm")
        foreign = foreign_fonts(pdf)
        if foreign:
            problems.append(f"phông chữ không phải Times New Roman: {sorted(foreign)}")
    return problems


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, page after page."""
    with open_pdf(content) as pdf:
        return "\n".join(extract_text(page) for page in pdf.pages)
