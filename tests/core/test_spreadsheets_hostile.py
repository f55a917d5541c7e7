"""Issue 15, item 1: small files that would exhaust the server. An .xlsx whose parts expand far
beyond its size (a sheet of `<row/>`, a shared-strings table), with too many parts, or whose
rows take too long to read is refused in Vietnamese before (or while) it is read, by both
uploads, in the service, the web view and the management command; harmless oddities (a
declared dimension of 16,384 columns, 16,384 real columns, truncated or renamed files, control
characters, too many rows) get an answer, never a 500. The caps are lowered so the files stay
small (tests/hostile_files.py builds them; bench/hostile_uploads.py runs full-size ones)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.spreadsheets import SpreadsheetError
from feedback.models import Question
from feedback.services.upload import read_question_rows
from sessions.models import Participant
from sessions.participants.reading import read_rows as read_participant_rows
from tests import hostile_files as hostile
from tests.feedback import feedback_data
from tests.sessions import participant_data
from tests.sessions.test_views import published_session

KB = 1024
QUESTION_HEADER = feedback_data.HEADER
QUESTION_ROW = feedback_data.row(1)
PEOPLE_HEADER = participant_data.HEADER
PEOPLE_ROW = participant_data.person(1)
TOO_LARGE = "quá lớn khi giải nén"
READERS = {
    "questions": (read_question_rows, QUESTION_HEADER, QUESTION_ROW),
    "participants": (read_participant_rows, PEOPLE_HEADER, PEOPLE_ROW),
}


@pytest.fixture(autouse=True)
def small_caps(settings):
    settings.SPREADSHEET_MAX_SHEET_BYTES = 1024 * KB
    settings.SPREADSHEET_MAX_SHARED_STRINGS_BYTES = 256 * KB
    settings.SPREADSHEET_MAX_TOTAL_BYTES = 2048 * KB
    settings.SPREADSHEET_RATIO_FROM_BYTES = 256 * KB
    settings.SPREADSHEET_MAX_PARTS = 50
    return settings


def bombs(header):
    """The files the archive check refuses, with the words its message must hold."""
    return {
        "row-bomb": (hostile.row_bomb(header, 100_000), [TOO_LARGE, "nén hơn 100 lần"]),
        "shared-strings-bomb": (hostile.shared_strings_bomb(header, 20_000), [TOO_LARGE, "0,3 MB"]),
        "many-parts": (hostile.many_parts(header, 60), ["quá nhiều thành phần bên trong"]),
    }


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("case", ["row-bomb", "shared-strings-bomb", "many-parts"])
def test_reader_refuses_archive_bombs_in_vietnamese(kind, case):
    read, header, _ = READERS[kind]
    content, words = bombs(header)[case]

    with pytest.raises(SpreadsheetError) as error:
        read(filename=f"{case}.xlsx", content=content)

    assert f"Tệp «{case}.xlsx»" in error.value.message
    for word in words:
        assert word in error.value.message


@pytest.mark.parametrize("kind", READERS)
def test_reader_refuses_a_sheet_too_large_even_when_it_compresses_like_data(kind, settings):
    settings.SPREADSHEET_MAX_RATIO = 10**9
    read, header, _ = READERS[kind]

    with pytest.raises(SpreadsheetError) as error:
        read(filename="lon.xlsx", content=hostile.row_bomb(header, 200_000))

    assert error.value.message.startswith("Tệp «lon.xlsx» quá lớn khi giải nén (1,1 MB);")


@pytest.mark.parametrize("kind", READERS)
def test_reader_refuses_a_row_wider_than_excel_allows(kind, settings):
    settings.SPREADSHEET_MAX_ROW_CELLS = 500
    read, header, row = READERS[kind]

    with pytest.raises(SpreadsheetError) as error:
        read(filename="dai.xlsx", content=hostile.long_row(header, 501))

    assert error.value.message == (
        "Tệp «dai.xlsx» có một dòng hơn 500 ô, nhiều hơn Excel cho phép; tệp có cấu trúc bất thường "
        "nên không được đọc."
    )
    assert read(filename="rong.xlsx", content=hostile.wide_xlsx(header, row, 500))


@pytest.mark.parametrize("kind", READERS)
def test_reader_stops_at_its_deadline(kind, settings):
    settings.SPREADSHEET_READ_SECONDS = 0
    read, header, _ = READERS[kind]

    with pytest.raises(SpreadsheetError) as error:
        read(filename="cham.xlsx", content=hostile.row_bomb(header, 2_000))

    assert error.value.message.startswith("Đọc tệp «cham.xlsx» mất quá 0 giây nên đã dừng;")


@pytest.mark.parametrize("kind", READERS)
def test_reader_answers_every_other_hostile_file(kind):
    read, header, row = READERS[kind]
    refused = {
        "cut.xlsx": hostile.truncated(header, row),
        "pdf.xlsx": hostile.pdf_bytes(),
        "random.xlsx": hostile.random_bytes(),
        "control.csv": hostile.control_characters_csv(header, row),
        "rows.csv": hostile.many_rows_csv(header, row, 10_001),
    }
    for filename, content in refused.items():
        with pytest.raises(SpreadsheetError) as error:
            read(filename=filename, content=content)
        assert f"«{filename}»" in error.value.message
    # A dimension declaring 16,384 columns by 8,000 rows, or 16,384 real columns, is read as its cells.
    assert len(read(filename="dim.xlsx", content=hostile.wide_dimension(header, row))) == 1
    assert len(read(filename="wide.csv", content=hostile.wide_csv(header, row, 16_384))) == 3
    assert len(read(filename="wide.xlsx", content=hostile.wide_xlsx(header, row, 2_000))) == 3


# --- through the web views and the commands -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["row-bomb", "shared-strings-bomb", "many-parts"])
def test_question_upload_view_refuses_bombs_nothing_saved(world, login, case):
    session = feedback_data.make_session(world)
    content, words = bombs(QUESTION_HEADER)[case]
    client = login(world.users["commune_official"])

    response = client.post(
        reverse("feedback:question.upload", args=[session.pk]),
        {"file": SimpleUploadedFile(f"{case}.xlsx", content)},
    )

    assert response.status_code == 200
    [message] = response.context["report"].errors
    assert all(word in message for word in words)
    assert message in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["row-bomb", "shared-strings-bomb", "many-parts"])
def test_participant_upload_view_refuses_bombs_nothing_saved(world, login, case):
    session = published_session(world)
    content, words = bombs(PEOPLE_HEADER)[case]
    client = login(world.users["commune_official"])

    response = client.post(
        reverse("sessions:participants.upload", args=[session.pk, world.commune.code]),
        {"file": SimpleUploadedFile(f"{case}.xlsx", content)},
    )

    assert response.status_code == 200
    [message] = response.context["report"].errors
    assert all(word in message for word in words)
    assert not Participant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_questions", "import_participants"])
@pytest.mark.parametrize("case", ["row-bomb", "shared-strings-bomb"])
def test_commands_refuse_bombs(world, tmp_path, command, case):
    header = QUESTION_HEADER if command == "import_questions" else PEOPLE_HEADER
    session = feedback_data.make_session(world)
    content, words = bombs(header)[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(content)
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command(
            command, str(path), "--session", str(session.pk), "--commune", "52-550-03", "--commit", stdout=out
        )

    assert str(error.value) == "Danh sách có lỗi; chưa lưu gì. Hãy sửa tệp rồi chạy lại."
    assert all(word in out.getvalue() for word in words)
    assert not Question.objects.exists()
    assert not Participant.objects.exists()


def test_a_sheet_without_dimension_is_not_parsed_whole_when_opened():
    """openpyxl looked for a missing `<dimension>` through the whole sheet when the workbook was
    opened, out of reach of the row cap and the deadline: here its broken end would be reached
    first. Read as rows, the cap stops the reading long before it."""
    content = hostile.workbook([QUESTION_HEADER, *[QUESTION_ROW] * 2_001], write_only=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read(hostile.SHEET)
    assert b"<dimension" not in sheet
    end = sheet.index(b"</sheetData>")
    broken = hostile.replace_parts(content, {hostile.SHEET: [sheet[:end], b"<row><c><v>1</v></c><oops"]})

    with pytest.raises(SpreadsheetError) as error:
        read_question_rows(filename="cau-hoi.xlsx", content=broken)

    assert error.value.message == "Tệp «cau-hoi.xlsx» có hơn 2000 câu hỏi; hãy chia thành nhiều tệp."
