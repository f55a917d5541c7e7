"""Issue 15: a question list without its topic column, with control characters or in UTF-16 is
answered on the preview page, in Vietnamese, naming the row and the column; nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Question

from .feedback_data import HEADER, make_session, row, xlsx_bytes

pytestmark = pytest.mark.django_db

HINT = "(không nhìn thấy được, thường lẫn vào khi sao chép từ phần mềm khác)."


def upload(world, login, filename, content):
    session = make_session(world)
    client = login(world.users["commune_official"])
    upload = SimpleUploadedFile(filename, content)
    return client.post(reverse("feedback:question.upload", args=[session.pk]), {"file": upload})


def test_upload_question_list_without_topic_column_names_it_nothing_saved(world, login):
    without_topic = HEADER[:4]
    response = upload(world, login, "cau-hoi.xlsx", xlsx_bytes([row(1)[:4]], header=without_topic))

    assert response.status_code == 200
    assert response.context["report"].errors == [
        "Dòng tiêu đề (dòng 2) của tệp «cau-hoi.xlsx» thiếu cột «Lĩnh vực»; dòng tiêu đề cần có các cột "
        "«Nội dung câu hỏi», «Họ tên người hỏi», «Thôn, ấp», «Lĩnh vực»."
    ]
    assert response.context["token"] == ""
    assert Question.objects.count() == 0


def test_upload_question_list_without_optional_columns_previews_them_blank(world, login):
    header = ["Nội dung câu hỏi", "Lĩnh vực"]
    response = upload(
        world, login, "cau-hoi.xlsx", xlsx_bytes([["Vay vốn thế nào?", "Giảm nghèo"]], header=header)
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.errors, report.can_commit) == ([], True)
    assert report.rows[0].values == {
        "row_number": 3,
        "text": "Vay vốn thế nào?",
        "asker_name": "",
        "hamlet": "",
        "topic": "Giảm nghèo",
    }


def test_upload_question_csv_with_nul_is_refused_naming_row_and_column_nothing_saved(world, login):
    lines = [
        ",".join(HEADER),
        ",".join(map(str, row(1))),
        ",".join(map(str, row(2, **{"Thôn, ấp": "Lộc\x00Thượng"}))),
    ]
    response = upload(world, login, "cau-hoi.csv", "\r\n".join(lines).encode())

    assert response.status_code == 200
    assert response.context["report"].errors == [
        f"Dòng 3, cột «Thôn, ấp»: có ký tự điều khiển U+0000 {HINT} "
        "Hãy gõ lại nội dung ô đó trong tệp «cau-hoi.csv» rồi tải lên lại."
    ]
    assert response.context["token"] == ""
    assert Question.objects.count() == 0


def test_upload_question_csv_in_utf16_is_read(world, login):
    lines = ["\t".join(HEADER), "\t".join(map(str, row(1)))]
    response = upload(world, login, "cau-hoi.csv", "\r\n".join(lines).encode("utf-16"))

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.errors, report.can_commit) == ([], True)
    assert report.rows[0].values["text"] == "Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?"
