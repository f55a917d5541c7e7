"""The one way to read a plan with all its parts, for every page or file that shows them whole."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Plan, PlanBlock
from .parts import plan_parts


def plans_with_parts() -> QuerySet[Plan]:
    """Plans with the issuer joined and every part prefetched: legal bases, blocks (with their
    unit), budget lines, recipients, appendices with their rows, and what the parts other apps
    keep prefetch (plans.parts: the sessions with host commune, cluster communes, bridge points,
    target categories, invited units, composition and quotas with their place).

    Used by the plan page and editor (`selectors.plan_for_page`), the printed document
    (`rendering.load_plan_for_document`) and the plan file (`planfile.export_plan`), so a
    plan reads in a fixed number of queries whatever its size.
    """
    return Plan.objects.select_related("issuer").prefetch_related(
        "legal_bases",
        "budget_lines",
        "recipients",
        "appendices__rows",
        Prefetch("blocks", queryset=PlanBlock.objects.select_related("unit")),
        *(lookup for part in plan_parts() for lookup in part.prefetch()),
    )
