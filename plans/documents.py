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

from .models import Plan, PlanStatus
from .rendering import PlanDocument, build_document, load_plan_for_document

TEMPLATE = "plans/document/plan.html"


def plan_filename(plan: Plan) -> str:
    """The file name: KH-UBND-22-2024.pdf once numbered, du-thao-KH-UBND-7.pdf for a draft."""
    symbol = re.sub(r"[^A-Za-z0-9]+", "-", strip_accents(plan.symbol)).strip("-") or "KH"
    if plan.number:
        year = plan.issued_on.year if plan.issued_on else plan.year
        return f"{symbol}-{plan.number:02d}-{year}.pdf"
    return f"du-thao-{symbol}-{plan.pk}.pdf"


def plan_context(document: PlanDocument, *, draft: bool = False) -> dict[str, Any]:
    """What templates/documents/base.html and plans/document/plan.html expect.

    ``draft`` prints "DỰ THẢO" at the top of every page (static/css/nd30.css, page "draft").
    """
    return skeleton_context(
        document,
        preamble_html=[markup(paragraph) for paragraph in document.preamble],
        closing_html=markup(document.closing),
        draft_mark=draft,
    )


def is_draft_document(plan: Plan) -> bool:
    """Every plan not yet issued prints as a draft: a draft, one waiting for approval, and an
    approved one too (approval is not issuing: it has no number or date yet and may still be
    returned). Only the issued plan, the document of record, prints without the mark."""
    return plan.status != PlanStatus.ISSUED


def _document(plan: Plan) -> tuple[Plan, PlanDocument]:
    # Reload with everything the document prints: the query count does not grow with the plan.
    loaded = load_plan_for_document(plan.pk)
    return loaded, build_document(loaded)


def render_plan_html(plan: Plan, *, standalone: bool = False) -> str:
    """The plan as HTML; ``standalone`` inlines the stylesheet (for a file opened in a browser)."""
    loaded, document = _document(plan)
    context = plan_context(document, draft=is_draft_document(loaded))
    return render_html(TEMPLATE, context, standalone=standalone)


def render_plan(plan: Plan) -> Document:
    """The plan as a PDF ``Document``. Reads the database only; writes nothing."""
    loaded, document = _document(plan)
    context = plan_context(document, draft=is_draft_document(loaded))
    return Document(plan_filename(loaded), PDF_CONTENT_TYPE, render_pdf(TEMPLATE, context))
