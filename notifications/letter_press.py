"""Invitation letters without laying each one out: WeasyPrint lays a session's letter out once
(per number of lines of the invitee's paragraph) with the person's parts hidden, and each letter
is that page with the person's paragraph and QR code placed on it (PDFium).

WeasyPrint costs about 45 ms a letter, nearly all of it the page that every letter of a session
shares; placing a paragraph and a code costs about a millisecond. The paragraph
("<inviter> trân trọng kính mời: **Ông/Bà <name>** (<hamlet>, <commune>)") is measured here as
WeasyPrint measures it: the same font files, advances and pair kerning, lines filled word by
word, every line but the last justified by widening its spaces, the first indented. Where the
lines and the template's sample disagree with WeasyPrint's own layout, where a character is not
in the font's Vietnamese repertoire, or a word is wider than a line, the letter is laid out by
WeasyPrint whole, as before (``build`` mixes both in one PDF). tests/notifications/
test_letter_press.py compares the two ways' text, positions and QR codes. The e-mails' one-letter
PDFs (``build_each``) are written as bytes on a shell PDFium saves once a batch (letter_writer).
"""

from __future__ import annotations

import ctypes
import dataclasses
import io
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from core import pdf

from .letter_fonts import faces
from .letter_writer import Shell, ShellError

logger = logging.getLogger(__name__)

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS pixels
# How far (points) our x of a word may be from WeasyPrint's in the template's sample.
CHECK_TOLERANCE = 0.15
MAX_LINES = 6


@dataclass(frozen=True)
class Placed:
    """A run of text drawn at one position: one font, no kerning inside it."""

    x: float  # points from the left edge
    line: int
    text: str
    bold: bool


@dataclass
class Template:
    """A letter laid out by WeasyPrint with its variable parts hidden, and where they go."""

    document: Any  # pypdfium2.PdfDocument of one page
    width: float  # page size, points
    height: float
    baselines: list[float]  # each line of the paragraph, points from the top
    qr_box: tuple[float, float, float] | None  # left, top, side (points), where the code goes


@dataclass
class Paragraph:
    lines: list[list[Placed]]
    text: dict[bool, str]  # the characters drawn in each face (bold or not), for the subsets
    positions: list[list[tuple[str, float]]]  # each line's characters, spaces too, and their x


