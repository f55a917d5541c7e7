"""A written reply's file is checked by its content, not only its name (issue 15, item 9)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Question, QuestionStatus, WrittenReply

from .feedback_data import in_days, make_session, topic

pytestmark = pytest.mark.django_db


def _question_awaiting_reply(world):
    question = Question.objects.create(
        session=make_session(world),
        commune=world.commune,
        text="Hỏi về nhà ở",
        channel="spoken",
        topic=topic(),
        status=QuestionStatus.TO_ANSWER_IN_WRITING,
        assigned_unit=world.unit,
    )
    WrittenReply.objects.create(question=question, due_date=in_days(10))
    return question


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("tra-loi.pdf", _zip("evil.html"), "tệp PDF"),
        ("tra-loi.pdf", b"<html><script>alert(1)</script></html>", "tệp PDF"),
        ("tra-loi.docx", _zip("xl/workbook.xml"), "văn bản Word (.docx)"),
        ("anh.png", b"<svg onload=alert(1)>", "ảnh PNG"),
    ],
)
def test_written_reply_with_content_not_matching_its_name_refused(
    world, login, settings, tmp_path, name, content, kind
):
    settings.MEDIA_ROOT = tmp_path
    question = _question_awaiting_reply(world)
    unit = login(world.users["department_officer"])

    response = unit.post(
        reverse("feedback:reply.record", args=[question.pk]),
        {
            "document_number": "12/LĐTBXH",
            "document_date": in_days(0).isoformat(),
            "file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"Tệp «{name}» không phải là {kind} thật; nội dung không khớp với đuôi tệp. "
        "Hãy tải lên đúng văn bản (xuất lại hoặc quét lại rồi chọn tệp đó)."
    ]
    question.refresh_from_db()
    assert question.status == QuestionStatus.TO_ANSWER_IN_WRITING
    assert WrittenReply.objects.get(question=question).file.name in ("", None)
    assert list(tmp_path.rglob("*.*")) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tra-loi.docx", _zip("[Content_Types].xml", "word/document.xml")),
        ("scan.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF"),
    ],
)
def test_written_reply_with_real_content_accepted(world, login, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    question = _question_awaiting_reply(world)
    unit = login(world.users["department_officer"])

    response = unit.post(
        reverse("feedback:reply.record", args=[question.pk]),
        {
            "document_number": "12/LĐTBXH",
            "document_date": in_days(0).isoformat(),
            "file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 302
    reply = WrittenReply.objects.get(question=question)
    assert reply.file.name.endswith("/" + name)
    assert reply.file.read() == content
