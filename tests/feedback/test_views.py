import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Answer, Channel, Question, QuestionStatus, WrittenReply

from .feedback_data import in_days, make_question, make_session, topic

pytestmark = pytest.mark.django_db


def _many(world, session, count):
    Question.objects.bulk_create(
        Question(
            session=session,
            commune=world.commune,
            text=f"Câu hỏi {number}",
            channel=Channel.BEFORE_SESSION,
            topic=topic(),
            status=QuestionStatus.ASSIGNED,
            assigned_unit=world.unit,
            due_date=in_days(number % 20 - 10),
        )
        for number in range(count)
    )


@pytest.mark.parametrize("role", ["leader", "commune_official", "department_officer"])
def test_question_list_queries_constant_for_1_10_1000(world, login, django_assert_num_queries, role):
    session = make_session(world)
    client = login(world.users[role])
    url = reverse("feedback:question.list")
    _many(world, session, 1)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    for total in (10, 1000):
        _many(world, session, total - Question.objects.count())
        with django_assert_num_queries(len(captured)):
            response = client.get(url)
        assert response.status_code == 200
    assert len(response.context["questions"]) == 50


def test_dashboard_queries_constant_for_1_10_1000(world, login):
    session = make_session(world)
    client = login(world.users["leader"])
    counts = []
    for total in (1, 10, 1000):
        _many(world, session, total - Question.objects.count())
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("feedback:dashboard"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2]
    assert [(row.unit, row.open_count) for row in response.context["backlog"]] == [(world.unit, 1000)]


def test_question_list_shows_unit_only_its_queue(world, login):
    session = make_session(world)
    mine = make_question(world, session, status=QuestionStatus.ASSIGNED)
    make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.other_unit)
    response = login(world.users["department_officer"]).get(reverse("feedback:question.list"))
    assert list(response.context["questions"]) == [mine]


def test_question_list_filters_by_status_and_ignores_bad_values(world, login):
    session = make_session(world)
    new = make_question(world, session)
    make_question(world, session, status=QuestionStatus.ASSIGNED)
    client = login(world.users["district_staff"])
    response = client.get(
        reverse("feedback:question.list"), {"status": "new", "topic": "x", "session": "abc"}
    )
    assert list(response.context["questions"]) == [new]


def test_answer_form_by_other_unit_is_forbidden(world, login):
    question = make_question(
        world, make_session(world), status=QuestionStatus.ASSIGNED, unit=world.other_unit
    )
    response = login(world.users["department_officer"]).post(
        reverse("feedback:answer.draft", args=[question.pk]), {"text": "Trả lời"}
    )
    assert response.status_code == 403
    assert Answer.objects.count() == 0


def test_assign_form_shows_service_error(world, login):
    session = make_session(world, date=in_days(5))
    question = make_question(world, session)
    response = login(world.users["district_staff"]).post(
        reverse("feedback:question.assign", args=[question.pk]),
        {"unit": world.unit.pk, "due_date": in_days(9).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Hạn trả lời phải trước ngày hội nghị ({in_days(5):%d/%m/%Y})."
    ]


def test_secretary_quick_entry_then_written_reply_closed(world, login):
    session = make_session(world, date=in_days(0))
    secretary = login(world.users["secretary"])
    for number in range(3):
        response = secretary.post(
            reverse("feedback:question.record", args=[session.pk]),
            {"channel": "spoken", "text": f"Câu hỏi tại hội nghị {number}", "topic": topic().pk},
        )
        assert response.status_code == 302
    question = Question.objects.filter(session=session).order_by("pk").first()
    response = secretary.post(
        reverse("feedback:question.writing", args=[question.pk]), {"due_date": in_days(15).isoformat()}
    )
    assert response.status_code == 302
    question.assigned_unit = world.unit
    question.save(update_fields=["assigned_unit"])
    unit = login(world.users["department_officer"])
    response = unit.post(
        reverse("feedback:reply.record", args=[question.pk]),
        {"document_number": "12/LĐTBXH", "document_date": in_days(0).isoformat()},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    response = unit.get(reverse("feedback:question.detail", args=[question.pk]))
    assert response.context["written_reply"].document_number == "12/LĐTBXH"


def test_written_reply_file_kept_per_question_and_downloaded_through_the_permission_check(
    world, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    session = make_session(world)
    question = Question.objects.create(
        session=session,
        commune=world.commune,
        text="Hỏi về nhà ở",
        channel="spoken",
        topic=topic(),
        status=QuestionStatus.TO_ANSWER_IN_WRITING,
        assigned_unit=world.unit,
    )
    WrittenReply.objects.create(question=question, due_date=in_days(10))
    unit = login(world.users["department_officer"])
    url = reverse("feedback:reply.record", args=[question.pk])

    refused = unit.post(
        url,
        {
            "document_number": "12/LĐTBXH",
            "document_date": in_days(0).isoformat(),
            "file": SimpleUploadedFile("tra-loi.exe", b"MZ"),
        },
    )
    assert refused.status_code == 200
    assert "không phải văn bản PDF, Word hay ảnh chụp" in refused.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.TO_ANSWER_IN_WRITING

    unit.post(
        url,
        {
            "document_number": "12/LĐTBXH",
            "document_date": in_days(0).isoformat(),
            "file": SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4"),
        },
    )
    reply = WrittenReply.objects.get(question=question)
    # Under a random directory (core.files); the person downloading it still sees its own name.
    assert re.fullmatch(
        rf"feedback/tra-loi/cau-hoi-{question.pk}/[A-Za-z0-9_-]{{22}}/tra-loi\.pdf", reply.file.name
    )
    download = reverse("feedback:reply.file", args=[question.pk])
    page = unit.get(reverse("feedback:question.detail", args=[question.pk])).content.decode()
    assert download in page and "/media/" not in page
    response = unit.get(download)
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Disposition"] == 'attachment; filename="tra-loi.pdf"'
    assert login(world.users["other_commune_official"]).get(download).status_code == 403
