"""Issue 15: `import_questions FILE --session ID --commune CODE [--commit]`, beside
`import_participants`: the web upload's reader and report, printed row by row."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import UploadReceipt
from feedback.models import Question

from .feedback_data import make_session, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def write_list(tmp_path, rows):
    path = tmp_path / "cau-hoi.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def run(*args):
    out = io.StringIO()
    call_command("import_questions", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().splitlines()


def test_import_questions_dry_run_saves_nothing(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [row(1), row(2)])

    lines = run(path, "--session", session.pk, "--commune", "52-550-03")

    assert lines == [
        "Dòng 3 [mới] Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?",
        "Dòng 4 [mới] Câu hỏi số 2 về chính sách hỗ trợ hộ nghèo?",
        "Tổng 2 dòng — mới: 2, trùng: 0, lỗi: 0.",
        "Chạy thử: chưa lưu gì. Thêm --commit để lưu.",
    ]
    assert not Question.objects.exists()


def test_import_questions_commit_saves_once(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [row(1), row(2)])

    lines = run(path, "--session", session.pk, "--commune", "52-550-03", "--commit")
    again = run(path, "--session", session.pk, "--commune", "52-550-03", "--commit")

    assert lines[-1] == "Đã lưu 2 câu hỏi."
    assert Question.objects.filter(session=session, commune=world.commune).count() == 2
    assert UploadReceipt.objects.count() == 1
    assert again[-1] == "Không có câu hỏi mới nào để lưu."
    assert "Tổng 2 dòng — mới: 0, trùng: 2, lỗi: 0." in again


def test_import_questions_commit_as_user_checks_who_may(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [row(1)])

    with pytest.raises(CommandError, match="Chỉ cán bộ xã có tham dự phiên"):
        run(path, "--session", session.pk, "--commune", "52-550-03", "--commit", "--user", "canboxa2")
    lines = run(path, "--session", session.pk, "--commune", "52-550-03", "--commit", "--user", "canboxa")

    assert lines[-1] == "Đã lưu 1 câu hỏi."
    assert Question.objects.get().created_by.username == "canboxa"


def test_import_questions_file_errors_exit_nonzero_nothing_saved(world, tmp_path):
    session = make_session(world)
    path = write_list(tmp_path, [row(1, **{"Lĩnh vực": "Không có"})])
    out = io.StringIO()

    with pytest.raises(CommandError, match="Danh sách có lỗi; chưa lưu gì."):
        call_command(
            "import_questions",
            str(path),
            "--session",
            str(session.pk),
            "--commune",
            "52-550-03",
            "--commit",
            stdout=out,
        )

    assert "[lỗi]" in out.getvalue()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--session", "999999", "--commune", "52-550-03"], "Không có phiên số 999999."),
        (["--commune", "00-000"], "Không có xã mã «00-000» trong danh mục địa bàn."),
    ],
)
def test_import_questions_unknown_session_or_commune(world, tmp_path, args, message):
    session = make_session(world)
    path = write_list(tmp_path, [row(1)])
    if "--session" not in args:
        args = ["--session", session.pk, *args]

    with pytest.raises(CommandError, match=message):
        run(path, *args)
