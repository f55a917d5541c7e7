"""What a plan still lacks before it can be submitted or issued.

A draft is what a clerk has so far: importing, saving and printing it never demand the parts
below (missing ones print as blanks, plans.rendering). The plan page lists them, and
submit_plan and issue_plan (plans.services.workflow) refuse a plan while any remains, with
one Vietnamese line per gap. The parts other apps keep (the sessions) name their own gaps
through plans.parts.
"""

from __future__ import annotations

from ..models import BlockKind, Plan
from ..parts import plan_parts


def plan_gaps(plan: Plan) -> list[str]:
    """One Vietnamese line per missing part, in the order the document prints them.

    Reads the plan's blocks, budget lines, sessions and recipients: none more when the plan
    comes from plans_with_parts (the plan page), a few queries otherwise. Writes nothing.
    """
    gaps = []
    if not plan.place_name.strip():
        gaps.append("Chưa có địa danh ghi ngày tháng.")
    if plan.year is None:
        gaps.append("Chưa có năm của kế hoạch.")
    if not plan.summary.strip():
        gaps.append("Chưa có trích yếu.")
    blocks = list(plan.blocks.all())
    sections = [b for b in blocks if b.parent_id is None]
    if not sections:
        gaps.append("Kế hoạch chưa có mục nội dung nào.")
    has_children = {b.parent_id for b in blocks if b.parent_id}
    for i, section in enumerate(sections, start=1):
        if section.id not in has_children:
            gaps.append(f"Mục {i} «{section.title}» chưa có nội dung.")
    kinds = {b.kind for b in blocks}
    if BlockKind.BUDGET in kinds and not plan.budget_lines.all():
        gaps.append("Mục kinh phí chưa có dòng kinh phí nào.")
    if BlockKind.SESSIONS_TABLE in kinds and not plan.sessions.all():
        gaps.append("Bảng thời gian, địa điểm chưa có phiên đối thoại nào.")
    for part in plan_parts():
        gaps += part.gaps(plan)
    if not plan.closing.strip():
        gaps.append("Chưa có câu kết.")
    if not plan.recipients.all():
        gaps.append("Chưa có nơi nhận.")
    if not plan.signer_title.strip():
        gaps.append("Chưa có chức vụ người ký.")
    if not plan.signer_name.strip():
        gaps.append("Chưa có người ký.")
    return gaps
