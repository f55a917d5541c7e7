"""The conclusion notice of a session (THÔNG BÁO, TB-UBND): the FORMAT-ND30.md checks adapted to a
notice, read back from the PDF as issued; its wording and figures against the database; who may
draft, issue and read it; and what bad input gives."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from directory.models import PlaceKind
from feedback.documents import render_notice
from feedback.models import (
    Answer,
    Channel,
    ConclusionItem,
    ConclusionStatus,
    Question,
    QuestionStatus,
    SessionConclusion,
    Topic,
    WrittenReply,
)
from feedback.notice import NoticeDocument, build_notice
from feedback.services import FeedbackError
from feedback.services.conclusions import issue_conclusion, save_conclusion
from notifications.models import Attendance
from plans.models import Plan, PlanStatus
from sessions.models import HeldRecord, Participant, ParticipantCategory, Quota, Session

from ..factories import PlaceFactory, UnitFactory, UserFactory
from ..pdfcheck import (
    body_lines,
    dominant_size_share,
    find_line,
    foreign_fonts,
    is_bold,
    join_lines,
    mm,
    open_pdf,
    outside,
    page_number_lines,
    page_size_mm,
    pt,
    rules_under,
    squash,
    table_bboxes,
    table_rows,
    text_edges_mm,
)
from .feedback_data import in_days, make_question, make_session

pytestmark = pytest.mark.django_db

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ASSIGNMENT_HEADER = ["STT", "Nội dung câu hỏi, kiến nghị", "Người hỏi", "Đơn vị trả lời", "Hạn trả lời"]
DRAFT = {
    "chair": "Phó Chủ tịch UBND huyện Tuy Phước Nguyễn Văn Bình",
    "opening": "Ngày 10/5/2024, tại Hội trường UBND xã Phước Hòa, Ủy ban nhân dân huyện Tuy Phước tổ chức "
    "Hội nghị đối thoại chính sách về giảm nghèo năm 2024. Phó Chủ tịch UBND huyện Tuy Phước "
    "Nguyễn Văn Bình chủ trì hội nghị.",
    "attendees": "đại diện lãnh đạo Phòng Lao động - TB&XH, Phòng Tài nguyên và Môi trường, "
    "Ngân hàng Chính sách xã hội huyện và UBND các xã Phước Hòa, Phước An.",
    "summary": "Người dân chủ yếu hỏi về vay vốn giải quyết việc làm, cấp thẻ bảo hiểm y tế cho hộ cận "
    "nghèo và hỗ trợ sửa chữa nhà ở.\nMột số ý kiến phản ánh việc chi trả trợ cấp còn chậm.",
    "conclusions": "Ghi nhận và đánh giá cao các ý kiến thẳng thắn, tâm huyết của người dân.\n"
    "Phòng Lao động - TB&XH rà soát danh sách hộ cận nghèo để cấp thẻ bảo hiểm y tế trong tháng 6.\n"
    "UBND các xã công khai kết quả trả lời tại nhà văn hóa thôn.",
    "closing": "Ủy ban nhân dân huyện Tuy Phước thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện.",
    "recipients": "Thường trực UBND huyện Tuy Phước\nPhòng Lao động - TB&XH huyện\nUBND các xã Phước Hòa, Phước An",
    "signer_authority": "TM. Ủy ban nhân dân",
    "signer_delegation": "KT. Chủ tịch",
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Nguyễn Văn Bình",
}


def _held(session: Session, day: datetime.date) -> Session:
    """The record that the session was held on `day`: a conclusion is issued only after it."""
    HeldRecord.objects.create(
        session=session,
        held_on=day,
        venue=session.venue_name,
        chair="Chủ tịch UBND huyện",
        recorded_at=timezone.now(),
    )
    return session


def build_session(prefix: str = "C") -> tuple[Session, dict]:
    """A held session: 10 invited, 7 checked in (2 walk-ins), questions in every state."""
    province = PlaceFactory(code=f"{prefix}52", kind=PlaceKind.TINH, name="Bình Định")
    district = PlaceFactory(code=f"{prefix}52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=province)
    communes = [
        PlaceFactory(code=f"{prefix}52-550-0{i}", kind=PlaceKind.XA, name=name, parent=district)
        for i, name in enumerate(["Phước Hòa", "Phước An"], start=1)
    ]
    units = [
        UnitFactory(name="Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước", place=district),
        UnitFactory(name="Phòng Tài nguyên và Môi trường huyện Tuy Phước", place=district),
    ]
    plan = Plan.objects.create(
        issuer=district,
        kind="poverty",
        year=2024,
        summary="Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024",
        place_name="Tuy Phước",
        closing="Trên đây là Kế hoạch.",
        signer_authority="TM. Ủy ban nhân dân",
        signer_delegation="KT. Chủ tịch",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Bình",
        archive="VT, LĐTBXH",
        status=PlanStatus.APPROVED,
    )
    session = Session.objects.create(
        plan=plan,
        venue_name="Hội trường UBND xã Phước Hòa",
        host_commune=communes[0],
        time_kind="exact",
        date=datetime.date(2024, 5, 10),
        start_time=datetime.time(8, 0),
        end_time=datetime.time(11, 0),
        chair="Phó Chủ tịch UBND huyện Tuy Phước Nguyễn Văn Bình",
    )
    HeldRecord.objects.create(
        session=session,
        held_on=session.date,
        venue=session.venue_name,
        chair=session.chair,
        recorded_at=timezone.now(),
    )
    Quota.objects.create(session=session, place=communes[0], count=6, position=0)
    Quota.objects.create(session=session, place=communes[1], count=4, position=1)
    category = ParticipantCategory.objects.order_by("position").first()
    participants = Participant.objects.bulk_create(
        Participant(session=session, commune=communes[i % 2], full_name=f"Người dân {i}", category=category)
        for i in range(10)
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            *(
                Attendance(
                    session=session,
                    participant=p,
                    full_name=p.full_name,
                    commune=p.commune,
                    checked_in_at=now,
                )
                for p in participants[:5]
            ),
            *(
                Attendance(
                    session=session,
                    full_name=f"Khách {i}",
                    commune=communes[0],
                    walk_in=True,
                    checked_in_at=now,
                )
                for i in range(2)
            ),
        ]
    )
    topic = Topic.objects.get(code="giam-ngheo")

    def question(text, status, channel=Channel.BEFORE_SESSION, unit=None, due=None, **fields):
        return Question.objects.create(
            session=session,
            commune=fields.pop("commune", communes[0]),
            text=text,
            asker_name=fields.pop("asker_name", "Trần Thị Bích"),
            channel=channel,
            topic=topic,
            status=status,
            assigned_unit=unit,
            due_date=due,
            **fields,
        )

    answered = question(
        "Hộ cận nghèo được vay vốn ở đâu?", QuestionStatus.ANSWERED_AT_SESSION, Channel.SPOKEN
    )
    Answer.objects.create(
        question=answered,
        given_at_session=True,
        session_summary="Tại Ngân hàng Chính sách xã hội.",
        given_by="Giám đốc NHCSXH",
    )
    writing = question(
        "Khi nào gia đình tôi được cấp thẻ bảo hiểm y tế hộ cận nghèo?",
        QuestionStatus.TO_ANSWER_IN_WRITING,
        Channel.WRITTEN,
        unit=units[0],
        due=datetime.date(2024, 5, 8),
    )
    WrittenReply.objects.create(question=writing, due_date=datetime.date(2024, 6, 10))
    beyond = question(
        "Đề nghị nâng mức hỗ trợ xây nhà cho hộ nghèo.",
        QuestionStatus.TO_ANSWER_IN_WRITING,
        Channel.SPOKEN,
        commune=communes[1],
        asker_name="",
        anonymous=True,
    )
    WrittenReply.objects.create(
        question=beyond,
        due_date=datetime.date(2024, 6, 5),
        beyond_district=True,
        competent_authority="Sở Xây dựng tỉnh Bình Định",
    )
    pending = question(
        "Đất ở của tôi chưa được cấp giấy chứng nhận, đề nghị xem xét.",
        QuestionStatus.ASSIGNED,
        unit=units[1],
        due=datetime.date(2024, 6, 20),
    )
    closed = question(
        "Chế độ cho người có công?", QuestionStatus.CLOSED, unit=units[0], due=datetime.date(2024, 5, 8)
    )
    WrittenReply.objects.create(
        question=closed,
        due_date=datetime.date(2024, 5, 30),
        document_number="88/UBND",
        document_date=datetime.date(2024, 5, 20),
        closed_at=now,
    )
    Question.objects.create(
        session=session, text="Trùng", channel=Channel.SPOKEN, topic=topic, duplicate_of=answered
    )
    people = {
        "staff": UserFactory(role=Role.DISTRICT_STAFF, place=district),
        "leader": UserFactory(role=Role.LEADER, place=district),
        "units": units,
        "communes": communes,
        "writing": writing,
        "beyond": beyond,
        "pending": pending,
    }
    return session, people


@dataclass
class Printed:
    document: NoticeDocument
    pdf_bytes: bytes
    expected_assignments: list[list[str]]
    db_attended: int
    db_walk_ins: int
    db_invited: int

    @cached_property
    def pdf(self):
        return open_pdf(self.pdf_bytes)


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker) -> Printed:
    """The notice as issued (the PDF stored on it when the leader issued it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        session, people = build_session()
        save_conclusion(user=people["staff"], session=session, **DRAFT)
        conclusion = issue_conclusion(
            user=people["leader"], session=session, number=5, issued_on=datetime.date(2024, 5, 15)
        )
        with conclusion.issued_pdf.open("rb") as handle:
            pdf_bytes = handle.read()
        result = Printed(
            document=build_notice(session),
            pdf_bytes=pdf_bytes,
            # Written replies first (by due date), then the questions still with a unit.
            expected_assignments=[
                [
                    "1",
                    "Đề nghị nâng mức hỗ trợ xây nhà cho hộ nghèo.",
                    "Giấu tên, xã Phước An",
                    "Sở Xây dựng tỉnh Bình Định",
                    "05/6/2024",
                ],
                [
                    "2",
                    "Khi nào gia đình tôi được cấp thẻ bảo hiểm y tế hộ cận nghèo?",
                    "Trần Thị Bích, xã Phước Hòa",
                    "Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước",
                    "10/6/2024",
                ],
                [
                    "3",
                    "Đất ở của tôi chưa được cấp giấy chứng nhận, đề nghị xem xét.",
                    "Trần Thị Bích, xã Phước Hòa",
                    "Phòng Tài nguyên và Môi trường huyện Tuy Phước",
                    # Given to the unit before the session, no written reply decided: its date to
                    # prepare an answer is no deadline of the notice.
                    "Chưa định hạn",
                ],
            ],
            db_attended=Attendance.objects.filter(session=session).count(),
            db_walk_ins=Attendance.objects.filter(session=session, walk_in=True).count(),
            db_invited=Participant.objects.filter(session=session).count(),
        )
        conclusion.issued_pdf.delete(save=False)
        transaction.set_rollback(True)
    return result


def _text_area(pdf) -> tuple[float, float]:
    lines = [line for page in pdf.pages for line in body_lines(page)]
    return min(line.x0 for line in lines), max(line.x1 for line in lines)


def _flow(pdf):
    """Running text lines between the title and "Nơi nhận:", outside tables."""
    first = body_lines(pdf.pages[0])
    start = find_line(first, "tại Hội nghị đối thoại chính sách về giảm nghèo năm 2024")
    end = find_line(body_lines(pdf.pages[-1]), "Nơi nhận:")
    return [
        line
        for page in pdf.pages
        for line in body_lines(page)
        if outside(line, table_bboxes(page))
        and (line.page_number, line.baseline) > (start.page_number, start.baseline + 4)
        and (line.page_number, line.baseline) < (end.page_number, end.baseline)
    ]


# ---------------------------------------------------------------- ND30 format


def test_notice_pages_a4_fonts_and_margins(printed):
    pdf = printed.pdf
    for page in pdf.pages:
        width, height = page_size_mm(page)
        assert abs(width - 210) <= 1 and abs(height - 297) <= 1
        edges = text_edges_mm(page)
        assert 30 - 0.5 <= edges["left"] <= 35
        assert edges["right"] >= 15
        assert edges["bottom"] >= 19
    assert foreign_fonts(pdf) == set()
    assert 19 <= text_edges_mm(pdf.pages[0])["top"] <= 27


def test_notice_header_quoc_hieu_motto_agency_number_and_date(printed):
    pdf, document = printed.pdf, printed.document
    page = pdf.pages[0]
    lines = body_lines(page)
    left, right = _text_area(pdf)
    nation = find_line(lines, QUOC_HIEU)
    assert nation.bold and 12 <= nation.size <= 13
    assert (nation.x_centre - left) / (right - left) >= 0.6
    motto = find_line(lines, MOTTO)
    assert motto.bold and 13 <= motto.size <= 14
    (rule,) = rules_under(page, motto)
    assert rule.width == pytest.approx(motto.width, rel=0.1)
    assert document.agency_lines == ["ỦY BAN NHÂN DÂN", "HUYỆN TUY PHƯỚC"]
    for text in document.agency_lines:
        agency = find_line(lines, text)
        assert agency.bold and agency.x_centre < left + 0.44 * (right - left)
    agency = find_line(lines, document.agency_lines[-1])
    assert 0.3 <= rules_under(page, agency)[0].width / agency.width <= 0.55
    number = find_line(lines, "Số:", startswith=True)
    assert number.text == "Số: 05/TB-UBND"
    assert re.match(r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ]+-[A-ZĐ]+$", number.text)
    date = find_line(lines, "Tuy Phước, ngày 15 tháng 5 năm 2024")
    assert date.italic and 13 <= date.size <= 14 and abs(date.baseline - number.baseline) <= 2
    assert page_number_lines(page) == []


def test_notice_title_and_subject(printed):
    pdf, document = printed.pdf, printed.document
    page = pdf.pages[0]
    lines = body_lines(page)
    left, right = _text_area(pdf)
    title = find_line(lines, "THÔNG BÁO")
    assert title.bold and 13 <= title.size <= 14
    assert abs(title.x_centre - (left + right) / 2) <= pt(2)
    assert document.summary_lines == [
        "Kết luận của Phó Chủ tịch UBND huyện Tuy Phước Nguyễn Văn Bình",
        "tại Hội nghị đối thoại chính sách về giảm nghèo năm 2024",
    ]
    subject = [find_line(lines, text) for text in document.summary_lines]
    for line in subject:
        assert line.bold and 13 <= line.size <= 14
        assert abs(line.x_centre - (left + right) / 2) <= pt(2)
    (rule,) = rules_under(page, subject[-1])
    assert 1 / 3 - 0.05 <= rule.width / max(line.width for line in subject) <= 0.55


def test_notice_body_sections_size_indent_and_end(printed):
    pdf = printed.pdf
    lines = [line for page in pdf.pages for line in body_lines(page)]
    for text in (
        "I. Ý KIẾN, KIẾN NGHỊ CỦA NGƯỜI DÂN",
        "II. KẾT LUẬN CỦA CHỦ TRÌ HỘI NGHỊ",
        "III. TỔ CHỨC THỰC HIỆN",
    ):
        section = find_line(lines, text)
        assert section.bold and section.upright and 13 <= section.size <= 14
    flow = _flow(pdf)
    size, share = dominant_size_share([c for line in flow for c in line.ink])
    assert 13 <= size <= 14 and share >= 0.9
    first = find_line(lines, "Ngày 10/5/2024, tại", startswith=True)
    assert mm(first.x0 - _text_area(pdf)[0]) == pytest.approx(12.7, abs=0.3)
    assert flow[-1].text.endswith("./.")


def test_notice_signature_and_recipients(printed):
    pdf, document = printed.pdf, printed.document
    page = pdf.pages[-1]
    lines = body_lines(page)
    left, right = _text_area(pdf)
    title = find_line(lines, "Nơi nhận:")
    assert title.bold and title.italic and title.size == 12
    assert abs(mm(title.x0 - left)) <= 0.5
    signature = [find_line(lines, text) for text in document.signature_lines]
    assert [line.text for line in signature] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert abs(title.baseline - signature[0].baseline) <= 3
    for line in signature:
        assert line.bold and 13 <= line.size <= 14 and (line.x0 - left) / (right - left) >= 0.5
        assert abs(line.x_centre - signature[0].x_centre) <= pt(2)
    name = find_line(lines, "Nguyễn Văn Bình")
    assert name.bold and name.top - signature[-1].bottom >= pt(12)
    entries = [line for line in lines if line.baseline > title.baseline and line.x1 < (left + right) / 2]
    assert [line.text for line in entries] == [
        "- Thường trực UBND huyện Tuy Phước;",
        "- Phòng Lao động - TB&XH huyện;",
        "- UBND các xã Phước Hòa, Phước An;",
        "- Lưu: VT, LĐTBXH.",
    ]
    assert all(line.size == 11 and not any(is_bold(c) for c in line.ink) for line in entries)


def test_notice_page_numbers_only_from_page_two(printed):
    pdf = printed.pdf
    assert page_number_lines(pdf.pages[0]) == []
    for page in pdf.pages[1:]:
        (number,) = page_number_lines(page)
        assert number.text == str(page.page_number)


# ---------------------------------------------------------------- wording and figures


def test_notice_figures_equal_database(printed):
    figures = printed.document.figures
    assert (figures.attended, figures.walk_ins, figures.invited) == (
        printed.db_attended,
        printed.db_walk_ins,
        printed.db_invited,
    )
    assert (figures.attended, figures.walk_ins, figures.invited, figures.quota) == (7, 2, 10, 10)
    assert (figures.questions, figures.before_session, figures.spoken, figures.written) == (5, 2, 2, 1)
    assert (figures.answered_at_session, figures.in_writing, figures.pending, figures.closed) == (1, 2, 1, 1)


def test_notice_pdf_text_is_the_drafted_wording_and_figures(printed):
    text = join_lines([line.text for line in _flow(printed.pdf)])
    expected = [
        DRAFT["opening"],
        f"Tham dự hội nghị có: {DRAFT['attendees']}",
        "Số người dân tham dự hội nghị là 7 người trên tổng số 10 người được mời, trong đó có 2 người đến "
        "dự không có giấy mời.",
        "I. Ý KIẾN, KIẾN NGHỊ CỦA NGƯỜI DÂN",
        "Hội nghị đã tiếp nhận 5 câu hỏi, kiến nghị của người dân (2 câu do các xã gửi trước hội nghị, "
        "2 câu phát biểu tại hội nghị, 1 câu viết tại hội nghị); trong đó 1 câu đã được trả lời trực tiếp "
        "tại hội nghị, 1 câu đã được trả lời bằng văn bản, 2 câu sẽ được trả lời bằng văn bản sau hội "
        "nghị, 1 câu đang được các cơ quan, đơn vị xử lý.",
        *DRAFT["summary"].split("\n"),
        "II. KẾT LUẬN CỦA CHỦ TRÌ HỘI NGHỊ",
        "Sau khi nghe ý kiến của người dân và giải đáp của các cơ quan, đơn vị, Phó Chủ tịch UBND huyện "
        "Tuy Phước Nguyễn Văn Bình kết luận:",
        *[f"{i}. {item}" for i, item in enumerate(DRAFT["conclusions"].split("\n"), start=1)],
        "III. TỔ CHỨC THỰC HIỆN",
        "Giao các cơ quan, đơn vị trả lời bằng văn bản cho người dân 3 câu hỏi, kiến nghị chưa được trả "
        "lời xong tại hội nghị, bảo đảm đúng hạn như sau:",
        "Ủy ban nhân dân huyện Tuy Phước thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./.",
    ]
    assert text == squash(" ".join(expected))
    assert [line.plain_text for line in printed.document.body if line.style != "table"] == expected


def test_notice_assignment_table_equals_database(printed):
    rows = table_rows(printed.pdf)
    body = [row for row in rows[rows.index(ASSIGNMENT_HEADER) + 1 :] if row != ASSIGNMENT_HEADER]
    assert body == printed.expected_assignments
    assert [[str(a.number), a.text, a.asker, a.unit, a.due_label] for a in printed.document.assignments] == (
        printed.expected_assignments
    )


def test_notice_draft_leaves_number_and_day_blank():
    session, people = build_session(prefix="D")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    document = render_notice(session)
    assert document.filename == f"du-thao-TB-UBND-ket-luan-phien-{session.pk}.pdf"
    with open_pdf(document.content) as pdf:
        lines = body_lines(pdf.pages[0])
        number = find_line(lines, "Số:", startswith=True)
        assert squash(number.text) == "Số: /TB-UBND"
        today = timezone.localdate()
        date = find_line(lines, "Tuy Phước, ngày", startswith=True)
        assert squash(date.text) == f"Tuy Phước, ngày tháng {today.month} năm {today.year}"


def test_notice_assignments_follow_the_questions_until_issued():
    session, people = build_session(prefix="E")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    WrittenReply.objects.filter(question=people["writing"]).update(
        document_number="90/UBND", document_date=datetime.date(2024, 5, 20), closed_at=timezone.now()
    )
    Question.objects.filter(pk=people["writing"].pk).update(status=QuestionStatus.CLOSED)
    assert [a.question_id for a in build_notice(session).assignments] == [
        people["beyond"].pk,
        people["pending"].pk,
    ]


def _page_lines(content: bytes) -> list[list[str]]:
    with open_pdf(content) as pdf:
        return [[line.squashed for line in body_lines(page)] for page in pdf.pages]


def test_render_notice_command_writes_the_draft_then_the_notice_as_issued(tmp_path):
    session, people = build_session(prefix="F")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    out = tmp_path / "tb.pdf"

    call_command("render_notice", str(session.pk), "--out", str(out), stdout=io.StringIO())
    draft = _page_lines(out.read_bytes())
    assert draft == _page_lines(render_notice(session).content)
    text = " ".join(line for page in draft for line in page)
    assert "Số: /TB-UBND" in draft[0]
    assert all(squash(item) in text for item in DRAFT["conclusions"].split("\n"))

    issued = issue_conclusion(
        user=people["leader"], session=session, number=3, issued_on=datetime.date(2024, 5, 12)
    )
    # A question answered since: a fresh rendering would drop it, the notice as issued keeps it.
    Question.objects.filter(pk=people["writing"].pk).update(status=QuestionStatus.CLOSED)
    call_command("render_notice", str(session.pk), "--out", str(out), stdout=io.StringIO())
    with issued.issued_pdf.open("rb") as handle:
        assert out.read_bytes() == handle.read()
    assert "Số: 03/TB-UBND" in _page_lines(out.read_bytes())[0]


# ---------------------------------------------------------------- drafting and issuing


def _form(**overrides) -> dict:
    return {**DRAFT, **overrides}


def test_save_conclusion_stores_ordered_items_and_replaces_them():
    session, people = build_session(prefix="G")
    conclusion = save_conclusion(user=people["staff"], session=session, **DRAFT)
    assert list(conclusion.items.values_list("position", "text")) == [
        (1, "Ghi nhận và đánh giá cao các ý kiến thẳng thắn, tâm huyết của người dân."),
        (2, "Phòng Lao động - TB&XH rà soát danh sách hộ cận nghèo để cấp thẻ bảo hiểm y tế trong tháng 6."),
        (3, "UBND các xã công khai kết quả trả lời tại nhà văn hóa thôn."),
    ]
    save_conclusion(user=people["staff"], session=session, **_form(conclusions="Ý một.\n\n  Ý hai.  "))
    assert list(ConclusionItem.objects.filter(conclusion=conclusion).values_list("position", "text")) == [
        (1, "Ý một."),
        (2, "Ý hai."),
    ]
    assert SessionConclusion.objects.filter(session=session).count() == 1


# The stored PDF is named after the session's id, free only where ids are never reused (PostgreSQL).
@pytest.mark.postgresql
def test_issued_conclusion_is_frozen():
    session, people = build_session(prefix="H")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    issue_conclusion(user=people["leader"], session=session, number=3, issued_on=datetime.date(2024, 5, 12))
    with pytest.raises(FeedbackError) as error:
        save_conclusion(user=people["staff"], session=session, **_form(summary="Khác."))
    assert error.value.message == "Thông báo kết luận đã ban hành, không sửa được nữa."
    with pytest.raises(FeedbackError) as error:
        issue_conclusion(
            user=people["leader"], session=session, number=4, issued_on=datetime.date(2024, 5, 12)
        )
    assert error.value.message == "Thông báo kết luận đã được ban hành."
    conclusion = SessionConclusion.objects.get(session=session)
    assert (conclusion.status, conclusion.number, conclusion.summary) == (
        ConclusionStatus.ISSUED,
        3,
        DRAFT["summary"],
    )
    assert conclusion.issued_pdf.name.endswith(f"03-TB-UBND-ket-luan-phien-{session.pk}.pdf")
    conclusion.issued_pdf.delete(save=False)


@pytest.mark.parametrize(
    ("number", "issued_on", "message"),
    [
        (0, datetime.date(2024, 5, 12), "Số thông báo phải là số nguyên dương."),
        (3, None, "Hãy ghi ngày ban hành thông báo."),
        (3, datetime.date(2024, 5, 9), "Ngày ban hành phải từ ngày hội nghị (10/05/2024) trở về sau."),
        (3, timezone.localdate() + datetime.timedelta(days=1), "Ngày ban hành không được sau ngày hôm nay."),
    ],
)
def test_issue_conclusion_bad_number_or_date_refused(number, issued_on, message):
    session, people = build_session(prefix="I")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    with pytest.raises(FeedbackError) as error:
        issue_conclusion(user=people["leader"], session=session, number=number, issued_on=issued_on)
    assert error.value.message == message
    assert SessionConclusion.objects.get(session=session).status == ConclusionStatus.DRAFT


def test_issue_conclusion_number_taken_by_another_notice_refused():
    session, people = build_session(prefix="J")
    other = Session.objects.create(plan=session.plan, venue_name="Nhà văn hóa thôn", time_kind="later")
    _held(other, datetime.date(2024, 5, 11))
    for each in (session, other):
        save_conclusion(user=people["staff"], session=each, **DRAFT)
    issued = issue_conclusion(
        user=people["leader"], session=other, number=7, issued_on=datetime.date(2024, 5, 12)
    )
    with pytest.raises(FeedbackError) as error:
        issue_conclusion(
            user=people["leader"], session=session, number=7, issued_on=datetime.date(2024, 5, 13)
        )
    assert error.value.message == "Số 07 năm 2024 đã được dùng cho thông báo kết luận khác."
    issued.issued_pdf.delete(save=False)


def test_issued_conclusion_numbers_are_unique_in_the_database_too():
    """Two leaders issuing the same number at the same moment: the database refuses the second."""
    session, people = build_session(prefix="U")
    other = Session.objects.create(plan=session.plan, venue_name="Nhà văn hóa thôn", time_kind="later")
    _held(other, datetime.date(2024, 5, 11))
    for each in (session, other):
        save_conclusion(user=people["staff"], session=each, **DRAFT)
    issued = issue_conclusion(
        user=people["leader"], session=other, number=8, issued_on=datetime.date(2024, 5, 12)
    )
    assert (issued.issuer_id, issued.number_year) == (session.plan.issuer_id, 2024)
    racing = session.conclusion
    racing.status, racing.number, racing.issued_on = "issued", 8, datetime.date(2024, 6, 1)
    racing.issuer_id, racing.number_year = session.plan.issuer_id, 2024
    with pytest.raises(IntegrityError), transaction.atomic():
        racing.save()
    issued.issued_pdf.delete(save=False)


# ---------------------------------------------------------------- pages and permissions


def _conclusion_session(world, *, issued=False):
    session = _held(make_session(world, date=datetime.date(2024, 5, 10)), datetime.date(2024, 5, 10))
    session.secretary = world.users["secretary"]
    session.save(update_fields=["secretary"])
    make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(5))
    save_conclusion(user=world.users["district_staff"], session=session, **DRAFT)
    if issued:
        SessionConclusion.objects.filter(session=session).update(
            status=ConclusionStatus.ISSUED, number=9, issued_on=datetime.date(2024, 5, 12)
        )
    return session


