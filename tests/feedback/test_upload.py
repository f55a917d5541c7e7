import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.spreadsheets import SpreadsheetError
from feedback.models import Channel, Question
from feedback.services import FeedbackError
from feedback.services.upload import (
    MAX_QUESTION_ROWS,
    import_questions,
    preview_questions,
    read_question_rows,
)

from .feedback_data import HEADER, make_session, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_import_questions_saves_every_row(world):
    session = make_session(world)
    content = xlsx_bytes([row(1), row(2, **{"Họ tên người hỏi": "", "Lĩnh vực": "bảo hiểm y tế"})])
    report = import_questions(
        user=world.users["commune_official"],
        session=session,
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=content,
    )
    assert (report.committed, report.saved) == (True, 2)
    saved = list(
        Question.objects.order_by("row_number").values_list("row_number", "topic__code", "anonymous")
    )
    assert saved == [(3, "giam-ngheo", False), (4, "bao-hiem-y-te", True)]
    assert set(Question.objects.values_list("channel", "commune", "asker_hamlet")) == {
        (Channel.BEFORE_SESSION, world.commune.pk, world.hamlet.pk)
    }


def test_import_questions_unknown_topic_refused_row_by_row_nothing_saved(world):
    session = make_session(world)
    content = xlsx_bytes([row(1), row(2, **{"Lĩnh vực": "Thủy lợi"}), row(3, **{"Nội dung câu hỏi": ""})])
    report = import_questions(
        user=world.users["commune_official"],
        session=session,
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=content,
    )
    assert report.committed is False
    assert [r.errors for r in report.rows] == [
        [],
        [
            "Dòng 4, cột «Lĩnh vực»: «Thủy lợi» không có trong danh mục lĩnh vực; chọn một trong: "
            "Giảm nghèo, Việc làm, Tín dụng chính sách, Bảo hiểm y tế, Nhà ở, Đất đai, Đào tạo nghề, "
            "Giáo dục, Nước sạch, Khác."
        ],
        ["Dòng 5, cột «Nội dung câu hỏi»: chưa điền."],
    ]
    assert Question.objects.count() == 0


def test_preview_questions_for_session_of_another_commune_refused_every_row(world):
    session = make_session(world)
    report = preview_questions(
        session=session,
        commune=world.other_commune,
        filename="cau-hoi.xlsx",
        content=xlsx_bytes([row(1, **{"Thôn, ấp": "Quảng Tín"})]),
    )
    assert report.can_commit is False
    assert report.rows[0].errors == [
        "Dòng 3: phiên «Hội trường UBND xã Phước Hòa» thuộc xã khác, không phải phiên của xã Phước An."
    ]


def test_import_questions_by_official_of_another_commune_refused(world):
    session = make_session(world)
    with pytest.raises(FeedbackError):
        import_questions(
            user=world.users["other_commune_official"],
            session=session,
            commune=world.other_commune,
            filename="cau-hoi.xlsx",
            content=xlsx_bytes([row(1)]),
        )
    assert Question.objects.count() == 0


def test_preview_questions_without_header_explains(world):
    report = preview_questions(
        session=make_session(world),
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=xlsx_bytes([row(1)], header=["a", "b", "c", "d", "e"]),
    )
    assert report.errors == [
        "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của tệp «cau-hoi.xlsx»; dòng tiêu đề cần có các cột "
        "«Nội dung câu hỏi», «Họ tên người hỏi», «Thôn, ấp», «Lĩnh vực»."
    ]


def test_preview_questions_broken_file_explains(world):
    report = preview_questions(
        session=make_session(world),
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=b"PK\x03\x04broken",
    )
    assert report.errors == ["Tệp «cau-hoi.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."]


