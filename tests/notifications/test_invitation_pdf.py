import pytest

from notifications.documents import render_invitations
from notifications.services.checkin import read_checkin_token
from sessions.models import Participant
from tests import pdfcheck

from .conftest import add_participants, make_session

COUNT = 3


@pytest.fixture
def letters(world):
    session = make_session(world)
    add_participants(world, session, COUNT)
    add_participants(world, session, 1, email=False, commune=world.other_commune, start=COUNT + 1)
    document = render_invitations(session=session, commune=world.commune)
    return session, document, pdfcheck.open_pdf(document.content)


def test_render_invitations_one_a4_page_per_participant(letters):
    session, document, pdf = letters

    assert document.filename == f"giay-moi-phien-{session.pk}-52-550-03.pdf"
    assert document.content_type == "application/pdf"
    assert len(pdf.pages) == COUNT
    for page in pdf.pages:
        width, height = pdfcheck.page_size_mm(page)
        assert abs(width - 210) <= 1 and abs(height - 297) <= 1


def test_render_invitations_fonts_are_times_compatible(letters):
    _, _, pdf = letters
    assert pdfcheck.foreign_fonts(pdf) == set()


def test_render_invitations_title_bold_centred(letters):
    _, _, pdf = letters
    page = pdf.pages[0]
    lines = pdfcheck.text_lines(page)
    title = pdfcheck.find_line(lines, "GIẤY MỜI")
    left, right = pdfcheck.pt(30), float(page.width) - pdfcheck.pt(16)

    assert title.bold
    assert 13 <= title.size <= 14
    assert abs(title.x_centre - (left + right) / 2) <= pdfcheck.pt(2)
    subject = pdfcheck.find_line(lines, "Dự hội nghị đối thoại chính sách giảm nghèo năm 2024")
    assert subject.bold


def test_render_invitations_letter_lines(letters):
    _, _, pdf = letters
    for number, page in enumerate(pdf.pages, start=1):
        lines = pdfcheck.text_lines(page)
        texts = [line.squashed for line in lines]
        assert pdfcheck.find_line(lines, "Số: /GM-UBND").size == 13
        assert pdfcheck.find_line(lines, "Tuy Phước, ngày tháng", startswith=True).italic
        start = next(i for i, t in enumerate(texts) if t.startswith("Ủy ban nhân dân huyện Tuy Phước"))
        assert pdfcheck.join_lines(texts[start : start + 2]) == (
            f"Ủy ban nhân dân huyện Tuy Phước trân trọng kính mời: Ông/Bà Trần Thị Hương {number}"
            " (thôn Lộc Thượng, xã Phước Hòa)"
        )
        assert pdfcheck.find_line(lines, "Thời gian: 7h30 - 11h00, 06/5/2024.")
        assert pdfcheck.find_line(lines, "Địa điểm: Hội trường UBND xã Phước Hòa.")
        assert pdfcheck.find_line(lines, "Tới dự: Hội nghị đối thoại chính sách giảm nghèo năm 2024.")
        start = next(i for i, t in enumerate(texts) if t.startswith("Chủ trì:"))
        assert pdfcheck.join_lines(texts[start : start + 2]) == (
            "Chủ trì: Đồng chí Nguyễn Văn Bình, Phó Chủ tịch Ủy ban nhân dân huyện Tuy Phước."
        )
        assert texts.count("Rất mong Ông/Bà đến dự đúng thời gian./.") == 1
        assert pdfcheck.find_line(lines, "Nơi nhận:").italic
        assert pdfcheck.find_line(lines, "Nguyễn Văn Bình").bold


def test_render_invitations_qr_code_on_each_page_is_its_participants_token(letters):
    session, _, pdf = letters
    for number, page in enumerate(pdf.pages, start=1):
        person = Participant.objects.get(session=session, full_name=f"Trần Thị Hương {number}")
        assert len(page.images) == 1
        assert [read_checkin_token(code) for code in pdfcheck.qr_codes(page)] == [(session.pk, person.pk)]
