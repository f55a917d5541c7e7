import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import UploadReceipt
from sessions.models import Participant

from .participant_data import make_session, person, xlsx_bytes


def write_list(tmp_path, rows):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def run(*args):
    out = io.StringIO()
    call_command("import_participants", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().splitlines()


def test_import_command_dry_run_saves_nothing(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [person(1), person(2, **{"Số CCCD": "215123456"})])

    lines = run(path, "--session", session.pk, "--commune", "52-550-03")

    assert lines == [
        "Dòng 2 [mới] Nguyễn Văn An",
        "Dòng 3 [cảnh báo] Nguyễn Văn An 2 — Dòng 3, cột «Số CCCD»: «215123456» là số CMND cũ (9 chữ số); "
        "nên ghi số CCCD 12 chữ số.",
        "Tổng 2 dòng — mới: 1, trùng: 0, cảnh báo: 1, lỗi: 0.",
        "Chỉ tiêu: 150; đã có: 0; thêm: 2.",
        "Chạy thử: chưa lưu gì. Thêm --commit để lưu.",
    ]
    assert Participant.objects.count() == 0


def test_import_command_commit_saves(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [person(1), person(2)])

    lines = run(path, "--session", session.pk, "--commune", "52-550-03", "--commit", "--user", "canboxa")

    assert lines[-1] == "Đã lưu 2 người."
    assert list(Participant.objects.values_list("imported_by__username", flat=True)) == ["canboxa", "canboxa"]


def test_import_command_same_file_twice_says_so_and_saves_nothing_new(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [person(1, **{"Năm sinh": None, "Số CCCD": None})])
    run(path, "--session", session.pk, "--commune", "52-550-03", "--commit")
    when = timezone.localtime(UploadReceipt.objects.get().imported_at)

    lines = run(path, "--session", session.pk, "--commune", "52-550-03", "--commit")

    assert lines == [
        "Dòng 2 [trùng] Nguyễn Văn An — Dòng 2, cột «Họ và tên»: «Nguyễn Văn An», thôn Lộc Thượng đã có "
        "trong danh sách phiên này (đã nhập từ chính tệp này).",
        f"Tệp này đã được nhập lúc {when:%H:%M ngày %d/%m/%Y} bởi lệnh quản trị (tệp «danh-sach.xlsx»).",
        "Tổng 1 dòng — mới: 0, trùng: 1, cảnh báo: 0, lỗi: 0.",
        "Chỉ tiêu: 150; đã có: 1; thêm: 0.",
        "Không có người mới nào để lưu.",
    ]
    assert Participant.objects.count() == 1


def test_import_command_replace_reports_removed_rows(world, tmp_path):
    session = make_session(world)
    run(
        write_list(tmp_path, [person(1), person(2)]),
        "--session",
        session.pk,
        "--commune",
        "52-550-03",
        "--commit",
    )

    lines = run(
        write_list(tmp_path, [person(3)]),
        "--session",
        session.pk,
        "--commune",
        "52-550-03",
        "--commit",
        "--replace",
    )

    assert lines[-1] == "Đã lưu 1 người: giữ 0 người đã có, thêm 1 người mới, bỏ 2 người của danh sách cũ."
    assert list(Participant.objects.values_list("national_id", flat=True)) == ["052085000003"]


def test_import_command_error_row_exits_nonzero_and_saves_nothing(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [person(1), person(2, **{"Năm sinh": 19850})])
    out = io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command(
            "import_participants", str(path), "--session", str(session.pk), "--commune", "52-550-03", "--commit",
            stdout=out,
        )  # fmt: skip

    assert str(exc.value) == "Danh sách có lỗi; chưa lưu gì. Hãy sửa tệp rồi chạy lại."
    assert out.getvalue().splitlines() == [
        "Dòng 2 [mới] Nguyễn Văn An",
        "Dòng 3 [lỗi] Nguyễn Văn An 2 — Dòng 3, cột «Năm sinh»: «19850» không phải năm sinh hợp lệ.",
        "Tổng 2 dòng — mới: 1, trùng: 0, cảnh báo: 0, lỗi: 1.",
        "Chỉ tiêu: 150; đã có: 0; thêm: 1.",
    ]
    assert Participant.objects.count() == 0


def test_import_command_file_error_exits_nonzero(world, tmp_path):
    session = make_session(world)
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_participants", str(path), "--session", str(session.pk), "--commune", "52-550-03",
                     stdout=out)  # fmt: skip

    assert out.getvalue().splitlines() == [
        "Tệp «rong.csv» rỗng, không có dữ liệu.",
        "Tổng 0 dòng — mới: 0, trùng: 0, cảnh báo: 0, lỗi: 0.",
    ]


def test_import_command_unknown_commune_is_error(world, tmp_path):
    session = make_session(world)

    with pytest.raises(CommandError) as exc:
        run(write_list(tmp_path, [person(1)]), "--session", session.pk, "--commune", "52-550")

    assert str(exc.value) == "Không có xã mã «52-550» trong danh mục địa bàn."


def test_import_command_unknown_session_is_error(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        run(write_list(tmp_path, [person(1)]), "--session", 999999, "--commune", "52-550-03")

    assert str(exc.value) == "Không có phiên số 999999."
