"""Letters and e-mails to the offices named in a session's composition (issue 5, item 1)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.documents import render_invitations
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import invitations, outbox
from tests import pdfcheck

from .conftest import add_participants, make_session


@pytest.fixture
def session(world):
    session = make_session(world)
    world.unit.email = "pldtbxh@tuyphuoc.gov.vn"
    world.unit.save()
    world.other_unit.email = ""
    world.other_unit.save()
    session.invited_units.set([world.unit, world.other_unit])
    add_participants(world, session, 2)
    return session


def test_queue_invitations_one_row_per_unit_with_email_once(world, session):
    assert invitations.queue_invitations(session_id=session.pk) == 3  # 1 unit + 2 participants
    assert invitations.queue_invitations(session_id=session.pk) == 0

    row = OutboxMessage.objects.get(session=session, unit=world.unit)
    assert row.dedupe_key == f"invitation:s{session.pk}:u{world.unit.pk}"
    assert row.to_email == "pldtbxh@tuyphuoc.gov.vn"
    assert row.body_text.startswith(f"Kính gửi Lãnh đạo {world.unit.name},")
    assert "trân trọng kính mời Lãnh đạo đơn vị tới dự" in row.body_text
    assert f"<strong>Lãnh đạo {world.unit.name}</strong>" in row.body_html
    assert not OutboxMessage.objects.filter(unit=world.other_unit).exists()


def test_unit_invitation_is_sent_through_the_outbox(world, session):
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get(session=session, unit=world.unit)

    outbox.send_outbox_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    sent = [m for m in mail.outbox if m.to == ["pldtbxh@tuyphuoc.gov.vn"]]
    assert len(sent) == 1 and sent[0].subject.startswith("Giấy mời dự hội nghị đối thoại")


def test_unit_letters_one_page_each_in_gm_format_without_qr(world, session):
    # First by name, last by code: the order of the pages tells the two orders apart.
    world.other_unit.name = "Ban Chỉ huy Quân sự huyện Tuy Phước"
    world.other_unit.save()
    by_code = [unit.name for unit in sorted([world.unit, world.other_unit], key=lambda unit: unit.code)]
    assert by_code != sorted(by_code)

    document = render_invitations(session=session, units=True)
    pdf = pdfcheck.open_pdf(document.content)

    assert document.filename == f"giay-moi-phien-{session.pk}-co-quan.pdf"
    assert len(pdf.pages) == 2
    assert pdfcheck.foreign_fonts(pdf) == set()
    for name, page in zip(by_code, pdf.pages, strict=True):
        width, height = pdfcheck.page_size_mm(page)
        assert abs(width - 210) <= 1 and abs(height - 297) <= 1
        lines = pdfcheck.text_lines(page)
        texts = [line.squashed for line in lines]
        assert pdfcheck.find_line(lines, "GIẤY MỜI").bold
        assert pdfcheck.find_line(lines, "Số: /GM-UBND")
        start = next(i for i, t in enumerate(texts) if t.startswith("Ủy ban nhân dân huyện Tuy Phước"))
        assert pdfcheck.join_lines(texts[start : start + 2]) == (
            f"Ủy ban nhân dân huyện Tuy Phước trân trọng kính mời: Lãnh đạo {name}"
        )
        assert "Rất mong Lãnh đạo đơn vị đến dự đúng thời gian./." in texts
        assert pdfcheck.find_line(lines, "Nơi nhận:").italic
        assert page.images == []


def test_invitations_page_lists_units_and_those_to_print(world, session, login):
    invitations.queue_invitations(session_id=session.pk)
    client = login(world.users["district_staff"])

    page = client.get(reverse("notifications:invitations.detail", args=[session.pk])).content.decode()

    assert world.unit.name in page and world.other_unit.name in page
    assert "Không có thư điện tử – gửi giấy mời in" in page
    assert "?units=1" in page


def test_unit_letters_are_for_the_office_only(world, session, login):
    url = reverse("notifications:invitations.pdf", args=[session.pk]) + "?units=1"

    assert login(world.users["district_staff"]).get(url)["Content-Type"] == "application/pdf"
    assert login(world.users["commune_official"]).get(url).status_code == 403
    assert login(world.users["department_officer"]).get(url).status_code == 403