def test_upload_preview_then_confirm_through_pages(world, login):
    session = make_session(world)
    client = login(world.users["commune_official"])
    upload = SimpleUploadedFile("cau-hoi.xlsx", xlsx_bytes([row(1), row(2)]))
    response = client.post(reverse("feedback:question.upload", args=[session.pk]), {"file": upload})
    assert response.status_code == 200
    token = response.context["token"]
    assert token != ""
    assert Question.objects.count() == 0
    response = client.post(reverse("feedback:question.confirm", args=[session.pk]), {"token": token})
    assert response.status_code == 302
    assert Question.objects.filter(session=session, commune=world.commune).count() == 2


HOW_TCVN3 = (
    "Cách chuyển sang Unicode: mở tệp bằng Excel, chọn các ô có chữ rồi sao chép (Ctrl+C); bật Unikey, "
    "mở Công cụ chuyển mã (Ctrl+Shift+F6), chọn Nguồn «TCVN3 (ABC)», Đích «Unicode» (Unicode dựng sẵn), "
    "bấm «Chuyển mã»; dán lại (Ctrl+V) vào các ô đó, đổi phông chữ sang Times New Roman, lưu tệp rồi "
    "tải lên lại."
)
CELL_TCVN3 = "được gõ bằng bảng mã TCVN3 (ABC), không phải Unicode; hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã)."
CELL_VNI = "được gõ bằng bảng mã VNI, không phải Unicode; hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã)."


def test_import_questions_tcvn3_text_refused_naming_row_and_column_nothing_saved(world):
    session = make_session(world)
    content = xlsx_bytes(
        [
            row(1),
            row(
                2,
                **{
                    "Nội dung câu hỏi": "Hé nghÌo ®­îc vay vèn kh«ng?",
                    "Họ tên người hỏi": "NguyÔn V¨n B×nh",
                    "Thôn, ấp": "Léc Th\xadîng",
                },
            ),
        ]
    )
    report = import_questions(
        user=world.users["commune_official"],
        session=session,
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=content,
    )
    assert report.committed is False
    assert report.rows[0].errors == []
    assert report.rows[1].errors == [
        f"Dòng 4, cột «Nội dung câu hỏi»: «Hé nghÌo ®\xadîc vay vèn kh«ng?» {CELL_TCVN3}",
        f"Dòng 4, cột «Họ tên người hỏi»: «NguyÔn V¨n B×nh» {CELL_TCVN3}",
        f"Dòng 4, cột «Thôn, ấp»: «Léc Th\xadîng» {CELL_TCVN3}",
    ]
    assert report.errors == [f"Tệp có chữ gõ bằng bảng mã TCVN3 (ABC). {HOW_TCVN3}"]
    assert Question.objects.count() == 0


def test_import_questions_vni_topic_refused_without_unknown_topic_error(world):
    session = make_session(world)
    content = xlsx_bytes([row(1, **{"Lĩnh vực": "Giaûm ngheøo", "Họ tên người hỏi": "Nguyeãn Vaên Bình"})])
    report = import_questions(
        user=world.users["commune_official"],
        session=session,
        commune=world.commune,
        filename="cau-hoi.xlsx",
        content=content,
    )
    assert report.committed is False
    assert report.rows[0].errors == [
        f"Dòng 3, cột «Họ tên người hỏi»: «Nguyeãn Vaên Bình» {CELL_VNI}",
        f"Dòng 3, cột «Lĩnh vực»: «Giaûm ngheøo» {CELL_VNI}",
    ]
    assert report.errors[0].startswith("Tệp có chữ gõ bằng bảng mã VNI. Cách chuyển sang Unicode:")
    assert "chọn Nguồn «VNI Windows», Đích «Unicode» (Unicode dựng sẵn)" in report.errors[0]
    assert Question.objects.count() == 0


