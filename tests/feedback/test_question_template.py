"""A commune's question list (issue 14, point 9): a template to download, written by the portal's
workbook writer, that the upload reads back; a preview that shows who asked and from which
hamlet, and says which columns of the file it ignored."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Question
from feedback.question_template import FIRST_DATA_ROW, HEADER, build_question_template
from feedback.services.upload import preview_questions

from ..xlsxcheck import formulas
from .feedback_data import make_session, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _template_url(session):
    return reverse("feedback:question.template", args=[session.pk])


def test_question_template_downloads_for_the_commune_official(world, login):
    session = make_session(world)
    client = login(world.users["commune_official"])

    response = client.get(_template_url(session))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"mau-cau-hoi-phien-{session.pk}-52-550-03.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Câu hỏi"]
    assert [cell.value for cell in sheet[FIRST_DATA_ROW - 1]] == list(HEADER)
    assert sheet["A1"].value == "DANH SÁCH CÂU HỎI, KIẾN NGHỊ CỦA NGƯỜI DÂN"
    assert sheet["A3"].value == "Xã Phước Hòa"
    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert "Lộc Thượng" in [cell.value for cell in lists["B"]]
    validated = {
        str(validation.sqref): validation.formula1 for validation in sheet.data_validations.dataValidation
    }
    assert set(validated) == {f"D{FIRST_DATA_ROW}:D2005", f"C{FIRST_DATA_ROW}:C2005"}
    assert formulas(response.content) == []


def test_question_template_is_refused_to_other_communes_and_offices(world, login):
    session = make_session(world)
    for role in ("other_commune_official", "district_staff", "department_officer"):
        assert login(world.users[role]).get(_template_url(session)).status_code == 403


def test_filled_template_uploads_and_preview_shows_asker_and_hamlet(world, login):
    session = make_session(world)
    content = build_question_template(session=session, commune=world.commune)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Câu hỏi"]
    sheet.append([1, "Trần Thị Bích", "Lộc Thượng", "Giảm nghèo", "Hộ cận nghèo có được vay vốn không?"])
    sheet.append([2, "", "", "Bảo hiểm y tế", "Thẻ bảo hiểm y tế cấp chậm?"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(world.users["commune_official"])

    response = client.post(
        reverse("feedback:question.upload", args=[session.pk]),
        {"file": SimpleUploadedFile("cau-hoi.xlsx", buffer.getvalue())},
    )

    report = response.context["report"]
    assert [(r.number, r.values["asker_name"], r.hamlet) for r in report.rows] == [
        (FIRST_DATA_ROW, "Trần Thị Bích", world.hamlet),
        (FIRST_DATA_ROW + 1, "", None),
    ]
    assert report.ignored_columns == []
    page = response.content.decode()
    assert '<th scope="col">Người hỏi</th><th scope="col">Thôn, ấp</th>' in page
    assert '<td class="asker">Trần Thị Bích</td>' in page
    assert '<td class="hamlet">Lộc Thượng</td>' in page
    assert '<td class="asker">(không nêu tên)</td>' in page
    assert 'id="ignored-columns"' not in page
    client.post(reverse("feedback:question.confirm", args=[session.pk]), {"token": response.context["token"]})
    assert Question.objects.filter(session=session).count() == 2


def test_question_preview_says_which_columns_were_ignored(world, login):
    session = make_session(world)
    header = ["STT", "Nội dung câu hỏi", "Họ tên người hỏi", "Thôn, ấp", "Lĩnh vực", "Số điện thoại"]
    content = xlsx_bytes([[*row(1), "0912345678"]], header=header)

    report = preview_questions(session=session, commune=world.commune, filename="ch.xlsx", content=content)

    assert report.ignored_columns == ["«Số điện thoại» (cột F)"]
    assert report.ignored_notice.startswith(
        "Các cột sau của tệp không được nhập và bị bỏ qua: «Số điện thoại» (cột F). Chỉ nhận các cột "
        "«Nội dung câu hỏi», «Họ tên người hỏi», «Thôn, ấp», «Lĩnh vực»"
    )
    client = login(world.users["commune_official"])
    response = client.post(
        reverse("feedback:question.upload", args=[session.pk]),
        {"file": SimpleUploadedFile("ch.xlsx", content)},
    )
    assert "bị bỏ qua: «Số điện thoại» (cột F)" in response.content.decode()


def test_upload_page_links_the_template(world, login):
    session = make_session(world)
    page = login(world.users["commune_official"]).get(reverse("feedback:question.upload", args=[session.pk]))
    assert f'href="{_template_url(session)}" id="question-template"' in page.content.decode()
