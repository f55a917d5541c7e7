"""Where a session's people are listed, in Vietnamese name order (issue 14, point 9): the
commune's page, the sign-in sheet, the export. A later upload's rows take their place by name,
not by their row number in their own file; an upload's preview says which columns it ignored."""

import io
import sqlite3

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Value
from django.urls import reverse

from core.collation import compare, register_sqlite_collation, sort_key, vi_order
from plans.models import PlanStatus
from sessions.documents import signin_context
from sessions.models import Participant
from sessions.participants.services import import_participants, preview_participants
from sessions.participants.workbook import export_participants_xlsx

from .participant_data import HEADER, csv_text, make_session, person, xlsx_bytes

# Code-point order puts Lý before Lương (ý U+00FD < ư U+01B0) and Nguyễn before Ngô (u < ô).
NAMES_IN_ORDER = [
    "An Văn Hòa",
    "Âu Thị Lan",
    "Bùi Văn Cường",
    "Dương Thị Duyên",
    "Đặng Văn Em",
    "Đỗ Thị Giang",
    "Lê Thị Hồng",
    "Lương Văn Ích",
    "Lý Thị Kim",
    "Ngô Văn Long",
    "Nguyễn Thị Mai",
    "Nguyễn Văn Nam",
    "Ông Văn Phú",
    "Ưng Thị Quỳnh",
    "Vũ Văn Sơn",
]


def _file(names, start=1):
    return xlsx_bytes([person(start + index, **{"Họ và tên": name}) for index, name in enumerate(names)])


def _upload(world, session, names, start=1):
    return import_participants(
        session=session,
        commune=world.commune,
        filename="ds.xlsx",
        content=_file(names, start),
        user=world.users["commune_official"],
    )


@pytest.fixture
def listed(world):
    """Two uploads: the second one's rows are numbered from the top of its own file again."""
    session = make_session(world)
    session.plan.status = PlanStatus.APPROVED
    session.plan.save(update_fields=["status"])
    first = [name for index, name in enumerate(NAMES_IN_ORDER) if index % 2 == 0]
    second = [name for index, name in enumerate(NAMES_IN_ORDER) if index % 2 == 1]
    assert _upload(world, session, list(reversed(first))).committed
    assert _upload(world, session, second, start=20).committed
    return session


# ---------------------------------------------------------------- the collation itself


def test_python_sort_key_puts_luong_before_ly_and_ngo_before_nguyen():
    shuffled = sorted(NAMES_IN_ORDER)  # code-point order: wrong
    assert shuffled.index("Lý Thị Kim") < shuffled.index("Lương Văn Ích")
    assert sorted(shuffled, key=sort_key) == NAMES_IN_ORDER
    assert sorted(["Má", "Mạ", "Ma", "Mã", "Mà", "Mả", "MA"], key=sort_key) == [
        "Ma", "MA", "Mà", "Mả", "Mã", "Má", "Mạ",
    ]  # fmt: skip
    assert compare("Lương", "Lý") == -1
    assert compare("Ngô", "Nguyễn") == -1
    assert compare("Ân", "Ân") == 0


@pytest.mark.postgresql
def test_python_sort_key_agrees_with_postgresql_icu(db):
    names = [
        *NAMES_IN_ORDER,
        "lê văn a", "Lê Văn A", "Lê văn Á", "Lê Văn Ả", "M a", "M1", "Ma-b", "Mab", "Đinh", "Dinh",
        "Ưu", "Uy", "Ủy", "Ơn", "Ôn", "On", "Ồn", "Ẩn", "Ăn", "Ấn", "Yến", "Ý", "Trần Thị Hương 10",
        "Trần Thị Hương 2", "Hồ Văn  Đức", "Hồ Văn Đức",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT name FROM unnest(%s::text[]) AS name ORDER BY name COLLATE "vi-x-icu"', [names]
        )
        in_postgresql = [row[0] for row in cursor.fetchall()]
    assert sorted(names, key=sort_key) == in_postgresql


def test_sqlite_gets_the_same_order_through_the_vi_collation():
    database = sqlite3.connect(":memory:")

    class Wrapper:  # what Django's connection_created hands over
        vendor = "sqlite"
        connection = database

    register_sqlite_collation(sender=None, connection=Wrapper())
    database.execute("CREATE TABLE people (name TEXT)")
    database.executemany("INSERT INTO people VALUES (?)", [(name,) for name in sorted(NAMES_IN_ORDER)])
    rows = database.execute("SELECT name FROM people ORDER BY name COLLATE vi").fetchall()
    assert [name for (name,) in rows] == NAMES_IN_ORDER