def test_preview_questions_tcvn3_csv_bytes_names_encoding_row_and_column(world):
    # A CSV saved on a machine still typing TCVN3: one byte per letter, not UTF-8.
    lines = [
        "Noi dung cau hoi;Ho ten nguoi hoi;Thon;Linh vuc",
        "Hé nghÌo ®\xadîc vay vèn kh«ng?;NguyÔn V¨n B×nh;;Giam ngheo",
    ]
    content = "\r\n".join(lines).encode("latin-1")
    report = preview_questions(
        session=make_session(world), commune=world.commune, filename="cau-hoi.csv", content=content
    )
    assert report.errors == [
        "Tệp «cau-hoi.csv» dùng bảng mã TCVN3 (ABC), không phải Unicode (ví dụ dòng 2, cột "
        f"«Nội dung câu hỏi»: «Hé nghÌo ®\xadîc vay vèn kh«ng?»). {HOW_TCVN3}"
    ]
    assert Question.objects.count() == 0


def test_upload_page_tcvn3_file_shows_message_and_no_token(world, login):
    session = make_session(world)
    client = login(world.users["commune_official"])
    upload = SimpleUploadedFile(
        "cau-hoi.xlsx", xlsx_bytes([row(1, **{"Họ tên người hỏi": "NguyÔn V¨n B×nh"})])
    )
    response = client.post(reverse("feedback:question.upload", args=[session.pk]), {"file": upload})
    assert response.status_code == 200
    assert response.context["token"] == ""
    assert response.context["report"].errors == [f"Tệp có chữ gõ bằng bảng mã TCVN3 (ABC). {HOW_TCVN3}"]
    assert response.context["report"].rows[0].errors == [
        f"Dòng 3, cột «Họ tên người hỏi»: «NguyÔn V¨n B×nh» {CELL_TCVN3}"
    ]
    assert Question.objects.count() == 0


def test_read_question_rows_malformed_csv_is_refused_in_vietnamese():
    content = ("Nội dung câu hỏi,Lĩnh vực\n" + "x" * 140_000 + ",Việc làm\n").encode()
    with pytest.raises(SpreadsheetError) as error:
        read_question_rows(filename="cau-hoi.csv", content=content)
    assert error.value.message == (
        "Tệp «cau-hoi.csv» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng)."
    )


def test_preview_questions_reads_the_first_sheet_with_a_header(world):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Hướng dẫn: điền câu hỏi ở trang «Câu hỏi»."])
    sheet = workbook.create_sheet("Câu hỏi")
    sheet.append(HEADER)
    sheet.append(row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = preview_questions(
        session=make_session(world), commune=world.commune, filename="cau-hoi.xlsx", content=buffer.getvalue()
    )
    assert (report.errors, [r.number for r in report.rows], report.can_commit) == ([], [2], True)
    assert report.rows[0].topic.code == "giam-ngheo"


def test_preview_questions_accepts_tab_separated_csv(world):
    lines = ["\t".join(HEADER[1:]), "\t".join(row(1)[1:])]
    report = preview_questions(
        session=make_session(world),
        commune=world.commune,
        filename="cau-hoi.csv",
        content="\r\n".join(lines).encode("utf-8-sig"),
    )
    assert (report.errors, report.can_commit) == ([], True)
    assert report.rows[0].values == {
        "row_number": 2,
        "text": "Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?",
        "asker_name": "Trần Thị Bích",
        "hamlet": "Lộc Thượng",
        "topic": "Giảm nghèo",
    }


def test_read_question_rows_stops_at_the_row_cap_before_reading_the_rest():
    # A broken line after the cap: the reader refuses the file for its size without reaching it.
    lines = [",".join(HEADER[1:]), *(f"Câu hỏi {n},,,Giảm nghèo" for n in range(MAX_QUESTION_ROWS + 1))]
    content = "\n".join([*lines, '"' + "x" * 140_000]).encode()
    with pytest.raises(SpreadsheetError) as error:
        read_question_rows(filename="cau-hoi.csv", content=content)
    assert error.value.message == "Tệp «cau-hoi.csv» có hơn 2000 câu hỏi; hãy chia thành nhiều tệp."
