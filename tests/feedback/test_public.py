"""The public page of a session: open without login once published, no personal data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer, Channel, Question, QuestionStatus, WrittenReply
from sessions.models import ParticipantCategory

from .feedback_data import make_question, make_session, topic

pytestmark = pytest.mark.django_db

HELD = datetime.date(2024, 5, 6)


def _published(world, *, notice=True, results=True):
    session = make_session(world, date=HELD)
    now = timezone.now()
    if notice:
        session.notice_published_at = now
        session.notice_time = "7h30 - 11h00, 06/05/2024"
        session.notice_venue = "Hội trường UBND xã Phước Hòa"
        session.notice_topics = "Chính sách giảm nghèo, vay vốn giải quyết việc làm"
    if results:
        session.results_published_at = now
    session.save()
    return session


def _page(client, session):
    return client.get(reverse("public:session.detail", args=[session.pk]))


def _text(response) -> str:
    """The page's text with whitespace collapsed (tags dropped)."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_public_page_unpublished_session_is_404(world, client):
    session = make_session(world, date=HELD)

    assert _page(client, session).status_code == 404


def test_public_page_unknown_session_is_404(world, client):
    assert client.get(reverse("public:session.detail", args=[987654])).status_code == 404


def test_public_page_notice_only_shows_notice_and_no_questions(world, client):
    session = _published(world, results=False)
    make_question(world, session, text="Câu hỏi chưa công khai")

    response = _page(client, session)

    assert response.status_code == 200
    assert (
        "Thông báo Thời gian 7h30 - 11h00, 06/05/2024 Địa điểm Hội trường UBND xã Phước Hòa "
        "Nội dung đối thoại Chính sách giảm nghèo, vay vốn giải quyết việc làm"
    ) in _text(response)
    assert "questions" not in response.context
    assert 'id="results"' not in response.content.decode()
    assert "Câu hỏi chưa công khai" not in response.content.decode()


def test_public_page_shows_answers_of_each_kind(world, client):
    session = _published(world)
    leader = world.users["leader"]
    approved = make_question(world, session, status=QuestionStatus.ANSWER_APPROVED, text="Hỏi về vay vốn")
    Answer.objects.create(
        question=approved,
        unit=world.unit,
        text="Được vay tối đa 100 triệu đồng.",
        approved_by=leader,
        approved_at=timezone.now(),
    )
    drafted = make_question(world, session, status=QuestionStatus.ANSWER_DRAFTED, text="Hỏi về học phí")
    Answer.objects.create(question=drafted, unit=world.unit, text="Bản nháp chưa duyệt")
    spoken = make_question(world, session, status=QuestionStatus.ANSWERED_AT_SESSION, text="Hỏi về BHYT")
    Answer.objects.create(
        question=spoken,
        given_at_session=True,
        session_summary="Đã cấp thẻ BHYT.",
        given_by="Phó Chủ tịch UBND huyện",
    )
    written = make_question(world, session, status=QuestionStatus.CLOSED, text="Hỏi về đất ở")
    WrittenReply.objects.create(
        question=written,
        due_date=datetime.date(2024, 5, 31),
        document_number="15/UBND-TNMT",
        document_date=datetime.date(2024, 5, 20),
        closed_at=timezone.now(),
    )
    waiting = make_question(world, session, status=QuestionStatus.TO_ANSWER_IN_WRITING, text="Hỏi về nhà ở")
    WrittenReply.objects.create(
        question=waiting,
        due_date=datetime.date(2024, 6, 5),
        beyond_district=True,
        competent_authority="Sở Xây dựng tỉnh Bình Định",
    )
    duplicate = make_question(world, session, text="Hỏi trùng")
    duplicate.duplicate_of = approved
    duplicate.save()

    response = _page(client, session)

    unit = "Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước"
    assert [(q.text, q.answer_kind, q.answered_by, q.answer_text) for q in response.context["questions"]] == [
        ("Hỏi về vay vốn", "approved", unit, "Được vay tối đa 100 triệu đồng."),
        ("Hỏi về học phí", "none", "", ""),
        ("Hỏi về BHYT", "session", "Phó Chủ tịch UBND huyện", "Đã cấp thẻ BHYT."),
        ("Hỏi về đất ở", "written", unit, ""),
        ("Hỏi về nhà ở", "writing", "Sở Xây dựng tỉnh Bình Định", ""),
    ]
    text = _text(response)
    assert "Bản nháp chưa duyệt" not in text
    assert "Hỏi trùng" not in text
    assert f"Trả lời của {unit} Được vay tối đa 100 triệu đồng." in text
    assert "Trả lời tại hội nghị: Phó Chủ tịch UBND huyện Đã cấp thẻ BHYT." in text
    assert f"Đã trả lời bằng văn bản số 15/UBND-TNMT ngày 20/05/2024 ({unit})." in text
    assert "Sẽ trả lời bằng văn bản (Sở Xây dựng tỉnh Bình Định), hạn 05/06/2024." in text


def test_public_page_never_shows_asker_name_or_category(world, client):
    session = _published(world)
    category, _ = ParticipantCategory.objects.get_or_create(code="ho-ngheo", defaults={"name": "Hộ nghèo"})
    Question.objects.create(
        session=session,
        commune=world.commune,
        asker_hamlet=world.hamlet,
        asker_category=category,
        asker_name="Nguyễn Thị Lan",
        anonymous=False,
        text="Hỏi có tên",
        channel=Channel.SPOKEN,
        topic=topic(),
    )
    Question.objects.create(
        session=session,
        commune=world.commune,
        asker_name="Trần Văn Bảy",
        anonymous=True,
        text="Hỏi giấu tên",
        channel=Channel.WRITTEN,
        topic=topic(),
    )

    response = _page(client, session)
    content = response.content.decode()

    assert "Nguyễn Thị Lan" not in content
    assert "Trần Văn Bảy" not in content
    assert "Hộ nghèo" not in content
    assert [(q.number, q.place, q.text) for q in response.context["questions"]] == [
        (1, "Thôn Lộc Thượng, Xã Phước Hòa", "Hỏi có tên"),
        (2, "Xã Phước Hòa", "Hỏi giấu tên"),
    ]
    assert "Câu hỏi 1 · Giảm nghèo · Thôn Lộc Thượng, Xã Phước Hòa" in _text(response)


def _bulk(world, session, count):
    Question.objects.bulk_create(
        Question(
            session=session,
            commune=world.commune,
            asker_hamlet=world.hamlet,
            text=f"Câu hỏi {n}",
            channel=Channel.BEFORE_SESSION,
            topic=topic(),
        )
        for n in range(count)
    )


def test_public_page_queries_constant_for_1_and_100_questions(world, client, django_assert_num_queries):
    session = _published(world)
    _bulk(world, session, 1)
    with CaptureQueriesContext(connection) as captured:
        assert _page(client, session).status_code == 200

    _bulk(world, session, 99)
    with django_assert_num_queries(len(captured)):
        response = _page(client, session)

    assert response.content.decode().count("<article") == 100