def test_conclusion_edit_page_saves_a_draft_from_the_form(world, login):
    session = make_session(world, date=datetime.date(2024, 5, 10))
    client = login(world.users["district_staff"])
    url = reverse("feedback:conclusion.edit", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["opening"] == (
        "Ngày 10/5/2024, tại Hội trường UBND xã Phước Hòa, Ủy ban nhân dân huyện Tuy Phước tổ chức Hội nghị "
        "đối thoại chính sách về giảm nghèo năm 2024 theo Kế hoạch của Ủy ban nhân dân huyện Tuy Phước. "
        "Phó Chủ tịch UBND huyện Tuy Phước chủ trì hội nghị."
    )
    assert (initial["signer_title"], initial["signer_name"]) == ("PHÓ CHỦ TỊCH", "Nguyễn Văn Bình")
    response = client.post(url, DRAFT)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:conclusion.detail", args=[session.pk])
    conclusion = SessionConclusion.objects.get(session=session)
    assert (conclusion.summary, conclusion.items.count(), conclusion.drafted_by) == (
        DRAFT["summary"],
        3,
        world.users["district_staff"],
    )
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.context["notice"].summary_lines[0] == f"Kết luận của {DRAFT['chair']}"


def test_conclusion_form_bad_input_shows_vietnamese_messages_and_saves_nothing(world, login):
    session = make_session(world, date=datetime.date(2024, 5, 10))
    client = login(world.users["district_staff"])
    url = reverse("feedback:conclusion.edit", args=[session.pk])
    response = client.post(url, _form(summary="", conclusions="  \n ", signer_name=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "summary": ["Trường này là bắt buộc."],
        "conclusions": ["Trường này là bắt buộc."],
        "signer_name": ["Trường này là bắt buộc."],
    }
    assert SessionConclusion.objects.count() == 0


def test_issue_page_with_bad_number_shows_message_and_keeps_draft(world, login):
    session = _conclusion_session(world)
    client = login(world.users["leader"])
    url = reverse("feedback:conclusion.issue", args=[session.pk])
    response = client.post(url, {"number": "0", "issued_on": "2024-05-12"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"number": ["Số thông báo phải là số nguyên dương."]}
    response = client.post(url, {"number": "2", "issued_on": "2024-05-01"})
    assert response.context["form"].non_field_errors() == [
        "Ngày ban hành phải từ ngày hội nghị (10/05/2024) trở về sau."
    ]
    assert SessionConclusion.objects.get(session=session).status == ConclusionStatus.DRAFT


def test_leader_issues_through_page_then_pdf_is_the_stored_one(world, login):
    session = _conclusion_session(world)
    client = login(world.users["leader"])
    response = client.post(
        reverse("feedback:conclusion.issue", args=[session.pk]), {"number": "2", "issued_on": "2024-05-12"}
    )
    assert response.status_code == 302
    conclusion = SessionConclusion.objects.get(session=session)
    assert (conclusion.status, conclusion.number, conclusion.issued_by) == (
        ConclusionStatus.ISSUED,
        2,
        world.users["leader"],
    )
    with conclusion.issued_pdf.open("rb") as handle:
        stored = handle.read()
    pdf = login(world.users["secretary"]).get(reverse("feedback:conclusion.pdf", args=[session.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == stored
    assert pdf["Content-Disposition"] == f'attachment; filename="02-TB-UBND-ket-luan-phien-{session.pk}.pdf"'
    # A commune reads a copy printed with only the askers' names it may read (issue 15, item 8).
    copy = login(world.users["commune_official"]).get(reverse("feedback:conclusion.pdf", args=[session.pk]))
    assert copy.status_code == 200
    assert copy.content.startswith(b"%PDF-")
    assert copy["Content-Disposition"] == pdf["Content-Disposition"]
    assert (
        login(world.users["district_staff"])
        .get(reverse("feedback:conclusion.edit", args=[session.pk]))
        .status_code
        == 403
    )
    conclusion.issued_pdf.delete(save=False)


def test_conclusion_permissions_on_a_draft(world, login):
    session = _conclusion_session(world)
    expected = {
        "district_staff": (200, 200, 403),
        "leader": (200, 403, 200),
        "secretary": (200, 200, 403),
        "commune_official": (403, 403, 403),
        "other_commune_official": (403, 403, 403),
        "department_officer": (403, 403, 403),
    }
    got = {}
    for role in expected:
        client = login(world.users[role])
        got[role] = tuple(
            client.get(reverse(f"feedback:conclusion.{name}", args=[session.pk])).status_code
            for name in ("detail", "edit", "issue")
        )
    assert got == expected


def test_secretary_of_another_session_may_not_draft(world, login):
    session = _conclusion_session(world)
    session.secretary = UserFactory(role=Role.SECRETARY, place=world.district)
    session.save(update_fields=["secretary"])
    client = login(world.users["secretary"])
    assert client.get(reverse("feedback:conclusion.edit", args=[session.pk])).status_code == 403
    with pytest.raises(FeedbackError) as error:
        save_conclusion(user=world.users["secretary"], session=session, **DRAFT)
    assert error.value.message == "Chỉ chuyên viên phòng hoặc thư ký của phiên mới soạn thông báo kết luận."


@pytest.mark.parametrize("role", ["commune_official", "department_officer"])
def test_commune_and_department_may_not_draft(world, role):
    session = _conclusion_session(world)
    with pytest.raises(FeedbackError):
        save_conclusion(user=world.users[role], session=session, **_form(summary="Sửa."))
    assert SessionConclusion.objects.get(session=session).summary == DRAFT["summary"]


def test_issued_notice_readable_by_concerned_commune_and_units_only(world, login):
    session = _conclusion_session(world, issued=True)
    got = {
        role: login(world.users[role])
        .get(reverse("feedback:conclusion.detail", args=[session.pk]))
        .status_code
        for role in ("district_staff", "commune_official", "other_commune_official", "department_officer")
    }
    assert got == {
        "district_staff": 200,
        "commune_official": 200,
        "other_commune_official": 403,
        "department_officer": 200,
    }


@pytest.mark.parametrize("name", ["detail", "edit", "issue", "pdf"])
def test_conclusion_pages_of_unknown_session_are_404(world, login, name):
    client = login(world.users["district_staff"])
    assert client.get(reverse(f"feedback:conclusion.{name}", args=[987654])).status_code == 404


def test_conclusion_pdf_of_session_without_notice_is_404(world, login):
    session = make_session(world)
    response = login(world.users["leader"]).get(reverse("feedback:conclusion.pdf", args=[session.pk]))
    assert response.status_code == 404


def test_build_notice_queries_same_for_1_and_10_open_questions(world):
    counts = []
    for questions in (1, 10):
        session = make_session(world, date=datetime.date(2024, 5, 10))
        for _ in range(questions):
            make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(5))
        save_conclusion(user=world.users["district_staff"], session=session, **DRAFT)
        with CaptureQueriesContext(connection) as queries:
            document = build_notice(session)
        assert len(document.assignments) == questions
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 9


def test_notice_recipients_typed_with_their_dashes_print_one_dash():
    session, people = build_session(prefix="R")
    typed = {
        **DRAFT,
        "recipients": "- Thường trực Huyện ủy;\n– UBND xã Phước Hòa.\nPhòng Tài chính - Kế hoạch",
    }
    save_conclusion(user=people["staff"], session=session, **typed)
    assert build_notice(session).recipients[:3] == [
        "- Thường trực Huyện ủy;",
        "- UBND xã Phước Hòa;",
        "- Phòng Tài chính - Kế hoạch;",
    ]


def test_issue_conclusion_of_a_session_not_recorded_as_held_refused():
    session, people = build_session(prefix="N")
    save_conclusion(user=people["staff"], session=session, **DRAFT)
    HeldRecord.objects.filter(session=session).delete()

    with pytest.raises(FeedbackError) as error:
        issue_conclusion(
            user=people["leader"], session=session, number=3, issued_on=datetime.date(2024, 5, 12)
        )

    assert error.value.message.startswith("Phiên chưa được ghi nhận là đã tổ chức:")
    assert SessionConclusion.objects.get(session=session).status == ConclusionStatus.DRAFT