class LetterPress:
    """The letters of one session (one ``context`` of notifications.documents.invitation_context)."""

    def __init__(self, template_name: str, context: dict[str, Any]):
        self.template_name = template_name
        self.context = {key: value for key, value in context.items() if key != "letters"}
        self.prefix = f"{self.context['inviter']} trân trọng kính mời: "
        self.regular, self.bold = faces()
        self.measure: dict[str, float] | None = None  # content left, width, indent, font size (points)
        self.templates: dict[tuple[int, str, bool], Template | None] = {}

    # ------------------------------------------------------------ layout

    def runs(self, letter) -> list[tuple[str, bool]]:
        runs = [(self.prefix, False), (letter.invitee, True)]
        if letter.address:
            runs.append((f" ({letter.address})", False))
        return runs

    def lay_out(self, letter) -> Paragraph | None:
        """The paragraph's lines as WeasyPrint breaks and justifies them, or None when it must
        be left to WeasyPrint."""
        measure = self.measure
        size = measure["size"]
        chars: list[tuple[str, bool]] = [(char, bold) for text, bold in self.runs(letter) for char in text]
        for char, bold in chars:
            if char not in (self.bold if bold else self.regular).gid:
                return None
        # Pen positions on one endless line (font units scaled to points), kerning within a font.
        # WeasyPrint measures a line with the pairs around spaces kerned (``kerned``), but draws a
        # justified line with its spaces shaped apart, so without them (``xs``).
        xs, kerned, x, y = [], [], 0.0, 0.0
        for index, (char, bold) in enumerate(chars):
            face = self.bold if bold else self.regular
            xs.append(x)
            kerned.append(y)
            advance = face.advance[char]
            following = chars[index + 1] if index + 1 < len(chars) else None
            pair = face.kern(char, following[0]) if following is not None and following[1] == bold else 0
            scale = size / face.units_per_em
            x += (
                (advance + (pair if " " not in (char, following[0]) else 0)) * scale
                if following
                else advance * scale
            )
            y += (advance + pair) * scale
        xs.append(x)
        kerned.append(y)
        # Words: (start, end) indexes of the characters between spaces.
        words, start = [], None
        for index, (char, _) in enumerate(chars):
            if char == " ":
                if start is not None:
                    words.append((start, index))
                    start = None
            elif start is None:
                start = index
        if start is not None:
            words.append((start, len(chars)))
        lines: list[list[tuple[int, int]]] = [[]]
        for word in words:
            line = lines[-1]
            available = measure["width"] - (measure["indent"] if len(lines) == 1 else 0)
            begin = line[0][0] if line else word[0]
            if kerned[word[1]] - kerned[begin] <= available + 0.01:
                line.append(word)
                continue
            if not line:
                return None  # a word wider than the line
            if kerned[word[1]] - kerned[word[0]] > measure["width"] + 0.01:
                return None
            lines.append([word])
        if len(lines) > MAX_LINES:
            return None
        placed: list[list[Placed]] = []
        positions: list[list[tuple[str, float]]] = []
        for number, line in enumerate(lines):
            left = measure["left"] + (measure["indent"] if number == 0 else 0)
            begin, end = line[0][0], line[-1][1]
            spaces = sum(1 for char, _ in chars[begin:end] if char == " ")
            spacing = 0.0
            if number < len(lines) - 1 and spaces:
                available = measure["width"] - (measure["indent"] if number == 0 else 0)
                spacing = (available - (kerned[end] - kerned[begin])) / spaces
            # WeasyPrint draws each font's run of the line (a text box) from where the one before
            # ends, as measured (kerned); inside a box, glyphs are drawn as ``xs`` has them.
            runs, seen, line_positions = [], 0, []
            box_x, box_begin, box_seen = left, begin, 0
            for index in range(begin, end):
                char, bold = chars[index]
                if index > begin and bold != chars[index - 1][1]:
                    box_x += kerned[index] - kerned[box_begin] + (seen - box_seen) * spacing
                    box_begin, box_seen = index, seen
                pen = xs if spacing else kerned  # a line not justified is shaped whole
                x = box_x + pen[index] - pen[box_begin] + (seen - box_seen) * spacing
                line_positions.append((char, x))
                if char == " ":
                    seen += 1
                    continue
                previous = chars[index - 1] if index > begin else None
                joined = (
                    runs
                    and previous is not None
                    and previous[0] != " "
                    and previous[1] == bold
                    and not self._kerned(previous[0], char, bold)
                )
                if joined:
                    runs[-1][2].append(char)
                else:
                    runs.append((x, number, [char], bold))  # a Placed, once its text is whole
            placed.append(
                [Placed(x=x, line=line, text="".join(text), bold=bold) for x, line, text, bold in runs]
            )
            positions.append(line_positions)
        text = {flag: "".join(char for char, bold in chars if bold == flag) for flag in (False, True)}
        return Paragraph(lines=placed, text=text, positions=positions)

    def _kerned(self, left: str, right: str, bold: bool) -> bool:
        return (self.bold if bold else self.regular).kern(left, right) != 0

    # ------------------------------------------------------------ templates

    def template_for(self, letter) -> tuple[Template, Paragraph] | None:
        """The laid-out page this letter's parts go on, and its paragraph; None: WeasyPrint whole."""
        if self.measure is None:
            self.measure = self._calibrate(letter) or {}
        if not self.measure:  # the template has no invitee paragraph to measure
            return None
        paragraph = self.lay_out(letter)
        if paragraph is None:
            return None
        key = (len(paragraph.lines), letter.closing, bool(letter.qr_token))
        if key not in self.templates:
            self.templates[key] = self._template(letter, paragraph)
        template = self.templates[key]
        return (template, paragraph) if template is not None else None

    def _render(self, letter, *, blank: bool):
        context = {**self.context, "letters": [dataclasses.replace(letter, blank=blank)]}
        return pdf.lay_out_pdf(self.template_name, context)

    def _calibrate(self, letter) -> dict[str, float] | None:
        """Read the paragraph's box (left, width, first-line indent, font size) from WeasyPrint."""
        document, _ = self._render(letter, blank=True)
        found = _paragraph_boxes(document)
        if found is None:
            return None
        block, lines = found
        first = _text_boxes(lines[0])[0]
        return {
            "left": block.content_box_x() * PT_PER_PX,
            "width": block.width * PT_PER_PX,
            "indent": (first.position_x - block.content_box_x()) * PT_PER_PX,
            "size": first.style["font_size"] * PT_PER_PX,
        }

    def _template(self, letter, paragraph: Paragraph) -> Template | None:
        """Lay the letter out with its parts hidden; check that WeasyPrint's lines for this
        letter are ours (else this class of letters is left to WeasyPrint)."""
        import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use)

        document, content = self._render(letter, blank=True)
        found = _paragraph_boxes(document)
        if found is None or len(document.pages) != 1:
            return None
        _, lines = found
        if not _same_lines(lines, paragraph):
            logger.info(
                "letter layout differs from WeasyPrint's for %d lines: WeasyPrint lays them out", len(lines)
            )
            return None
        baselines = []
        for line in lines:
            first = _text_boxes(line)[0]
            baselines.append((first.position_y + first.baseline) * PT_PER_PX)
        qr_box = None
        if letter.qr_token:
            image = _find(document.pages[0]._page_box, lambda box: "gm-qr" in _classes(box))
            if image is None:
                return None
            qr_box = (
                image.content_box_x() * PT_PER_PX,
                image.content_box_y() * PT_PER_PX,
                image.width * PT_PER_PX,
            )
        page = document.pages[0]
        return Template(
            document=pypdfium2.PdfDocument(content),
            width=page.width * PT_PER_PX,
            height=page.height * PT_PER_PX,
            baselines=baselines,
            qr_box=qr_box,
        )

    # ------------------------------------------------------------ printing

    def build(self, letters: list) -> bytes:
        """One PDF with a page for each letter, in order."""
        import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use)

        output = pypdfium2.PdfDocument.new()
        try:
            keep = self._compose(output, letters)
            content = _save(output)
            del keep  # held until saved
            return content
        finally:
            output.close()

    def build_each(self, letters: list) -> list[bytes]:
        """One PDF for each letter (the e-mails' attachments): the letters placed on a laid-out
        page are written as bytes on a shell saved once for the batch (notifications.
        letter_writer); the others are saved one by one from a PDFium document."""
        plans = [self.template_for(letter) for letter in letters]
        documents: list[bytes | None] = [None] * len(letters)
        placed = [index for index, plan in enumerate(plans) if plan is not None]
        if placed:
            try:
                shells = self._shells(
                    [plans[index] for index in placed], [letters[index] for index in placed]
                )
            except ShellError:
                logger.warning("letter shell not as expected: each letter saved by PDFium", exc_info=True)
                shells = {}
            for index in placed:
                template, paragraph = plans[index]
                if id(template) in shells:
                    documents[index] = self._write(shells[id(template)], template, paragraph, letters[index])
        rest = [index for index, document in enumerate(documents) if document is None]
        if rest:
            for index, document in zip(
                rest, self._save_each([letters[index] for index in rest]), strict=True
            ):
                documents[index] = document
        return documents

    def _shells(self, plans: list, letters: list) -> dict[int, Shell]:
        """For each laid-out page of the batch, a one-page letter saved by PDFium with the page,
        the batch's fonts (one run of each) and a QR code, read apart for ``_write``."""
        import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use)
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (as above)

        paragraphs = [paragraph for _, paragraph in plans]
        shells: dict[int, Shell] = {}
        for (template, _), letter in zip(plans, letters, strict=True):
            if id(template) in shells:
                continue
            output = pypdfium2.PdfDocument.new()
            try:
                keep: list = []
                fonts = self._load_fonts(output, paragraphs, keep)
                if set(fonts) != {False, True}:
                    raise ShellError("a face with no text")
                sample = [
                    Placed(
                        x=0,
                        line=0,
                        text=next(c for c in "".join(p.text[bold] for p in paragraphs) if c != " "),
                        bold=bold,
                    )
                    for bold in (False, True)
                ]
                form = pdfium.FPDF_NewXObjectFromPage(output.raw, template.document.raw, 0)
                try:
                    self._page(output, 0, template, form, Paragraph([sample], {}, []), letter, fonts, keep)
                finally:
                    pdfium.FPDF_CloseXObject(form)
                content = _save(output)
                del keep
            finally:
                output.close()
            shells[id(template)] = Shell.parse(content, image=template.qr_box is not None)
        return shells

    def _write(self, shell: Shell, template: Template, paragraph: Paragraph, letter) -> bytes:
        runs = []
        for line in paragraph.lines:
            for run in line:
                face = self.bold if run.bold else self.regular
                glyphs = "".join(f"{face.gid[char]:04X}" for char in run.text)
                runs.append((run.bold, run.x, template.height - template.baselines[run.line], glyphs))
        qr = None
        if template.qr_box is not None and letter.qr_token:
            side, pixels = qr_pixels(letter.qr_token)
            left, top, width = template.qr_box
            qr = (side, pixels, (left, template.height - top - width, width))
        return shell.letter(runs, self.measure["size"], qr)

    def _save_each(self, letters: list) -> list[bytes]:
        """One PDF for each letter, composed together (the laid-out page and the fonts prepared
        once), then each page saved on its own by PDFium."""
        import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use)
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (as above)

        batch = pypdfium2.PdfDocument.new()
        try:
            keep = self._compose(batch, letters)
            documents = []
            for index in range(len(letters)):
                single = pypdfium2.PdfDocument.new()
                try:
                    pdfium.FPDF_ImportPagesByIndex(single.raw, batch.raw, (ctypes.c_int * 1)(index), 1, 0)
                    documents.append(_save(single))
                finally:
                    single.close()
            del keep  # held until saved
            return documents
        finally:
            batch.close()

    def _compose(self, output, letters: list) -> list:
        import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use)
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (as above)

        plans = [self.template_for(letter) for letter in letters]
        whole = [letter for letter, plan in zip(letters, plans, strict=True) if plan is None]
        keep: list = []  # buffers PDFium reads from while the document is open (returned)
        fallback = None
        try:
            if whole:
                fallback = pypdfium2.PdfDocument(
                    pdf.render_pdf(self.template_name, {**self.context, "letters": whole})
                )
            fonts = self._load_fonts(output, [plan[1] for plan in plans if plan is not None], keep)
            forms: dict[int, Any] = {}
            taken = 0
            for index, plan in enumerate(plans):
                if plan is None:
                    pdfium.FPDF_ImportPagesByIndex(
                        output.raw, fallback.raw, (ctypes.c_int * 1)(taken), 1, index
                    )
                    taken += 1
                    continue
                template, paragraph = plan
                if id(template) not in forms:
                    forms[id(template)] = pdfium.FPDF_NewXObjectFromPage(output.raw, template.document.raw, 0)
                self._page(
                    output, index, template, forms[id(template)], paragraph, letters[index], fonts, keep
                )
            for form in forms.values():
                pdfium.FPDF_CloseXObject(form)
            return keep
        finally:
            if fallback is not None:
                fallback.close()

    def _load_fonts(self, output, paragraphs: list[Paragraph], keep: list) -> dict[bool, Any]:
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (heavy: loaded on first use)

        fonts = {}
        for bold, face in ((False, self.regular), (True, self.bold)):
            text = "".join(paragraph.text[bold] for paragraph in paragraphs)
            if not text:
                continue
            data = face.subset(text)
            buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
            keep.append(buffer)
            fonts[bold] = pdfium.FPDFText_LoadFont(
                output.raw, buffer, len(data), pdfium.FPDF_FONT_TRUETYPE, 1
            )
        return fonts

    def _page(
        self, output, index, template: Template, form_xobject, paragraph: Paragraph, letter, fonts, keep
    ):
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (heavy: loaded on first use)

        page = pdfium.FPDFPage_New(output.raw, index, template.width, template.height)
        try:
            pdfium.FPDFPage_InsertObject(page, pdfium.FPDF_NewFormObjectFromXObject(form_xobject))
            size = self.measure["size"]
            for line in paragraph.lines:
                for run in line:
                    text_object = pdfium.FPDFPageObj_CreateTextObj(output.raw, fonts[run.bold], size)
                    wide = (run.text + "\0").encode("utf-16-le")
                    pdfium.FPDFText_SetText(
                        text_object, ctypes.cast(ctypes.c_char_p(wide), pdfium.FPDF_WIDESTRING)
                    )
                    pdfium.FPDFPageObj_Transform(
                        text_object, 1, 0, 0, 1, run.x, template.height - template.baselines[run.line]
                    )
                    pdfium.FPDFPage_InsertObject(page, text_object)
            if template.qr_box is not None:
                self._qr(output, page, template, letter.qr_token, keep)
            pdfium.FPDFPage_GenerateContent(page)
        finally:
            pdfium.FPDF_ClosePage(page)

    def _qr(self, output, page, template: Template, token: str, keep: list) -> None:
        import pypdfium2.raw as pdfium  # noqa: PLC0415 (heavy: loaded on first use)

        side, pixels = qr_pixels(token)
        buffer = ctypes.create_string_buffer(pixels, len(pixels))
        keep.append(buffer)
        bitmap = pdfium.FPDFBitmap_CreateEx(side, side, pdfium.FPDFBitmap_Gray, buffer, side)
        try:
            image = pdfium.FPDFPageObj_NewImageObj(output.raw)
            pdfium.FPDFImageObj_SetBitmap(None, 0, image, bitmap)
            left, top, width = template.qr_box
            pdfium.FPDFPageObj_Transform(image, width, 0, 0, width, left, template.height - top - width)
            pdfium.FPDFPage_InsertObject(page, image)
        finally:
            pdfium.FPDFBitmap_Destroy(bitmap)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_WHITE_DARK = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def qr_pixels(token: str) -> tuple[int, bytes]:
    """The token's QR code (error correction M, as notifications.documents.qr_data_uri) as gray
    pixels, one a module, with a two-module white border. zxing-cpp writes it in C++ (segno,
    pure Python, took four times as long as the rest of a letter); segno where it is missing."""
    border = 2
    try:
        import zxingcpp  # noqa: PLC0415 (optional: segno below)
    except ImportError:
        zxingcpp = None
    if zxingcpp is not None:
        code = zxingcpp.create_barcode(token, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        image = code.to_image(scale=1, add_quiet_zones=False)
        size = image.shape[0]
        pixels = bytes(memoryview(image))
        rows = [pixels[i * size : (i + 1) * size] for i in range(size)]
    else:
        import segno  # noqa: PLC0415 (loaded with the documents)

        from .documents import QR_MASK  # noqa: PLC0415 (documents import this module)

        rows = [
            bytes(row).translate(_WHITE_DARK) for row in segno.make(token, error="m", mask=QR_MASK).matrix
        ]
        size = len(rows)
    side = size + 2 * border
    blank = b"\xff" * side
    edge = b"\xff" * border
    return side, b"".join([blank] * border + [edge + row + edge for row in rows] + [blank] * border)


# ---------------------------------------------------------------- WeasyPrint's boxes


def _classes(box) -> str:
    element = getattr(box, "element", None)
    return (element.get("class") or "") if element is not None else ""


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _find(root, condition):
    return next((box for box in _walk(root) if condition(box)), None)


def _paragraph_boxes(document):
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415 (heavy: loaded on first use)

    block = _find(
        document.pages[0]._page_box,
        lambda box: isinstance(box, boxes.BlockBox) and "gm-invitee" in _classes(box),
    )
    if block is None:
        return None
    lines = [child for child in block.children if isinstance(child, boxes.LineBox)]
    if not lines or not all(_text_boxes(line) for line in lines):
        return None
    return block, lines


def _text_boxes(line) -> list:
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415 (heavy: loaded on first use)

    return [box for box in _walk(line) if isinstance(box, boxes.TextBox)]


def _same_lines(lines, paragraph: Paragraph) -> bool:
    """Do WeasyPrint's lines hold our text, each of its text boxes starting where we put its
    first character?"""
    if len(lines) != len(paragraph.lines):
        return False
    for line, ours in zip(lines, paragraph.positions, strict=True):
        text_boxes = _text_boxes(line)
        if "".join(box.text for box in text_boxes) != "".join(char for char, _ in ours):
            return False
        offset = 0
        for box in text_boxes:
            if box.text and abs(box.position_x * PT_PER_PX - ours[offset][1]) > CHECK_TOLERANCE:
                return False
            offset += len(box.text)
    return True


_presses: OrderedDict[str, LetterPress] = OrderedDict()
_presses_lock = threading.Lock()


def press_for(template_name: str, context: dict[str, Any]) -> LetterPress:
    """This process's press for a session's letters (the last few kept: a worker sends one
    session's invitations in many batches)."""
    key = repr(sorted((k, v) for k, v in context.items() if k != "letters")) + template_name
    with _presses_lock:
        press = _presses.get(key)
        if press is None:
            press = _presses[key] = LetterPress(template_name, context)
            while len(_presses) > 4:
                _presses.popitem(last=False)
        _presses.move_to_end(key)
        return press
