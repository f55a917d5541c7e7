"""The letter's fonts for placing text without WeasyPrint (notifications.letter_press).

The same font files WeasyPrint prints the letters with (fontconfig's choice for the stylesheet's
"Times New Roman": Tinos on Debian), reduced once per process to the Vietnamese repertoire without
hinting, with their advance widths and pair kerning (GPOS ``kern``, as HarfBuzz applies it for
Pango) for measuring, and a cheap per-letter subset: every glyph keeps its number, the outlines
a letter does not use are emptied, so a letter carries a few kilobytes of font instead of sixteen.
"""

from __future__ import annotations

import io
import logging
import struct
import subprocess
from functools import cache

# What a Vietnamese name, hamlet or commune is written with; anything else goes to WeasyPrint.
REPERTOIRE = (
    "".join(chr(code) for code in range(0x20, 0x7F))
    + "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(code) for code in range(0x1EA0, 0x1EFA))
    + "–—‘’“”…"
)


# fontTools reports every table it prunes at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class Face:
    """One font file (regular or bold) reduced to ``REPERTOIRE``: metrics and per-letter subsets."""

    def __init__(self, path: str):
        from fontTools import subset  # noqa: PLC0415 (heavy: loaded only where letters are placed)
        from fontTools.ttLib import TTFont  # noqa: PLC0415 (as above)

        font = TTFont(path)
        self.postscript_name = font["name"].getDebugName(6) or ""
        options = subset.Options()
        options.hinting = False
        options.layout_features = ["kern"]
        options.name_IDs = [1, 2, 3, 4, 6]
        options.notdef_outline = True
        options.glyph_names = False
        options.drop_tables += ["DSIG", "GSUB", "gasp"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=REPERTOIRE)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        font = TTFont(io.BytesIO(buffer.getvalue()))
        self.units_per_em = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        order = font.getGlyphOrder()
        self.gid = {char: order.index(name) for char, name in ((chr(c), n) for c, n in self.cmap.items())}
        metrics = font["hmtx"].metrics
        self.advance = {char: metrics[self.cmap[ord(char)]][0] for char in self.gid}
        self._kerning = _pair_kerning(font)
        self._name_of = {char: self.cmap[ord(char)] for char in self.gid}
        self._glyphs, self._components, self._tables = _split_glyf(font, buffer.getvalue())
        self.ascent = font["hhea"].ascent

    def covers(self, text: str) -> bool:
        return all(char in self.gid for char in text)

    def kern(self, left: str, right: str) -> int:
        """Pair adjustment in font units (0 when the pair is not kerned)."""
        return self._kerning(self._name_of[left], self._name_of[right])

    def subset(self, text: str) -> bytes:
        """The font with only the outlines ``text`` needs (glyph numbers kept, the rest empty)."""
        wanted = {0}
        for char in set(text):
            gid = self.gid.get(char)
            if gid is not None:
                wanted.add(gid)
                wanted.update(self._components[gid])
        return _assemble(self._tables, self._glyphs, wanted)


@cache
def faces() -> tuple[Face, Face]:
    """(regular, bold): the files fontconfig gives the stylesheet's first family, as Pango does."""
    return Face(_font_file("Times New Roman")), Face(_font_file("Times New Roman:bold"))


def _font_file(pattern: str) -> str:
    return subprocess.run(
        ["fc-match", "-f", "%{file}", pattern], check=True, capture_output=True, text=True
    ).stdout.strip()


