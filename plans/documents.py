"""The printed plan (Kế hoạch, KH-UBND) through the shared PDF pipeline (core.pdf).

plans.rendering words every line; this module only names the file and hands the lines to
templates/plans/document/plan.html.
"""

from __future__ import annotations

import re
from typing import Any

from core.documents import markup, skeleton_context
from core.pdf import PDF_CONTENT_TYPE, Document, render_html, render_pdf
from core.vietnamese import strip_accents

from .models import Plan
from .rendering import PlanDocument, build_document, load_plan_for_document

TEMPLATE = "plans/document/plan.html"


def plan_filename(plan: Plan) -> str:
    """The file name: KH-UBND-22-2024.pdf once numbered, du-thao-KH-UBND-7.pdf for a draft."""
    symbol = re.sub(r"[^A-Za-z0-9]+", "-", strip_accents(plan.symbol)).strip("-") or "KH"
    if plan.number:
        year = plan.issued_on.year if plan.issued_on else plan.year
        return f"{symbol}-{plan.number:02d}-{year}.pdf"
    return f"du-thao-{symbol}-{plan.pk}.pdf"


def plan_context(document: PlanDocument) -> dict[str, Any]:
    """What templates/documents/base.html and plans/document/plan.html expect."""
    return skeleton_context(
        document,
        preamble_html=[markup(paragraph) for paragraph in document.preamble],
        closing_html=markup(document.closing),
    )


def _document(plan: Plan) -> tuple[Plan, PlanDocument]:
    # Reload with everything the document prints: the query count does not grow with the plan.
    loaded = load_plan_for_document(plan.pk)
    return loaded, build_document(loaded)


def render_plan_html(plan: Plan, *, standalone: bool = False) -> str:
    """The plan as HTML; ``standalone`` inlines the stylesheet (for a file opened in a browser)."""
    _, document = _document(plan)
    return render_html(TEMPLATE, plan_context(document), standalone=standalone)


def render_plan(plan: Plan) -> Document:
    """The plan as a PDF ``Document``. Reads the database only; writes nothing."""
    loaded, document = _document(plan)
    return Document(plan_filename(loaded), PDF_CONTENT_TYPE, render_pdf(TEMPLATE, plan_context(document)))
