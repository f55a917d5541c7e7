"""Wording that follows the issuer's level. The standard wording of each kind of plan was
written for a district (seed 000: "UBND huyện", "Phòng Lao động - TB&XH huyện"); a plan of a
commune or a province of today's map, which has no district, must never say "huyện"."""

from __future__ import annotations

import re

from directory.models import MapEra, Place, PlaceLevel

_HUYEN = re.compile(r"\b(cấp )?([Hh])uyện\b")
_PARTY = re.compile(r"\b[Hh]uyện ủy\b")

# Since 1 July 2025 the labour and social affairs work of a province is the Sở Nội vụ's, of a
# commune the Phòng Văn hóa - Xã hội's.
_LABOUR_OFFICE = re.compile(r"Phòng Lao động - (?:TB&XH|Thương binh và Xã hội)")
_LABOUR_DEPARTMENT = re.compile(r"Sở Lao động - (?:TB&XH|Thương binh và Xã hội)")
_COMMUNE_PLAN_WORDS = (
    ("UBND xã, thị trấn nơi", "UBND xã nơi"),
    ("Lãnh đạo UBND xã, thị trấn", "Trưởng các thôn, tổ dân phố"),
    ("UBND các xã, thị trấn", "Trưởng các thôn, tổ dân phố"),
    ("các xã, thị trấn", "các thôn, tổ dân phố"),
    ("Cấp xã", "Cấp thôn, tổ dân phố"),
)
LABOUR_OFFICE_FROM_2025 = {PlaceLevel.PROVINCE: "Sở Nội vụ", PlaceLevel.COMMUNE: "Phòng Văn hóa - Xã hội"}


def fit_text(text: str, issuer: Place) -> str:
    """`text` written for a district, said of `issuer`: "huyện" becomes its kind ("xã", "tỉnh"),
    and on today's map the labour office becomes the one of its level. A district keeps it."""
    if not text or issuer.level == PlaceLevel.DISTRICT:
        return text
    kind = issuer.kind_label

    def level_word(match: re.Match) -> str:
        word = kind if match.group(2) == "h" else f"{kind[:1].upper()}{kind[1:]}"
        return f"cấp {word}" if match.group(1) else word

    province = issuer.level == PlaceLevel.PROVINCE
    text = _PARTY.sub("Tỉnh ủy" if province else f"Đảng ủy {kind}", text)
    text = text.replace("TT HU", "TT TU" if province else "TT ĐU")
    if issuer.level == PlaceLevel.COMMUNE:
        # A commune's plan reaches its hamlets, not the communes below a district: the level
        # below becomes the hamlets' before the district's words become the commune's.
        for old, new in _COMMUNE_PLAN_WORDS:
            text = text.replace(old, new)
    text = _HUYEN.sub(level_word, text)
    if issuer.era == MapEra.FROM_2025:
        text = text.replace("xã, thị trấn", "xã, phường")  # no thị trấn since 1 July 2025
        office = LABOUR_OFFICE_FROM_2025.get(PlaceLevel(issuer.level))
        if office:
            text = _LABOUR_OFFICE.sub(office, text)
            text = _LABOUR_DEPARTMENT.sub("Sở Nội vụ", text)
    return text


def fit_plan_data(data: dict, issuer: Place) -> dict:
    """A plan-file dict's wording (summary, preamble, closing, blocks) said of `issuer`."""
    for key in ("summary", "preamble", "closing", "signer_title"):
        if data.get(key):
            data[key] = fit_text(data[key], issuer)

    def walk(blocks):
        for block in blocks:
            for key in ("title", "text"):
                if block.get(key):
                    block[key] = fit_text(block[key], issuer)
            walk(block.get("children", []))

    walk(data.get("blocks", []))
    for key, field in (("recipients", "name"), ("budget_lines", "source"), ("legal_bases", "title")):
        for item in data.get(key) or []:
            if item.get(field):
                item[field] = fit_text(item[field], issuer)
    return data
