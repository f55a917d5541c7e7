"""Vietnamese text typed in the pre-Unicode encodings TCVN3 (ABC) and VNI, and how to convert it.

Spreadsheets from older machines still carry text typed with TCVN3 or VNI fonts: the cells hold
Latin-1 letters ("NguyÔn", "Nguyeãn") that only look Vietnamese in those fonts. Uploads refuse
such text with the row, the column and the Unikey steps to convert it, rather than saving
names nobody can search or print.
"""

from __future__ import annotations

import re

__all__ = ["VIET_LETTERS", "encoding_name", "how_to_convert", "legacy_cell_message", "legacy_scores"]

VIET_LOWER = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
VIET_LETTERS = frozenset(VIET_LOWER + VIET_LOWER.upper())
# Latin-1 letters and signs that Vietnamese never uses; TCVN3 and VNI fonts draw their letters there.
_LEGACY_CHARS = frozenset(chr(code) for code in range(0xA1, 0x100)) - VIET_LETTERS
_LEGACY_RE = re.compile("[" + re.escape("".join(sorted(_LEGACY_CHARS))) + "]")
# VNI writes a base letter followed by a mark: "Nguyeãn" (Nguyễn), "Vaên" (Văn), "Phöôùc" (Phước).
_VNI_RE = re.compile(
    "[aAeE][áàåãäâêÁÀÅÃÄÂÊ]|[aA][éèúüëÉÈÚÜË]|[oO][âåäÂÅÄ]|[aeiouyôöAEIOUYÔÖ][ùøûõïÙØÛÕÏ]|[ñÑöÖ]"
)
# TCVN3 draws many lowercase letters with uppercase Latin-1 code points: "NguyÔn" (Nguyễn).
_TCVN3_CASE_RE = re.compile(f"(?<=[a-z{VIET_LOWER}])[ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]")


def legacy_scores(text: str) -> tuple[int, int]:
    """How much `text` looks like TCVN3 (ABC) and like VNI text: (tcvn3, vni); (0, 0) if neither."""
    if text.isascii():
        return 0, 0
    vni = len(_VNI_RE.findall(text))
    rest = _VNI_RE.sub(" ", text) if vni else text
    tcvn = len(_LEGACY_RE.findall(rest)) + len(_TCVN3_CASE_RE.findall(rest))
    return tcvn, vni


def encoding_name(tcvn: int, vni: int) -> str:
    """The name users know the encoding by, from the summed scores of `legacy_scores`."""
    return "VNI" if vni > tcvn else "TCVN3 (ABC)"


def legacy_cell_message(text: str, encoding: str) -> str:
    """What is wrong with one cell (the caller puts the row and the column in front)."""
    return (
        f"«{text}» được gõ bằng bảng mã {encoding}, không phải Unicode; hãy chuyển mã sang "
        "Unicode dựng sẵn (Unikey → Công cụ chuyển mã)."
    )


def how_to_convert(encoding: str) -> str:
    """The Unikey steps that turn the file's cells into Unicode."""
    source = "VNI Windows" if encoding == "VNI" else "TCVN3 (ABC)"
    return (
        "Cách chuyển sang Unicode: mở tệp bằng Excel, chọn các ô có chữ rồi sao chép (Ctrl+C); "
        "bật Unikey, mở Công cụ chuyển mã (Ctrl+Shift+F6), chọn Nguồn «"
        f"{source}», Đích «Unicode» (Unicode dựng sẵn), bấm «Chuyển mã»; dán lại (Ctrl+V) vào các ô đó, "
        "đổi phông chữ sang Times New Roman, lưu tệp rồi tải lên lại."
    )