def _pair_kerning(font):
    """A function (left glyph name, right glyph name) -> the summed x-advance adjustment of the
    ``kern`` lookups (PairPos formats 1 and 2, through Extension lookups), as HarfBuzz applies them."""
    if "GPOS" not in font:
        return lambda left, right: 0
    table = font["GPOS"].table
    lookups = sorted(
        {
            index
            for record in table.FeatureList.FeatureRecord
            if record.FeatureTag == "kern"
            for index in record.Feature.LookupListIndex
        }
    )
    subtables = []
    for index in lookups:
        lookup = table.LookupList.Lookup[index]
        chain = []
        for subtable in lookup.SubTable:
            if lookup.LookupType == 9:
                subtable = subtable.ExtSubTable
            if getattr(subtable, "LookupType", 2) != 2:
                continue
            coverage = set(subtable.Coverage.glyphs)
            if subtable.Format == 1:
                pairs = {}
                for first, pair_set in zip(subtable.Coverage.glyphs, subtable.PairSet, strict=True):
                    for record in pair_set.PairValueRecord:
                        value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        pairs[(first, record.SecondGlyph)] = value or 0
                chain.append((1, coverage, pairs))
            else:
                first = subtable.ClassDef1.classDefs if subtable.ClassDef1 else {}
                second = subtable.ClassDef2.classDefs if subtable.ClassDef2 else {}
                chain.append((2, coverage, (first, second, subtable.Class1Record)))
        subtables.append(chain)
    cache_: dict[tuple[str, str], int] = {}

    def kern(left: str, right: str) -> int:
        key = (left, right)
        if key in cache_:
            return cache_[key]
        total = 0
        for chain in subtables:
            for fmt, coverage, data in chain:
                if left not in coverage:
                    continue
                if fmt == 1:
                    if key not in data:
                        continue  # the next subtable of the lookup may have the pair
                    total += data[key]
                else:
                    first, second, records = data
                    value = records[first.get(left, 0)].Class2Record[second.get(right, 0)].Value1
                    total += (getattr(value, "XAdvance", 0) or 0) if value else 0
                break  # one subtable of a lookup applies
        cache_[key] = total
        return total

    return kern


def _split_glyf(font, data: bytes):
    """The raw outline of each glyph, the glyphs each composite needs, and the other tables raw."""
    glyf_table = font["glyf"]
    order = font.getGlyphOrder()
    components: dict[int, set[int]] = {}
    for gid, name in enumerate(order):
        needed, todo = set(), [name]
        while todo:
            glyph = glyf_table[todo.pop()]
            if glyph.isComposite():
                for component in glyph.components:
                    component_gid = order.index(component.glyphName)
                    if component_gid not in needed:
                        needed.add(component_gid)
                        todo.append(component.glyphName)
        components[gid] = needed
    tables = _read_tables(data)
    head = tables["head"]
    long_loca = struct.unpack(">h", head[50:52])[0] == 1
    loca = tables["loca"]
    count = len(order)
    if long_loca:
        offsets = struct.unpack(f">{count + 1}I", loca[: 4 * (count + 1)])
    else:
        offsets = [2 * value for value in struct.unpack(f">{count + 1}H", loca[: 2 * (count + 1)])]
    glyf = tables["glyf"]
    glyphs = [glyf[offsets[i] : offsets[i + 1]] for i in range(count)]
    # Long offsets from now on: the per-letter tables are written with them.
    tables["head"] = head[:50] + struct.pack(">h", 1) + head[52:]
    return glyphs, components, tables


def _read_tables(data: bytes) -> dict[str, bytes]:
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * index : 28 + 16 * index])
        tables[tag.decode("latin-1")] = data[offset : offset + length]
    return tables


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _assemble(tables: dict[str, bytes], glyphs: list[bytes], wanted: set[int]) -> bytes:
    glyf, offsets, position = [], [], 0
    for gid, outline in enumerate(glyphs):
        offsets.append(position)
        if gid in wanted and outline:
            outline += b"\0" * (-len(outline) % 4)
            glyf.append(outline)
            position += len(outline)
    offsets.append(position)
    content = dict(tables)
    content["glyf"] = b"".join(glyf)
    content["loca"] = struct.pack(f">{len(offsets)}I", *offsets)
    content["head"] = content["head"][:8] + b"\0\0\0\0" + content["head"][12:]  # checkSumAdjustment
    tags = sorted(content)
    header = struct.pack(">IHHHH", 0x00010000, len(tags), 0, 0, 0)
    directory, body, offset = [], [], 12 + 16 * len(tags)
    for tag in tags:
        table = content[tag]
        directory.append(struct.pack(">4sIII", tag.encode("latin-1"), _checksum(table), offset, len(table)))
        table += b"\0" * (-len(table) % 4)
        body.append(table)
        offset += len(table)
    font = header + b"".join(directory) + b"".join(body)
    adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
    head_offset = 12 + 16 * len(tags) + sum(len(b) for tag, b in zip(tags, body, strict=True) if tag < "head")
    return font[: head_offset + 8] + struct.pack(">I", adjustment) + font[head_offset + 12 :]
