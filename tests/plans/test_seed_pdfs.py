"""The printed PDF of each seed plan reproduces the seed's wording.

test_seed_texts.py compares the document's lines with the seed; this test reads the PDF
back with pdfplumber (what the leader actually signs) and compares its text with the seed,
clause by clause, with the same named allowances.
"""

import io
import json

import pdfplumber
import pytest

from plans.documents import render_plan
from plans.planfile import import_plan

from ..seedtext import compare
from .test_seed_texts import CASES, PLAN_FILES, SEED_TEXTS, THRESHOLD, directory  # noqa: F401

pytestmark = pytest.mark.skipif(not SEED_TEXTS.is_dir(), reason=f"seed texts not found in {SEED_TEXTS}")

# Printed lines of a justified 14 pt body hold about 75–90 characters; a line that long
# that does not end a sentence continues on the next line.
PDF_WRAP_WIDTH = 45
# Wider than a justified line's widest word space, narrower than a column gutter (pt).
GAP = 20


def _pdf_lines(case) -> list[str]:
    data = json.loads((PLAN_FILES / case.plan_file).read_text(encoding="utf-8"))
    plan = import_plan(data=data, keep_status=True)
    document = render_plan(plan)
    lines: list[str] = []
    with pdfplumber.open(io.BytesIO(document.content)) as pdf:
        for page in pdf.pages:
            lines += _segments(page)
    return lines


def _segments(page) -> list[str]:
    """Printed lines in reading order. Tables are read as tables (one line a row, cells
    joined); side-by-side blocks (header columns, Nơi nhận beside the signature) are split
    where a wide gap separates the words."""
    tables = page.find_tables()
    items: list[tuple[float, str]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            text = "\t".join(" ".join((cell or "").split()) for cell in cells)
            items.append((row.bbox[1], text))

    def in_table(word) -> bool:
        return any(
            t.bbox[0] <= word["x0"] and word["x1"] <= t.bbox[2] and t.bbox[1] <= word["top"] <= t.bbox[3]
            for t in tables
        )

    rows: dict[int, list[dict]] = {}
    for word in page.extract_words():
        if not in_table(word):
            rows.setdefault(round(word["bottom"]), []).append(word)
    for bottom, words in rows.items():
        words.sort(key=lambda w: w["x0"])
        segment = [words[0]["text"]]
        for before, word in zip(words, words[1:], strict=False):
            if word["x0"] - before["x1"] > GAP:
                items.append((bottom - 1, " ".join(segment)))
                segment = []
            segment.append(word["text"])
        items.append((bottom - 1, " ".join(segment)))
    return [text for _, text in sorted(items, key=lambda item: item[0])]


@pytest.mark.parametrize("case", CASES, ids=[case.plan_file.split("_")[0] for case in CASES])
def test_seed_pdf_text_reproduces_seed(directory, case):  # noqa: F811
    seed_text = (SEED_TEXTS / case.seed_file).read_text(encoding="utf-8")

    result = compare(seed_text, _pdf_lines(case), allowances=case.allowances, wrap_width=PDF_WRAP_WIDTH)

    assert result.score >= THRESHOLD, result.report()
