"""Single-letter PDFs written as bytes (the invitation e-mails' attachments, notifications.letter_press).

PDFium composes one *shell* letter for a batch: the session's laid-out page as a form, the two
fonts (the batch's subsets) and a QR code, saved once. Every letter of the batch is that file
with two objects written anew: the page's content (the form, then the person's paragraph, then
the code) and the code's image. The other objects (the laid-out page, its fonts, the batch's
fonts with their widths and ToUnicode maps) are copied as saved, so a letter costs its
paragraph's text operators, two small deflated streams and a cross-reference table, instead of
a PDFium page composed and saved.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass


class ShellError(ValueError):
    """The shell is not as PDFium saves a page (the caller saves each letter with PDFium)."""


def _number(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class Shell:
    head: bytes  # header and every object kept as saved
    offsets: dict[int, int]  # object number -> offset of the objects kept
    size: int  # the trailer's /Size
    trailer: bytes  # the trailer dictionary, as saved
    contents: int  # the page's content stream object
    image: int | None  # the QR code's image object (None: a letter without a code)
    prefix: bytes  # the content before the paragraph: the laid-out page drawn as a form
    fonts: dict[bool, bytes]  # bold -> the font's resource name in the page
    image_name: bytes

    @classmethod
    def parse(cls, data: bytes, *, image: bool) -> Shell:
        """Read a PDFium-saved one-page letter whose content draws the form, one text run in the
        regular font, one in the bold, and (``image``) the code."""
        try:
            start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
            table_end = data.index(b"trailer", start)
            trailer = data[table_end + 7 : data.index(b"startxref", table_end)].strip()
            offsets: dict[int, int] = {}
            lines = data[start:table_end].split()[1:]  # after "xref": subsections
            index = 0
            while index < len(lines):
                first, count = int(lines[index]), int(lines[index + 1])
                index += 2
                for number in range(first, first + count):
                    offset, _, kind = lines[index : index + 3]
                    index += 3
                    if kind == b"n":
                        offsets[number] = int(offset)
            size = int(re.search(rb"/Size (\d+)", trailer).group(1))
            page = _page_object(data, offsets)
            contents = int(re.search(rb"/Contents (\d+) 0 R", page).group(1))
            stream = zlib.decompress(_stream(_object(data, offsets, contents)))
            names = re.findall(rb"/(\w+) [\d.]+ Tf", stream)
            draws = re.findall(rb"/(\w+) Do", stream)
            if len(names) < 2 or not draws or (image and len(draws) < 2):
                raise ShellError("shell content")
            prefix = stream[: stream.index(b" Do Q\n") + 6]
            image_number = None
            if image:
                image_number = int(re.search(rb"/" + draws[1] + rb" (\d+) 0 R", page).group(1))
        except (ValueError, AttributeError, IndexError, zlib.error) as exc:
            raise ShellError(str(exc)) from exc
        dropped = {contents, image_number}
        kept = sorted((offset, number) for number, offset in offsets.items() if number not in dropped)
        ends = sorted(offsets.values()) + [start]
        chunks, new_offsets = [data[: ends[0]]], {}
        position = len(chunks[0])
        for offset, number in kept:
            end = next(value for value in ends if value > offset)
            chunks.append(data[offset:end])
            new_offsets[number] = position
            position += end - offset
        return cls(
            head=b"".join(chunks),
            offsets=new_offsets,
            size=size,
            trailer=trailer,
            contents=contents,
            image=image_number,
            prefix=prefix,
            fonts={False: names[0], True: names[1]},
            image_name=draws[1] if image else b"",
        )

    def letter(
        self, runs: list[tuple[bool, float, float, str]], size: float, qr: tuple[int, bytes, tuple] | None
    ) -> bytes:
        """This letter: ``runs`` (bold, x, y, glyph ids as hex) in points from the bottom left, and
        the code (side in pixels, gray pixels, (left, bottom, width) in points)."""
        parts = [self.prefix]
        font_size = _number(size)
        for bold, x, y, glyphs in runs:
            parts.append(
                f"BT /{self.fonts[bold].decode()} {font_size} Tf 1 0 0 1 {_number(x)} {_number(y)} Tm"
                f" <{glyphs}> Tj ET\n".encode("ascii")
            )
        if qr is not None and self.image is not None:
            _, _, (left, bottom, width) = qr
            parts.append(
                f"q {_number(width)} 0 0 {_number(width)} {_number(left)} {_number(bottom)} cm"
                f" /{self.image_name.decode()} Do Q\n".encode("ascii")
            )
        parts.append(b"Q\n")
        content = zlib.compress(b"".join(parts))
        out = [self.head]
        position = len(self.head)
        offsets = dict(self.offsets)
        body = b"%d 0 obj\r\n<</Filter/FlateDecode/Length %d>>stream\r\n" % (self.contents, len(content))
        offsets[self.contents] = position
        out += [body, content, b"\r\nendstream\r\nendobj\r\n"]
        position += len(body) + len(content) + 21
        if self.image is not None:
            side, pixels, _ = qr if qr is not None else (1, b"\xff", None)
            image = zlib.compress(pixels)
            body = (
                b"%d 0 obj\r\n<</BitsPerComponent 8/ColorSpace/DeviceGray/Filter/FlateDecode/Height %d"
                b"/Length %d/Subtype/Image/Type/XObject/Width %d>>stream\r\n"
                % (self.image, side, len(image), side)
            )
            offsets[self.image] = position
            out += [body, image, b"\r\nendstream\r\nendobj\r\n"]
            position += len(body) + len(image) + 21
        table = [b"xref\r\n0 %d\r\n0000000000 65535 f\r\n" % self.size]
        for number in range(1, self.size):
            offset = offsets.get(number)
            table.append(b"%010d 00000 n\r\n" % offset if offset is not None else b"0000000000 65535 f\r\n")
        out += table
        out.append(b"trailer\r\n%s\r\nstartxref\r\n%d\r\n%%%%EOF\r\n" % (self.trailer, position))
        return b"".join(out)


def _object(data: bytes, offsets: dict[int, int], number: int) -> bytes:
    offset = offsets[number]
    return data[offset : data.index(b"endobj", offset)]


def _page_object(data: bytes, offsets: dict[int, int]) -> bytes:
    for number in offsets:
        body = _object(data, offsets, number)
        if b"/Type/Page" in body and b"/Contents" in body and b"/Type/Pages" not in body:
            return body
    raise ShellError("no page")


def _stream(body: bytes) -> bytes:
    length = int(re.search(rb"/Length (\d+)", body).group(1))
    start = body.index(b"stream", body.index(b">>")) + 6
    start += 2 if body[start : start + 2] == b"\r\n" else 1
    return body[start : start + length]
