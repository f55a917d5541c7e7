import io
import unicodedata

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.spreadsheets import SpreadsheetError
from directory.models import PlaceKind
from sessions.models import Participant, ParticipantCategory, Quota
from sessions.participants.reading import read_rows
from sessions.participants.services import import_participants, preview_participants
from sessions.participants.workbook import export_participants_xlsx

from ..factories import PlaceFactory
from ..xlsxcheck import FORMULA_PAYLOADS, as_text, formulas, read_back
from .participant_data import HEADER, csv_text, make_session, people, person, xlsx_bytes

CATEGORY_NAMES = (
    "Hộ nghèo, Hộ cận nghèo, Hộ mới thoát nghèo, Hộ mới thoát cận nghèo, "
    "Hội viên Hội Nông dân, Hội viên Hội LHPN, Khác"
)


def run_import(world, session, rows, *, filename="danh-sach.xlsx", content=None, replace=False):
    return import_participants(
        session=session,
        commune=world.commune,
        filename=filename,
        content=content if content is not None else xlsx_bytes(rows),
        user=world.users["commune_official"],
        replace=replace,
    )


def cp1258(text: str) -> bytes:
    """Windows-1258 keeps "ê", "ơ", "đ" as letters but writes the tones as separate marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        marks = "".join(mark for mark in parts if mark in tones)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + marks)
    return "".join(out).encode("cp1258")


def statuses(report) -> list[str]:
    return [row.status for row in report.rows]


def test_import_valid_list_saves_every_row(world):
    session = make_session(world)
    rows = [
        person(1, **{"Số điện thoại": "+84 912.345.678", "Email": "an@example.vn"}),
        person(2, **{"Loại hộ": "Hội viên Hội Nông dân", "Năm sinh": None, "Số điện thoại": None}),
    ]

    report = run_import(world, session, rows)

    assert report.committed is True
    assert report.saved == 2
    assert report.counts == {"new": 2, "duplicate": 0, "warning": 0, "error": 0}
    assert report.summary == "Tổng 2 dòng — mới: 2, trùng: 0, cảnh báo: 0, lỗi: 0."
    saved = list(
        Participant.objects.order_by("row_number").values_list(
            "row_number",
            "full_name",
            "birth_year",
            "hamlet__name",
            "category__code",
            "phone",
            "national_id",
            "email",
            "commune__code",
            "imported_by__username",
        )
    )
    assert saved == [
        (2, "Nguyễn Văn An", 1985, "Lộc Thượng", "ho-ngheo", "0912345678", "052085000001", "an@example.vn",
         "52-550-03", "canboxa"),
        (3, "Nguyễn Văn An 2", None, "Lộc Thượng", "hoi-vien-nong-dan", "", "052085000002", "", "52-550-03",
         "canboxa"),
    ]  # fmt: skip


def test_import_error_in_one_row_saves_nothing(world):
    session = make_session(world)

    report = run_import(world, session, [person(1), person(2, **{"Họ và tên": None}), person(3)])

    assert report.can_commit is False
    assert report.committed is False
    assert statuses(report) == ["new", "error", "new"]
    assert Participant.objects.count() == 0


def test_import_missing_full_name_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Họ và tên": "  "})])

    assert report.rows[0].messages == ["Dòng 2, cột «Họ và tên»: chưa điền."]
    assert Participant.objects.count() == 0


def test_import_missing_category_and_hamlet_are_errors(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Loại hộ": None, "Thôn, ấp": ""})])

    assert report.rows[0].messages == [
        "Dòng 2, cột «Thôn, ấp»: chưa điền.",
        "Dòng 2, cột «Loại hộ»: chưa điền.",
    ]
    assert Participant.objects.count() == 0


def test_import_unknown_category_lists_accepted_names(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Loại hộ": "Hộ khá"})])

    assert report.rows[0].messages == [
        f"Dòng 2, cột «Loại hộ»: «Hộ khá» không có trong danh mục; chọn một trong: {CATEGORY_NAMES}."
    ]
    assert Participant.objects.count() == 0


def test_import_category_without_accents_is_accepted(world):
    session = make_session(world)
    rows = [person(1, **{"Loại hộ": "ho ngheo"}), person(2, **{"Loại hộ": "HỘ CẬN NGHÈO"})]

    report = run_import(world, session, rows)

    assert statuses(report) == ["new", "new"]
    assert list(Participant.objects.order_by("row_number").values_list("category__name", flat=True)) == [
        "Hộ nghèo",
        "Hộ cận nghèo",
    ]


def test_import_hamlet_of_other_commune_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Thôn, ấp": "Quảng Tín"})])

    assert report.rows[0].messages == [
        "Dòng 2, cột «Thôn, ấp»: «Quảng Tín» không phải thôn, ấp của xã Phước Hòa; "
        "các thôn, ấp của xã: Lộc Thượng."
    ]
    assert Participant.objects.count() == 0


def test_import_hamlet_written_with_kind_is_accepted(world):
    session = make_session(world)
    rows = [person(1, **{"Thôn, ấp": "thôn Lộc Thượng"}), person(2, **{"Thôn, ấp": "loc thuong"})]

    report = run_import(world, session, rows)

    assert statuses(report) == ["new", "new"]
    assert Participant.objects.filter(hamlet=world.hamlet).count() == 2


def test_import_implausible_birth_year_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Năm sinh": 19850}), person(2, **{"Năm sinh": "abc"})])

    assert [row.messages for row in report.rows] == [
        ["Dòng 2, cột «Năm sinh»: «19850» không phải năm sinh hợp lệ."],
        ["Dòng 3, cột «Năm sinh»: «abc» không phải năm sinh hợp lệ."],
    ]
    assert Participant.objects.count() == 0


def test_import_birth_year_under_16_is_error(world):
    session = make_session(world)
    year = timezone.localdate().year - 10

    report = run_import(world, session, [person(1, **{"Năm sinh": year})])

    assert report.rows[0].messages == [
        f"Dòng 2, cột «Năm sinh»: người sinh năm {year} mới 10 tuổi, chưa đủ 16 tuổi để tham dự."
    ]
    assert Participant.objects.count() == 0


def test_import_bad_phone_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Số điện thoại": "0912-345"})])

    assert report.rows[0].messages == [
        "Dòng 2, cột «Số điện thoại»: «0912-345» không phải số điện thoại hợp lệ; ghi số di động "
        "10 chữ số (09…, 03…) hoặc số cố định 11 chữ số kèm mã vùng (02…), có thể ghi kèm mã nước +84."
    ]
    assert Participant.objects.count() == 0


def test_import_phone_typed_as_number_gets_its_zero_back(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Số điện thoại": 912345678, "Số CCCD": 52085000001})])

    # The CCCD's zero is put back too, but with a warning: a number cell lost it (issue 14, point 5).
    assert statuses(report) == ["warning"]
    assert report.rows[0].messages == [
        "Dòng 2, cột «Số CCCD»: ô kiểu số «52085000001» đã mất số 0 ở đầu; đã ghi lại là số CCCD "
        "«052085000001». Hãy kiểm tra lại và định dạng cột là Văn bản (Text)."
    ]
    assert list(Participant.objects.values_list("phone", "national_id")) == [("0912345678", "052085000001")]


def test_import_bad_national_id_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Số CCCD": "05208500001X"})])

    assert report.rows[0].messages == [
        "Dòng 2, cột «Số CCCD»: «05208500001X» không phải số CCCD hợp lệ (phải đủ 12 chữ số)."
    ]
    assert Participant.objects.count() == 0


def test_import_old_nine_digit_id_is_warning(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, **{"Số CCCD": "215123456"})])

    assert report.rows[0].status == "warning"
    assert report.rows[0].messages == [
        "Dòng 2, cột «Số CCCD»: «215123456» là số CMND cũ (9 chữ số); nên ghi số CCCD 12 chữ số."
    ]
    assert list(Participant.objects.values_list("national_id", flat=True)) == ["215123456"]


def test_import_bad_email_is_error(world):
    session = make_session(world)

    report = run_import(world, session, [person(1, Email="an@@example")])

    assert report.rows[0].messages == ["Dòng 2, cột «Email»: «an@@example» không phải địa chỉ email hợp lệ."]
    assert Participant.objects.count() == 0


def test_import_duplicate_in_file_is_skipped(world):
    session = make_session(world)
    rows = [
        person(1),
        person(2, **{"Số CCCD": "052085000001"}),
        person(3, **{"Họ và tên": "Nguyễn Văn An", "Số CCCD": None}),
    ]
    # The same person again under the same CCCD (another person's name is an error: see
    # test_participant_identity.py).
    rows[1][1] = "Nguyễn Văn An"

    report = run_import(world, session, rows)

    assert statuses(report) == ["new", "duplicate", "duplicate"]
    assert [row.messages for row in report.rows[1:]] == [
        ["Dòng 3, cột «Số CCCD»: «052085000001» trùng với dòng 2."],
        ["Dòng 4, cột «Họ và tên»: «Nguyễn Văn An», sinh năm 1985, thôn Lộc Thượng trùng với dòng 2."],
    ]
    assert report.saved == 1
    assert list(Participant.objects.values_list("row_number", flat=True)) == [2]


def test_import_duplicate_across_sessions_of_plan(world):
    first = make_session(world, venue="Hội trường thôn Lộc Thượng")
    run_import(world, first, [person(1), person(2)])
    second = make_session(world, plan=first.plan)
    rows = [person(1), person(2, **{"Số CCCD": None, "Họ và tên": "nguyen van an 2"})]

    report = run_import(world, second, rows)

    assert report.rows[0].messages == [
        "Dòng 2, cột «Số CCCD»: «052085000001» đã có trong danh sách phiên «Hội trường thôn Lộc Thượng» "
        "(xã Phước Hòa)."
    ]
    assert report.rows[1].messages == [
        "Dòng 3, cột «Họ và tên»: «nguyen van an 2», sinh năm 1985, thôn Lộc Thượng đã có trong danh sách "
        "phiên «Hội trường thôn Lộc Thượng» (xã Phước Hòa)."
    ]
    assert report.can_commit is False
    assert Participant.objects.count() == 2


def test_import_same_person_in_another_plan_is_new(world):
    run_import(world, make_session(world), [person(1)])

    report = run_import(world, make_session(world), [person(1)])

    assert statuses(report) == ["new"]
    assert Participant.objects.count() == 2


def test_import_over_quota_is_refused_with_numbers(world):
    session = make_session(world, quota=150)

    report = run_import(world, session, people(160))

    assert report.errors == [
        "Danh sách có 160 người, vượt chỉ tiêu 150 người của xã Phước Hòa cho phiên này (đã có 0)."
    ]
    assert report.counts == {"new": 160, "duplicate": 0, "warning": 0, "error": 0}
    assert report.can_commit is False
    assert Participant.objects.count() == 0


def test_import_over_quota_counts_people_already_listed(world):
    session = make_session(world, quota=3)
    run_import(world, session, people(2))

    report = run_import(world, session, [person(3), person(4)])

    assert report.errors == [
        "Danh sách có 2 người, vượt chỉ tiêu 3 người của xã Phước Hòa cho phiên này (đã có 2)."
    ]
    assert Participant.objects.count() == 2


def test_import_quota_is_sum_of_hamlet_quotas(world):
    session = make_session(world, quota=None)
    Quota.objects.create(session=session, place=world.hamlet, count=2)

    report = run_import(world, session, people(3))

    assert report.quota == 2
    assert report.errors == [
        "Danh sách có 3 người, vượt chỉ tiêu 2 người của xã Phước Hòa cho phiên này (đã có 0)."
    ]
    assert Participant.objects.count() == 0


def test_import_commune_without_quota_is_refused(world):
    session = make_session(world, quota=None)

    report = run_import(world, session, [person(1)])

    assert report.errors == ["Phiên này chưa giao chỉ tiêu cho xã Phước Hòa; chưa thể nhận danh sách của xã."]
    assert Participant.objects.count() == 0


def test_import_tcvn3_text_is_error(world):
    session = make_session(world)
    rows = [person(1), person(2, **{"Họ và tên": "NguyÔn V¨n B×nh", "Thôn, ấp": "Léc Th\xadîng"})]

    report = run_import(world, session, rows)

    assert report.rows[1].messages == [
        "Dòng 3, cột «Họ và tên»: «NguyÔn V¨n B×nh» được gõ bằng bảng mã TCVN3 (ABC), không phải Unicode; "
        "hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã).",
        "Dòng 3, cột «Thôn, ấp»: «Léc Th\xadîng» được gõ bằng bảng mã TCVN3 (ABC), không phải Unicode; "
        "hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã).",
    ]
    assert report.errors == [
        "Tệp có chữ gõ bằng bảng mã TCVN3 (ABC). Cách chuyển sang Unicode: mở tệp bằng Excel, chọn các ô "
        "có chữ rồi sao chép (Ctrl+C); bật Unikey, mở Công cụ chuyển mã (Ctrl+Shift+F6), chọn Nguồn "
        "«TCVN3 (ABC)», Đích «Unicode» (Unicode dựng sẵn), bấm «Chuyển mã»; dán lại (Ctrl+V) vào các ô đó, "
        "đổi phông chữ sang Times New Roman, lưu tệp rồi tải lên lại."
    ]
    assert Participant.objects.count() == 0


def test_import_vni_text_is_error(world):
    session = make_session(world)
    rows = [person(1, **{"Họ và tên": "Nguyeãn Vaên Bình", "Loại hộ": "Hoä ngheøo"})]

    report = run_import(world, session, rows)

    assert report.rows[0].messages == [
        "Dòng 2, cột «Họ và tên»: «Nguyeãn Vaên Bình» được gõ bằng bảng mã VNI, không phải Unicode; "
        "hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã).",
        "Dòng 2, cột «Loại hộ»: «Hoä ngheøo» được gõ bằng bảng mã VNI, không phải Unicode; "
        "hãy chuyển mã sang Unicode dựng sẵn (Unikey → Công cụ chuyển mã).",
    ]
    assert report.errors[0].startswith("Tệp có chữ gõ bằng bảng mã VNI. Cách chuyển sang Unicode:")
    assert "chọn Nguồn «VNI Windows», Đích «Unicode» (Unicode dựng sẵn)" in report.errors[0]
    assert Participant.objects.count() == 0


def test_import_tcvn3_csv_bytes_name_encoding_and_cell(world):
    session = make_session(world)
    # A CSV saved by a machine still typing TCVN3: one byte per letter, not UTF-8.
    text = csv_text([person(1, **{"Họ và tên": "NguyÔn V¨n An", "Thôn, ấp": "Léc Th\xadîng", "Loại hộ": "Hé nghÌo"})],
                    header=["STT", "Ho va ten", "Nam sinh", "Thon", "Loai ho", "SDT", "CCCD", "Email"])  # fmt: skip

    report = run_import(world, session, None, filename="ds.csv", content=text.encode("latin-1"))

    assert report.rows == []
    assert report.errors == [
        "Tệp «ds.csv» dùng bảng mã TCVN3 (ABC), không phải Unicode (ví dụ dòng 2, cột «Họ và tên»: "
        "«NguyÔn V¨n An»). Cách chuyển sang Unicode: mở tệp bằng Excel, chọn các ô có chữ rồi sao chép "
        "(Ctrl+C); bật Unikey, mở Công cụ chuyển mã (Ctrl+Shift+F6), chọn Nguồn «TCVN3 (ABC)», Đích "
        "«Unicode» (Unicode dựng sẵn), bấm «Chuyển mã»; dán lại (Ctrl+V) vào các ô đó, đổi phông chữ sang "
        "Times New Roman, lưu tệp rồi tải lên lại."
    ]
    assert Participant.objects.count() == 0


def test_import_windows_1258_csv_asks_for_utf8(world):
    session = make_session(world)
    content = cp1258(csv_text([person(1)]))

    report = run_import(world, session, None, filename="ds.csv", content=content)

    assert report.errors == [
        "Tệp «ds.csv» dùng bảng mã Windows-1258, không phải Unicode (UTF-8). Hãy mở tệp bằng Excel, chọn "
        "Tệp → Lưu thành → «CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» rồi tải lên lại."
    ]
    assert Participant.objects.count() == 0


def test_import_other_non_utf8_csv_asks_for_utf8(world):
    session = make_session(world)
    header = ["STT", "Ho ten", "Nam sinh", "Thon", "Loai ho", "SDT", "CCCD", "Email"]
    row = [
        1,
        "Nguyen Van An",
        1985,
        "Loc Thuong",
        "Ho ngheo",
        "0912345678",
        "052085000001",
        "josé@example.vn",
    ]
    content = csv_text([row], header=header).encode("cp1252")

    report = run_import(world, session, None, filename="ds.csv", content=content)

    assert report.errors == [
        "Tệp «ds.csv» không dùng bảng mã Unicode (UTF-8). Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → "
        "«CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» rồi tải lên lại."
    ]
    assert Participant.objects.count() == 0


def test_preview_formula_cell_kept_as_text_and_not_evaluated(world):
    session = make_session(world)
    formula = '=HYPERLINK("http://example.com","Nguyễn Văn An")'
    content = xlsx_bytes([person(1, **{"Họ và tên": formula, "Năm sinh": "=2024-39"})])

    report = preview_participants(
        session=session, commune=world.commune, filename="ds.xlsx", content=content, user=None
    )

    row = report.rows[0]
    assert row.full_name == formula
    assert row.messages == [
        "Dòng 2, cột «Năm sinh»: «=2024-39» không phải năm sinh hợp lệ.",
        f"Dòng 2, cột «Họ và tên»: ô chứa công thức «{formula}»; công thức được giữ nguyên là chữ, "
        "không được tính.",
        "Dòng 2, cột «Năm sinh»: ô chứa công thức «=2024-39»; công thức được giữ nguyên là chữ, "
        "không được tính.",
    ]
    assert Participant.objects.count() == 0


def test_import_formula_name_is_saved_as_text(world):
    session = make_session(world)
    formula = "=1+1"

    report = run_import(world, session, [person(1, **{"Họ và tên": formula})])

    assert statuses(report) == ["warning"]
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["=1+1"]


def test_read_rows_header_variants(world):
    header = ["TT", "Họ tên", "Ngày sinh", "Ấp", "Đối tượng", "SĐT", "CMND/CCCD", "Thư điện tử"]
    content = xlsx_bytes([[1, "Lê Thị Hoa", 1970, "Lộc Thượng", "Khác", "0256 3831 234", "052170000009", ""]],
                         header=header)  # fmt: skip

    rows = read_rows(filename="ds.xlsx", content=content)

    assert rows == [
        {
            "row_number": 2,
            "full_name": "Lê Thị Hoa",
            "birth_year": 1970,
            "hamlet": "Lộc Thượng",
            "category": "Khác",
            "phone": "0256 3831 234",
            "national_id": "052170000009",
            "email": None,
        }
    ]


@pytest.mark.parametrize(
    "labels",
    [
        ["Ho ten", "Nam sinh", "Thon, ap", "Loai ho", "So dien thoai", "So CCCD", "E-mail"],
        ["HỌ VÀ TÊN (*)", "Năm sinh", "Khóm", "Loại hộ", "Điện thoại", "CCCD", "Email"],
        ["Họ và tên", "Năm sinh", "Tổ dân phố", "Loại hộ", "SĐT", "Số CCCD", "Email"],
        ["Họ và tên", "Năm sinh", "Thôn", "Loại hộ", "Số điện thoại", "Số CMND/CCCD", "Email"],
    ],
)
def test_read_rows_header_variants_map_to_fields(world, labels):
    content = csv_text([["Lê Thị Hoa", "1970", "Lộc Thượng", "Khác", "0912345678", "052170000009", "a@b.vn"]],
                       header=labels).encode()  # fmt: skip

    rows = read_rows(filename="ds.csv", content=content)

    assert list(rows[0]) == [
        "row_number",
        "full_name",
        "birth_year",
        "hamlet",
        "category",
        "phone",
        "national_id",
        "email",
    ]


def test_read_rows_header_below_title_rows(world):
    content = xlsx_bytes(
        [person(1)],
        titles=["UBND XÃ PHƯỚC HÒA", "DANH SÁCH NGƯỜI DÂN THAM DỰ ĐỐI THOẠI", None, "Phiên tháng 4/2024"],
    )

    rows = read_rows(filename="ds.xlsx", content=content)

    assert [(row["row_number"], row["full_name"]) for row in rows] == [(6, "Nguyễn Văn An")]


def test_import_csv_with_bom(world):
    session = make_session(world)
    content = ("\ufeff" + csv_text([person(1), person(2)])).encode("utf-8")

    report = run_import(world, session, None, filename="danh sach.csv", content=content)

    assert statuses(report) == ["new", "new"]
    assert list(Participant.objects.order_by("row_number").values_list("row_number", "full_name")) == [
        (2, "Nguyễn Văn An"),
        (3, "Nguyễn Văn An 2"),
    ]


def test_import_csv_with_semicolons_without_bom(world):
    session = make_session(world)
    content = csv_text([person(1)]).replace(",", ";").encode("utf-8")

    report = run_import(world, session, None, filename="ds.CSV", content=content)

    assert report.saved == 1


def test_import_malformed_xlsx_is_clear_error(world):
    session = make_session(world)

    report = run_import(world, session, None, filename="ds.xlsx", content=b"PK\x03\x04 this is not a zip")

    assert report.errors == [
        "Tệp «ds.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng. Hãy mở tệp bằng Excel và "
        "lưu lại dưới dạng «Sổ làm việc Excel (*.xlsx)», hoặc dùng tệp mẫu."
    ]
    assert report.rows == []
    assert report.can_commit is False
    assert Participant.objects.count() == 0


def test_import_text_named_xlsx_is_clear_error(world):
    session = make_session(world)

    report = run_import(world, session, None, filename="ds.xlsx", content=b"Ho ten,Nam sinh\nAn,1985\n")

    assert report.errors == [
        "Tệp «ds.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng. Hãy mở tệp bằng Excel và "
        "lưu lại dưới dạng «Sổ làm việc Excel (*.xlsx)», hoặc dùng tệp mẫu."
    ]
    assert Participant.objects.count() == 0


def test_import_empty_file_is_clear_error(world):
    session = make_session(world)

    report = run_import(world, session, None, filename="ds.xlsx", content=b"")

    assert report.errors == ["Tệp «ds.xlsx» rỗng, không có dữ liệu."]
    assert Participant.objects.count() == 0


def test_import_header_only_is_clear_error(world):
    session = make_session(world)

    report = run_import(world, session, [])

    assert report.errors == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]
    assert Participant.objects.count() == 0


def test_import_other_format_is_clear_error(world):
    session = make_session(world)

    report = run_import(world, session, None, filename="ds.xls", content=b"\xd0\xcf\x11\xe0")

    assert report.errors == [
        "Tệp «ds.xls» ở định dạng Excel 97-2003 (.xls), chưa được hỗ trợ. Hãy mở tệp bằng Excel, chọn "
        "Tệp → Lưu thành → «Sổ làm việc Excel (*.xlsx)» rồi tải lên lại."
    ]
    assert Participant.objects.count() == 0


def test_import_without_category_column_is_clear_error(world):
    session = make_session(world)
    header = ["STT", "Họ và tên", "Năm sinh", "Thôn", "Số điện thoại"]
    content = xlsx_bytes(
        [[1, "Nguyễn Văn An", 1985, "Lộc Thượng", "0912345678"]], header=header, titles=["DS"]
    )

    report = run_import(world, session, None, content=content)

    assert report.errors == [
        "Dòng tiêu đề (dòng 2) của tệp «danh-sach.xlsx» thiếu cột «Loại hộ»; hãy dùng tệp mẫu."
    ]
    assert Participant.objects.count() == 0


def test_import_without_header_is_clear_error(world):
    session = make_session(world)
    content = xlsx_bytes([["Nguyễn Văn An", 1985]], header=["Người", "Năm"])

    report = run_import(world, session, None, content=content)

    assert report.errors == [
        "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của tệp «danh-sach.xlsx». Dòng tiêu đề cần có các cột "
        "«Họ và tên», «Năm sinh», «Thôn, ấp», «Loại hộ», «Số điện thoại», «Số CCCD», «Email»; "
        "hãy dùng tệp mẫu."
    ]
    assert Participant.objects.count() == 0


def test_read_rows_without_header_is_clear_error():
    content = xlsx_bytes([["Nguyễn Văn An", 1985]], header=["Cột 1", "Cột 2"])

    with pytest.raises(SpreadsheetError) as exc:
        read_rows(filename="ds.xlsx", content=content)

    assert exc.value.message == (
        "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của tệp «ds.xlsx». Dòng tiêu đề cần có các cột "
        "«Họ và tên», «Năm sinh», «Thôn, ấp», «Loại hộ», «Số điện thoại», «Số CCCD», «Email»; "
        "hãy dùng tệp mẫu."
    )


def test_import_more_than_10000_rows_is_refused(world):
    session = make_session(world, quota=20_000)
    lines = [",".join(HEADER)] + [f"{i},Người {i},1980,Lộc Thượng,Hộ nghèo,,," for i in range(1, 10_002)]
    content = "\n".join(lines).encode()

    report = run_import(world, session, None, filename="ds.csv", content=content)

    assert report.errors == ["Tệp «ds.csv» có hơn 10.000 dòng dữ liệu; mỗi lần chỉ nhận tối đa 10.000 dòng."]
    assert Participant.objects.count() == 0


def test_import_replace_swaps_the_commune_list(world):
    session = make_session(world, quota=3)
    run_import(world, session, people(3))
    first = Participant.objects.get(national_id="052085000001")
    other = PlaceFactory(code="52-550-03-02", kind=PlaceKind.THON, name="Mỹ Cang", parent=world.commune)

    report = run_import(world, session, [person(1, **{"Thôn, ấp": "Mỹ Cang"}), person(4)], replace=True)

    assert report.existing == 0
    assert statuses(report) == ["new", "new"]
    # The person of the first row is the one listed with that CCCD: kept, moved to Mỹ Cang.
    assert (report.kept, report.added, report.removed, report.saved) == (1, 1, 2, 2)
    assert list(Participant.objects.order_by("row_number").values_list("national_id", "hamlet")) == [
        ("052085000001", other.pk),
        ("052085000004", world.hamlet.pk),
    ]
    assert Participant.objects.get(national_id="052085000001").pk == first.pk


def test_import_replace_with_errors_keeps_the_old_list(world):
    session = make_session(world)
    run_import(world, session, people(2))

    report = run_import(world, session, [person(1, **{"Năm sinh": 1850})], replace=True)

    assert report.committed is False
    assert Participant.objects.count() == 2


@pytest.mark.postgresql
def test_import_query_count_same_for_10_and_200_rows(world):
    first = make_session(world, quota=500)
    second = make_session(world, quota=500, plan=first.plan)
    small = xlsx_bytes(people(10))
    large = xlsx_bytes([person(n, **{"Họ và tên": f"Trần Thị {n}"}) for n in range(11, 211)])

    with CaptureQueriesContext(connection) as small_queries:
        small_report = run_import(world, first, None, content=small)
    with CaptureQueriesContext(connection) as large_queries:
        large_report = run_import(world, second, None, content=large)

    assert (small_report.saved, large_report.saved) == (10, 200)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


def test_export_participants_xlsx_lists_rows_as_text(world):
    session = make_session(world)
    run_import(world, session, [person(1), person(2, **{"Họ và tên": "=1+1"})])

    workbook = openpyxl.load_workbook(
        io.BytesIO(export_participants_xlsx(session=session, commune=world.commune))
    )

    sheet = workbook.active
    assert [cell.value for cell in sheet[5]] == HEADER
    # In name order (sessions.selectors.name_order): a sign sorts before letters.
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)] == [
        [1, "=1+1", 1985, "Lộc Thượng", "Hộ nghèo", "0912345678", "052085000002", None],
        [2, "Nguyễn Văn An", 1985, "Lộc Thượng", "Hộ nghèo", "0912345678", "052085000001", None],
    ]
    assert sheet["B6"].data_type == "s"


def test_export_participants_xlsx_keeps_typed_formulas_as_text(world):
    session = make_session(world)
    run_import(world, session, people(len(FORMULA_PAYLOADS)))
    for participant, payload in zip(
        Participant.objects.order_by("row_number"), FORMULA_PAYLOADS, strict=True
    ):
        Participant.objects.filter(pk=participant.pk).update(full_name=payload)

    content = export_participants_xlsx(session=session, commune=world.commune)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    # Every payload once, each as text (the rows come in name order, not the file's).
    assert sorted(as_text(row[1]) for row in sheet.iter_rows(min_row=6)) == sorted(
        (read_back(payload), "s", True) for payload in FORMULA_PAYLOADS
    )
    assert [(row[0].value, row[0].data_type) for row in sheet.iter_rows(min_row=6, max_row=7)] == [
        (1, "n"),
        (2, "n"),
    ]
    assert formulas(content) == []


def test_export_of_commune_imports_back_unchanged(world):
    session = make_session(world)
    run_import(world, session, people(3))
    exported = export_participants_xlsx(session=session, commune=world.commune)

    report = run_import(world, session, None, content=exported, replace=True)

    assert (report.saved, report.kept, report.added, report.removed) == (3, 3, 0, 0)
    assert report.counts == {"new": 3, "duplicate": 0, "warning": 0, "error": 0}


def test_export_whole_session_adds_commune_column(world):
    session = make_session(world)
    Quota.objects.create(session=session, place=world.other_commune, count=10)
    run_import(world, session, [person(1)])
    import_participants(
        session=session,
        commune=world.other_commune,
        filename="ds.xlsx",
        content=xlsx_bytes([person(2, **{"Thôn, ấp": "Quảng Tín", "Loại hộ": "Khác"})]),
        user=None,
    )

    sheet = openpyxl.load_workbook(io.BytesIO(export_participants_xlsx(session=session))).active

    assert [cell.value for cell in sheet[5]] == [*HEADER[:4], "Xã, phường", *HEADER[4:]]
    assert [(row[1].value, row[4].value) for row in sheet.iter_rows(min_row=6)] == [
        ("Nguyễn Văn An", "xã Phước Hòa"),
        ("Nguyễn Văn An 2", "xã Phước An"),
    ]


def test_participant_categories_come_from_the_data_migration(db):
    assert list(ParticipantCategory.objects.values_list("code", "name")) == [
        ("ho-ngheo", "Hộ nghèo"),
        ("ho-can-ngheo", "Hộ cận nghèo"),
        ("ho-moi-thoat-ngheo", "Hộ mới thoát nghèo"),
        ("ho-moi-thoat-can-ngheo", "Hộ mới thoát cận nghèo"),
        ("hoi-vien-nong-dan", "Hội viên Hội Nông dân"),
        ("hoi-vien-lhpn", "Hội viên Hội LHPN"),
        ("khac", "Khác"),
    ]


def test_read_rows_malformed_csv_is_refused_in_vietnamese():
    content = (",".join(HEADER) + "\n" + "x" * 140_000 + "\n").encode()
    with pytest.raises(SpreadsheetError) as error:
        read_rows(filename="danh-sach.csv", content=content)
    assert str(error.value) == (
        "Tệp «danh-sach.csv» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng)."
    )
