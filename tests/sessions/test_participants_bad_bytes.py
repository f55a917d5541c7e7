"""Issue 15: bytes no person types (NUL, control characters) and UTF-16 files. They are refused
or cleaned at the upload, naming the row and the column, so nothing reaches the database; a
character stored before that cannot make an export fail."""

import io

import openpyxl
import pytest

from sessions.models import Participant, ParticipantCategory
from sessions.participants.workbook import FIRST_DATA_ROW

from .participant_data import csv_text, people, person
from .test_views import list_url, published_session, upload

pytestmark = pytest.mark.django_db

HINT = "(không nhìn thấy được, thường lẫn vào khi sao chép từ phần mềm khác)."


@pytest.fixture
def session(world):
    return published_session(world)


@pytest.fixture
def official(world, login):
    return login(world.users["commune_official"])


def test_upload_csv_with_nul_and_control_characters_is_refused_naming_cells_nothing_saved(
    world, official, session
):
    rows = [person(1, **{"Họ và tên": "Nguyễn\x00 Văn An"}), person(2, **{"Loại hộ": "Hộ\x1b nghèo"})]
    response = upload(official, session, world.commune.code, csv_text(rows).encode(), filename="ds.csv")

    assert response.status_code == 200
    assert response.context["report"].errors == [
        f"Dòng 2, cột «Họ và tên»: có ký tự điều khiển U+0000 {HINT} Các ô có ký tự như vậy còn ở "
        "dòng 3, cột «Loại hộ». Hãy gõ lại nội dung các ô đó trong tệp «ds.csv» rồi tải lên lại."
    ]
    assert response.context["token"] == ""
    assert 'id="confirm-import"' not in response.content.decode()
    assert Participant.objects.count() == 0


def test_upload_csv_line_break_inside_a_cell_reads_as_a_space_and_saves(world, official, session):
    rows = [person(1, **{"Họ và tên": "Nguyễn Văn\r\nAn", "Thôn, ấp": "Lộc\tThượng"}), person(2)]
    response = upload(official, session, world.commune.code, csv_text(rows).encode(), filename="ds.csv")
    assert response.context["report"].can_commit is True

    official.post(
        list_url("participants.confirm", session, world.commune.code), {"token": response.context["token"]}
    )

    assert sorted(Participant.objects.values_list("full_name", "hamlet__name")) == [
        ("Nguyễn Văn An", "Lộc Thượng"),
        ("Nguyễn Văn An 2", "Lộc Thượng"),
    ]


def test_upload_utf16_unicode_text_from_excel_is_read_and_saved(world, official, session):
    # Excel → Lưu thành → «Văn bản Unicode (*.txt)», renamed .csv: UTF-16 LE with a BOM, tabs.
    text = csv_text(people(2)).replace(",", "\t")
    response = upload(official, session, world.commune.code, text.encode("utf-16"), filename="ds.csv")
    report = response.context["report"]
    assert (report.errors, [row.full_name for row in report.rows]) == (
        [],
        ["Nguyễn Văn An", "Nguyễn Văn An 2"],
    )

    official.post(
        list_url("participants.confirm", session, world.commune.code), {"token": response.context["token"]}
    )

    assert Participant.objects.count() == 2


def test_export_of_a_list_whose_name_holds_a_control_character_is_served(world, official, session):
    # Stored before uploads refused them (PostgreSQL holds any control character but NUL).
    Participant.objects.create(
        session=session,
        commune=world.commune,
        hamlet=world.hamlet,
        full_name="Nguyễn\x01 Văn\x1b An",
        birth_year=1980,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
        row_number=1,
    )

    response = official.get(list_url("participants.export", session, world.commune.code))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[:5] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)] == [
        (1, "Nguyễn Văn An", 1980, "Lộc Thượng", "Hộ nghèo")
    ]
