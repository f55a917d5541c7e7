"""`python manage.py render_plan (ID | --all) --out-dir DIR [--html]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from directory.models import PlaceKind
from plans.planfile import import_plan

from ..factories import PlaceFactory
from ..pdfcheck import find_line, open_pdf, text_lines


def _plan_data(**changes) -> dict:
    data = {
        "file": "dialogue-plan",
        "version": 1,
        "issuer": "52-550",
        "kind": "other",
        "year": 2024,
        "summary": "Tổ chức hội nghị đối thoại với Nhân dân năm 2024",
        "draft_month": 5,
        "place_name": "Tuy Phước",
        "blocks": [
            {
                "kind": "section",
                "title": "Mục đích, yêu cầu",
                "children": [{"kind": "paragraph", "text": "Lắng nghe ý kiến, kiến nghị của Nhân dân."}],
            }
        ],
        "closing": "Trên đây là Kế hoạch tổ chức hội nghị đối thoại năm 2024",
        "recipients": [{"name": "UBND các xã, thị trấn", "suffix": ""}],
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Văn An",
    }
    data.update(changes)
    return data


@pytest.fixture
def plans(db):
    province = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    PlaceFactory(code="52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=province)
    draft = import_plan(data=_plan_data())
    issued = import_plan(
        data=_plan_data(number=7, issued_on="2024-02-05", draft_month=None, status="issued"),
        keep_status=True,
    )
    return draft, issued


def _run(*args) -> str:
    out = io.StringIO()
    call_command("render_plan", *args, stdout=out)
    return out.getvalue()


def test_render_plan_command_with_id_writes_that_plan(plans, tmp_path):
    draft, _ = plans
    output = _run(str(draft.pk), "--out-dir", str(tmp_path))
    path = tmp_path / f"du-thao-KH-UBND-{draft.pk}.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert output.splitlines() == [f"Đã ghi {path}", f"Đã in 1 kế hoạch vào {tmp_path}."]
    lines = text_lines(open_pdf(path.read_bytes()).pages[0])
    assert find_line(lines, "KẾ HOẠCH").bold
    assert find_line(lines, "Tuy Phước, ngày tháng 5 năm 2024").italic


def test_render_plan_command_all_writes_one_pdf_per_plan(plans, tmp_path):
    draft, _ = plans
    out_dir = tmp_path / "ke-hoach"
    _run("--all", "--out-dir", str(out_dir))
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [f"du-thao-KH-UBND-{draft.pk}.pdf", "KH-UBND-07-2024.pdf"]
    )
    issued_lines = text_lines(open_pdf((out_dir / "KH-UBND-07-2024.pdf").read_bytes()).pages[0])
    assert find_line(issued_lines, "Số: 07/KH-UBND").size == 13
    assert find_line(issued_lines, "Tuy Phước, ngày 05 tháng 02 năm 2024").italic


def test_render_plan_command_html_writes_standalone_html_beside_pdf(plans, tmp_path):
    _, issued = plans
    output = _run(str(issued.pk), "--out-dir", str(tmp_path), "--html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["KH-UBND-07-2024.html", "KH-UBND-07-2024.pdf"]
    assert f"Đã ghi {tmp_path / 'KH-UBND-07-2024.html'}" in output.splitlines()
    html = (tmp_path / "KH-UBND-07-2024.html").read_text(encoding="utf-8")
    # The stylesheet is inlined so the file opens on its own in a browser.
    assert "<style>" in html
    assert "@page" in html
    assert "Số: 07/KH-UBND" in html


def test_render_plan_command_missing_id_raises_vietnamese_error(plans, tmp_path):
    with pytest.raises(CommandError) as error:
        _run("999999", "--out-dir", str(tmp_path))
    assert str(error.value) == "Không có kế hoạch mã số 999999."
    assert list(tmp_path.iterdir()) == []


def test_render_plan_command_needs_id_or_all_not_both(plans, tmp_path):
    draft, _ = plans
    message = "Hãy ghi mã số một kế hoạch hoặc dùng --all (không dùng cả hai)."
    with pytest.raises(CommandError, match=r"^Hãy ghi mã số"):
        _run("--out-dir", str(tmp_path))
    with pytest.raises(CommandError) as error:
        _run(str(draft.pk), "--all", "--out-dir", str(tmp_path))
    assert str(error.value) == message
