"""Generated wording of the conclusion notice and the report, issue 14 point 10: a title quoted
inside a sentence without the punctuation typed at its end; only written-reply deadlines under
"Giao các cơ quan, đơn vị"; questions given to no unit named apart, not "given" to nobody."""

import datetime

import pytest

from feedback.documents import render_notice
from feedback.models import Channel, Question, QuestionStatus, Topic
from feedback.notice import NO_DUE, NO_UNIT, build_notice, conclusion_defaults
from feedback.report import build_report
from feedback.services.conclusions import save_conclusion
from plans.models import PlanStatus

from ..pdfcheck import join_lines, open_pdf, squash, table_rows
from .test_conclusion import ASSIGNMENT_HEADER, DRAFT, build_session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ending", [".", "./.", ";", " .", "…"])
def test_notice_opening_quotes_a_summary_without_its_trailing_punctuation(ending):
    session, people = build_session(prefix=f"W{len(ending)}{ord(ending[-1])}")
    plan = session.plan
    plan.summary = f"Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024{ending}"
    plan.save()

    opening = conclusion_defaults(session)["opening"]
    save_conclusion(user=people["staff"], session=session, **DRAFT)

    assert "Hội nghị đối thoại chính sách về giảm nghèo năm 2024 theo Kế hoạch" in opening
    assert (
        build_notice(session).summary_lines[1] == "tại Hội nghị đối thoại chính sách về giảm nghèo năm 2024"
    )


def test_report_quotes_a_summary_ending_in_the_document_end_mark_inside_its_sentence():
    session, _ = build_session(prefix="WR")
    plan = session.plan
    plan.summary = "Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024./."
    plan.status = PlanStatus.ISSUED
    plan.number, plan.issued_on = 7, datetime.date(2024, 4, 1)
    plan.save()

    text = build_report(plan).body[0].text

    assert text == (
        "Thực hiện Kế hoạch số 07/KH-UBND ngày 01/4/2024 của Ủy ban nhân dân huyện Tuy Phước về tổ chức các hội "
        "nghị đối thoại chính sách về giảm nghèo năm 2024, Ủy ban nhân dân huyện Tuy Phước báo cáo kết quả "
        "như sau:"
    )


def _unassigned_question(session, text="Đề nghị làm đường bê tông vào thôn Lộc Thượng."):
    return Question.objects.create(
        session=session,
        commune=session.host_commune,
        text=text,
        asker_name="Lê Văn Tám",
        channel=Channel.SPOKEN,
        topic=Topic.objects.get(code="giam-ngheo"),
        status=QuestionStatus.NEW,
    )


def test_notice_prints_no_pre_session_date_as_a_deadline_and_no_row_for_no_unit():
    session, people = build_session(prefix="WA")
    _unassigned_question(session)
    save_conclusion(user=people["staff"], session=session, **DRAFT)

    document = build_notice(session)
    with open_pdf(render_notice(session).content) as pdf:
        rows = table_rows(pdf)
        text = squash(
            join_lines([line for page in pdf.pages for line in (page.extract_text() or "").splitlines()])
        )

    body = [row for row in rows[rows.index(ASSIGNMENT_HEADER) + 1 :] if row != ASSIGNMENT_HEADER]
    # The question given to a unit before the session, with no written reply decided, has no
    # deadline in the notice (its date to prepare an answer, 20/6/2024, is not printed).
    assert [row[3:] for row in body] == [
        ["Sở Xây dựng tỉnh Bình Định", "05/6/2024"],
        ["Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước", "10/6/2024"],
        ["Phòng Tài nguyên và Môi trường huyện Tuy Phước", NO_DUE],
    ]
    assert "20/6/2024" not in text
    assert NO_UNIT not in text
    assert [a.unit for a in document.assignments].count(NO_UNIT) == 0
    assert [a.text for a in document.unassigned] == ["Đề nghị làm đường bê tông vào thôn Lộc Thượng."]
    sentence = (
        "Còn 1 câu hỏi, kiến nghị chưa được giao cơ quan, đơn vị trả lời («Đề nghị làm đường bê tông vào thôn "
        "Lộc Thượng»); Ủy ban nhân dân huyện Tuy Phước sẽ giao cơ quan, đơn vị trả lời và thông báo hạn trả "
        "lời sau."
    )
    assert sentence in [line.text for line in document.body]
    assert squash(sentence) in text


def test_notice_with_only_unassigned_questions_has_no_assignment_table():
    session, people = build_session(prefix="WB")
    Question.objects.filter(
        session=session, status__in=[QuestionStatus.TO_ANSWER_IN_WRITING, QuestionStatus.ASSIGNED]
    ).update(status=QuestionStatus.CLOSED)
    _unassigned_question(session)
    save_conclusion(user=people["staff"], session=session, **DRAFT)

    document = build_notice(session)

    assert [line.style for line in document.body].count("table") == 0
    texts = [line.text for line in document.body]
    assert not any(text.startswith("Giao các cơ quan, đơn vị") for text in texts)
    assert not any(text.startswith("Các câu hỏi, kiến nghị của người dân đã được trả lời") for text in texts)
    assert any(
        text.startswith("Còn 1 câu hỏi, kiến nghị chưa được giao cơ quan, đơn vị trả lời") for text in texts
    )