def test_vi_order_compiles_to_each_backends_collation(db):
    queryset = Participant.objects.annotate(n=Value("x")).order_by(vi_order("full_name"))
    sql = str(queryset.query)
    expected = 'COLLATE "vi-x-icu"' if connection.vendor == "postgresql" else "COLLATE vi"
    assert expected in sql


# ---------------------------------------------------------------- the lists


def test_participant_page_lists_names_in_vietnamese_order_across_uploads(world, login, listed):
    client = login(world.users["commune_official"])

    response = client.get(reverse("sessions:participants.list", args=[listed.pk, world.commune.code]))

    assert [person.full_name for person in response.context["participants"]] == NAMES_IN_ORDER
    page = response.content.decode()
    positions = [page.index(name) for name in NAMES_IN_ORDER]
    assert positions == sorted(positions)


def test_signin_sheet_lists_names_in_vietnamese_order(world, listed):
    rows = signin_context(session=listed, commune=world.commune)["rows"]

    assert [row[0] for row in rows] == list(range(1, len(NAMES_IN_ORDER) + 1))
    assert [row[1] for row in rows] == NAMES_IN_ORDER


def test_exports_list_names_in_vietnamese_order(world, listed):
    for commune in (world.commune, None):
        content = export_participants_xlsx(session=listed, commune=commune)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [row[1].value for row in sheet.iter_rows(min_row=6)] == NAMES_IN_ORDER


# ---------------------------------------------------------------- ignored columns


def _with_extra_columns():
    header = [*HEADER, "Dân tộc", "Ghi chú", "Họ và tên"]
    rows = [[*person(1), "Kinh", "đã báo", "x"], [*person(2), "Chăm", "", "y"]]
    return xlsx_bytes(rows, header=header)


def test_preview_says_which_columns_were_ignored(world):
    session = make_session(world)

    report = preview_participants(
        session=session,
        commune=world.commune,
        filename="ds.xlsx",
        content=_with_extra_columns(),
        user=world.users["commune_official"],
    )

    assert report.ignored_columns == ["«Dân tộc» (cột I)", "«Ghi chú» (cột J)", "«Họ và tên» (cột K)"]
    assert report.ignored_notice == (
        "Các cột sau của tệp không được nhập và bị bỏ qua: «Dân tộc» (cột I), «Ghi chú» (cột J), "
        "«Họ và tên» (cột K). Chỉ nhận các cột «Họ và tên», «Năm sinh», «Thôn, ấp», «Loại hộ», "
        "«Số điện thoại», «Số CCCD», «Email»; nếu một cột trên là một trong số đó, hãy sửa tiêu đề "
        "cột cho đúng mẫu."
    )
    assert report.can_commit is True


def test_template_columns_are_not_reported_as_ignored(world):
    session = make_session(world)

    report = preview_participants(
        session=session, commune=world.commune, filename="ds.xlsx", content=xlsx_bytes([person(1)])
    )

    assert (report.ignored_columns, report.ignored_notice) == ([], "")


def test_upload_page_shows_the_ignored_columns(world, login):
    session = make_session(world)
    session.plan.status = PlanStatus.APPROVED
    session.plan.save(update_fields=["status"])
    client = login(world.users["commune_official"])

    response = client.post(
        reverse("sessions:participants.upload", args=[session.pk, world.commune.code]),
        {"file": SimpleUploadedFile("ds.xlsx", _with_extra_columns())},
    )

    page = response.content.decode()
    assert 'id="ignored-columns"' in page
    assert "bị bỏ qua: «Dân tộc» (cột I), «Ghi chú» (cột J)" in page
    assert 'id="confirm-import"' in page


def test_csv_preview_says_which_columns_were_ignored_too(world):
    session = make_session(world)
    content = csv_text([[*person(1), "x"]], header=[*HEADER, "Ghi chú"]).encode()

    report = preview_participants(session=session, commune=world.commune, filename="ds.csv", content=content)

    assert report.ignored_columns == ["«Ghi chú» (cột I)"]
