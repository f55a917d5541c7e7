"""A commune's code on the command line is read on the map of the session's plan."""

import io

from django.core.management import call_command

from directory.models import MapEra, PlaceKind

from ..factories import PlaceFactory
from .participant_data import make_session, person, xlsx_bytes


def test_import_command_reads_the_commune_code_on_the_plans_map(world, tmp_path):
    # The same code on today's map, for a commune sorted before the old one.
    province = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
    PlaceFactory(code="52-550-03", kind=PlaceKind.XA, name="An Nhơn", parent=province)
    session = make_session(world)
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx_bytes([person(1)]))
    out = io.StringIO()

    call_command(
        "import_participants", str(path), "--session", str(session.pk), "--commune", "52-550-03", stdout=out
    )

    assert out.getvalue().splitlines() == [
        "Dòng 2 [mới] Nguyễn Văn An",
        "Tổng 1 dòng — mới: 1, trùng: 0, cảnh báo: 0, lỗi: 0.",
        "Chỉ tiêu: 150; đã có: 0; thêm: 1.",
        "Chạy thử: chưa lưu gì. Thêm --commit để lưu.",
    ]
