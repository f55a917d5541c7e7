"""A participant's CCCD and phone in an uploaded list (issue 14, points 5 and 6).

A CCCD has exactly 12 digits: one typed as text with 11 is an error, one read from a number cell
that lost its zero is restored with a warning. The same CCCD for another person (name or birth
year), in the file or already on the list, is an error naming both. Landlines and +84 numbers
are taken and stored as digits; junk is an error naming row and field."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import PlanStatus
from sessions.models import Participant, ParticipantCategory
from sessions.participants.services import import_participants, preview_participants

from .participant_data import HEADER, csv_text, make_session, person, xlsx_bytes


def _run(world, session, rows, *, content=None, filename="danh-sach.xlsx", preview=False):
    action = preview_participants if preview else import_participants
    return action(
        session=session,
        commune=world.commune,
        filename=filename,
        content=content if content is not None else xlsx_bytes(rows),
        user=world.users["commune_official"],
    )


def _approved_session(world):
    session = make_session(world)
    session.plan.status = PlanStatus.APPROVED
    session.plan.save(update_fields=["status"])
    return session


def _text_cells_xlsx(rows) -> bytes:
    """A workbook whose CCCD column is formatted as text (what the template does)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    column = HEADER.index("Số CCCD") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.value = str(cell.value)
        cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- point 5: CCCD


def test_eleven_digit_cccd_typed_as_text_is_an_error_not_padded(world):
    session = make_session(world)
    content = _text_cells_xlsx([person(1, **{"Số CCCD": "52085000001"})])

    report = _run(world, session, None, content=content)

    assert report.committed is False
    assert report.rows[0].messages == [
        "Dòng 2, cột «Số CCCD»: «52085000001» có 11 chữ số, thiếu một chữ số; số CCCD phải đủ "
        "12 chữ số (thường bắt đầu bằng 0)."
    ]
    assert Participant.objects.count() == 0


def test_eleven_digit_cccd_in_a_csv_is_an_error(world):
    session = make_session(world)
    content = csv_text([person(1, **{"Số CCCD": "52085000001"})]).encode()

    report = _run(world, session, None, content=content, filename="ds.csv")

    assert report.rows[0].status == "error"
    assert "có 11 chữ số, thiếu một chữ số" in report.rows[0].messages[0]


def test_cccd_from_a_number_cell_gets_its_zero_back_with_a_warning(world):
    session = make_session(world)

    report = _run(world, session, [person(1, **{"Số CCCD": 52085000001}), person(2)])

    assert [row.status for row in report.rows] == ["warning", "new"]
    assert report.rows[0].warnings == [
        "Dòng 2, cột «Số CCCD»: ô kiểu số «52085000001» đã mất số 0 ở đầu; đã ghi lại là số CCCD "
        "«052085000001». Hãy kiểm tra lại và định dạng cột là Văn bản (Text)."
    ]
    assert report.committed is True
    assert sorted(Participant.objects.values_list("national_id", flat=True)) == [
        "052085000001",
        "052085000002",
    ]


def test_cccd_of_thirteen_or_ten_digits_is_an_error_even_from_a_number_cell(world):
    session = make_session(world)

    report = _run(
        world, session, [person(1, **{"Số CCCD": 5208500000112}), person(2, **{"Số CCCD": 5208500001})]
    )

    assert [row.status for row in report.rows] == ["error", "error"]
    assert Participant.objects.count() == 0


def test_same_cccd_another_name_in_the_file_is_an_error_naming_both_rows(world):
    session = make_session(world)
    rows = [
        person(1, **{"Họ và tên": "Nguyễn Văn An", "Số CCCD": "052085000001"}),
        person(2, **{"Họ và tên": "Lê Thị Bảy", "Năm sinh": 1990, "Số CCCD": "052085000001"}),
    ]

    report = _run(world, session, rows)

    assert report.committed is False
    assert [row.status for row in report.rows] == ["error", "error"]
    assert report.rows[1].errors == [
        "Dòng 3, cột «Số CCCD»: «052085000001» cũng là số CCCD của dòng 2 («Nguyễn Văn An», sinh năm "
        "1985) nhưng khác họ tên hoặc năm sinh; mỗi người một số CCCD, hãy kiểm tra lại số CCCD của "
        "dòng 2 và dòng 3."
    ]
    assert report.rows[0].errors == [
        "Dòng 2, cột «Số CCCD»: «052085000001» cũng là số CCCD của dòng 3 («Lê Thị Bảy», sinh năm "
        "1990) nhưng khác họ tên hoặc năm sinh; mỗi người một số CCCD, hãy kiểm tra lại số CCCD của "
        "dòng 2 và dòng 3."
    ]
    assert Participant.objects.count() == 0


