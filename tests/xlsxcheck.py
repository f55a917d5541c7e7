"""Read an exported workbook back for the formula checks (issue 15, item 2).

Shared by the tests of every export: the strings a spreadsheet program could take for a formula,
what openpyxl reads back for each, and the formulas a workbook actually holds.
"""

from __future__ import annotations

import io
import re
import zipfile

# What an attacker types into a name, question, venue or answer.
FORMULA_PAYLOADS = ('=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1")


def read_back(value: str) -> str:
    """`value` as openpyxl reads it back: XML turns a raw carriage return into a line feed."""
    return value.replace("\r", "\n")


def formulas(content: bytes) -> list[str]:
    """The formulas (``<f>`` elements) in every sheet of an .xlsx."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            formula
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for formula in re.findall(r"<f[ >].*?</f>", archive.read(name).decode())
        ]


def as_text(cell) -> tuple:
    """What a data cell must be: its value, stored as a string, marked to stay text in Excel."""
    return (cell.value, cell.data_type, cell.quotePrefix)
