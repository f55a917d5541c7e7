"""The signature block never stands alone on the last page: it keeps the plan's last lines
(issue 16). Plans whose body ends at every point of a page are printed and read back."""

from __future__ import annotations

import copy

import pytest
from django.db import transaction

from plans.documents import render_plan
from plans.planfile import import_plan

from ..pdfcheck import body_lines, open_pdf
from .test_plan_pdf import DRAFT_PLAN, _bullet, _create_places

pytestmark = pytest.mark.django_db

FILLER = "Các xã, thị trấn tổ chức tuyên truyền sâu rộng kế hoạch đến từng thôn, khu phố và hộ gia đình."


def _printed_pages(fillers: int):
    data = copy.deepcopy(DRAFT_PLAN)
    data["blocks"][-1]["children"] += [_bullet(FILLER) for _ in range(fillers)]
    with transaction.atomic():
        plan = import_plan(data=data, keep_status=True)
        pdf = open_pdf(render_plan(plan).content)
        transaction.set_rollback(True)
    return [[line.text for line in body_lines(page)] for page in pdf.pages]


def test_signature_page_also_holds_the_end_of_the_body():
    _create_places()
    alone = []
    # With 11 to 14 fillers the body ended at a page's foot and the signature stood alone.
    for fillers in range(9, 16):
        pages = _printed_pages(fillers)
        last = pages[-1]
        start = last.index("Nơi nhận:")
        # The closing paragraph ends the body with "./."; it sits above the signature block.
        if not any(line.endswith("./.") for line in last[:start]):
            alone.append(fillers)
    assert alone == []