def test_same_cccd_same_name_another_birth_year_is_an_error(world):
    session = make_session(world)
    rows = [
        person(1),
        person(2, **{"Họ và tên": "Nguyễn Văn An", "Năm sinh": 1960, "Số CCCD": "052085000001"}),
    ]

    report = _run(world, session, rows)

    assert [row.status for row in report.rows] == ["error", "error"]
    assert "«Nguyễn Văn An», sinh năm 1960" in report.rows[0].errors[0]


def test_same_cccd_same_person_is_still_a_duplicate_skipped(world):
    session = make_session(world)
    rows = [person(1), person(2, **{"Họ và tên": "NGUYEN VAN AN", "Số CCCD": "052085000001"})]

    report = _run(world, session, rows)

    assert [row.status for row in report.rows] == ["new", "duplicate"]
    assert report.rows[1].duplicates == ["Dòng 3, cột «Số CCCD»: «052085000001» trùng với dòng 2."]
    assert report.saved == 1


def test_same_cccd_as_another_person_on_the_session_list_is_an_error_naming_them(world):
    session = make_session(world)
    _run(world, session, [person(1, **{"Họ và tên": "Trần Thị Mai", "Năm sinh": 1970})])

    report = _run(world, session, [person(5, **{"Số CCCD": "052085000001"})])

    assert report.committed is False
    assert report.rows[0].errors == [
        "Dòng 2, cột «Số CCCD»: «052085000001» đã có trong danh sách phiên này (xã Phước Hòa) là số "
        "CCCD của «Trần Thị Mai», sinh năm 1970, khác họ tên hoặc năm sinh của dòng này; mỗi người "
        "một số CCCD, hãy kiểm tra lại."
    ]
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["Trần Thị Mai"]


def test_upload_page_shows_both_rows_of_a_shared_cccd_and_no_confirm(world, login):
    session = _approved_session(world)
    client = login(world.users["commune_official"])
    content = xlsx_bytes([person(1), person(2, **{"Họ và tên": "Lê Thị Bảy", "Số CCCD": "052085000001"})])

    response = client.post(
        reverse("sessions:participants.upload", args=[session.pk, world.commune.code]),
        {"file": SimpleUploadedFile("ds.xlsx", content)},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "cũng là số CCCD của dòng 3 («Lê Thị Bảy»" in page
    assert "cũng là số CCCD của dòng 2 («Nguyễn Văn An»" in page
    assert 'id="confirm-import"' not in page


# ---------------------------------------------------------------- point 6: phones


def test_landlines_and_international_numbers_import_stored_as_digits(world):
    session = make_session(world)
    rows = [
        person(1, **{"Số điện thoại": "(0256) 3 851 234"}),
        person(2, **{"Số điện thoại": "+84 256 3851 234"}),
        person(3, **{"Số điện thoại": "+84 (0) 912.345.678"}),
        person(4, **{"Số điện thoại": "84-90-123-4567"}),
        person(5, **{"Số điện thoại": 2563851235}),
    ]

    report = _run(world, session, rows)

    assert report.counts == {"new": 5, "duplicate": 0, "warning": 0, "error": 0}
    assert report.committed is True
    assert list(Participant.objects.order_by("row_number").values_list("phone", flat=True)) == [
        "02563851234",
        "02563851234",
        "0912345678",
        "0901234567",
        "02563851235",
    ]


def test_junk_phone_is_refused_naming_row_and_field(world):
    session = make_session(world)

    report = _run(world, session, [person(1), person(2, **{"Số điện thoại": "0905 123 456 - 0914 222 333"})])

    assert report.committed is False
    assert report.rows[1].errors == [
        "Dòng 3, cột «Số điện thoại»: «0905 123 456 - 0914 222 333» quá dài; mỗi ô chỉ ghi một số "
        "điện thoại (số di động 10 chữ số (09…, 03…) hoặc số cố định 11 chữ số kèm mã vùng (02…), "
        "có thể ghi kèm mã nước +84)."
    ]
    assert Participant.objects.count() == 0


def test_editing_a_participant_takes_a_landline(world, login):
    session = _approved_session(world)
    someone = Participant.objects.create(
        session=session,
        commune=world.commune,
        hamlet=world.hamlet,
        full_name="Lê Văn Tám",
        birth_year=1980,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    client = login(world.users["commune_official"])
    url = reverse("sessions:participants.edit", args=[session.pk, world.commune.code, someone.pk])

    response = client.post(
        url,
        {
            "full_name": "Lê Văn Tám",
            "birth_year": "1980",
            "hamlet": "Lộc Thượng",
            "category": "Hộ nghèo",
            "phone": "(0256) 3 851 234",
            "national_id": "",
            "email": "",
        },
    )

    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.phone == "02563851234"
