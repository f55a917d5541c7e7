"""Each invitation e-mail carries its recipient's own letter (issue 14, item 10): the person's
letter, with their QR code, as a PDF named after them; a unit's e-mail its unit letter."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import invitations
from notifications.services.checkin import read_checkin_token
from sessions.models import Participant
from tests import pdfcheck

from .conftest import add_participants, make_session


@pytest.fixture
def session(world):
    session = make_session(world)
    world.unit.email = "pldtbxh@tuyphuoc.gov.vn"
    world.unit.name = "Phòng Lao động - Thương binh và Xã hội"
    world.unit.save()
    session.invited_units.set([world.unit])
    add_participants(world, session, 3)
    return session


def attachment_of(message) -> tuple[str, bytes, str]:
    (attachment,) = message.attachments
    return attachment


def test_invitation_emails_carry_each_persons_letter_with_their_qr_code(world, session):
    invitations.queue_invitations(session_id=session.pk)
    rows = list(OutboxMessage.objects.filter(session=session).order_by("id"))

    tasks.send_outbox_batch_task.run(message_ids=[row.pk for row in rows])

    assert set(OutboxMessage.objects.filter(session=session).values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 4
    for number in range(1, 4):
        person = Participant.objects.get(session=session, full_name=f"Trần Thị Hương {number}")
        name, content, mimetype = attachment_of(by_address[person.email])
        assert (name, mimetype) == (f"Giay-moi-Tran-Thi-Huong-{number}.pdf", "application/pdf")
        pdf = pdfcheck.open_pdf(content)
        assert len(pdf.pages) == 1
        text = pdfcheck.squash(pdfcheck.extract_text(pdf.pages[0]))
        assert f"kính mời: Ông/Bà Trần Thị Hương {number} (thôn Lộc Thượng, xã Phước Hòa)" in text
        assert [read_checkin_token(code) for code in pdfcheck.qr_codes(pdf.pages[0])] == [
            (session.pk, person.pk)
        ]
        assert pdfcheck.foreign_fonts(pdf) == set()
        assert "được gửi kèm thư này" in by_address[person.email].body

    name, content, _ = attachment_of(by_address["pldtbxh@tuyphuoc.gov.vn"])
    assert name == "Giay-moi-Phong-Lao-dong-Thuong-binh-va-Xa-hoi.pdf"
    pdf = pdfcheck.open_pdf(content)
    text = pdfcheck.squash(pdfcheck.extract_text(pdf.pages[0]))
    assert f"kính mời: Lãnh đạo {world.unit.name}" in text
    assert pdfcheck.qr_codes(pdf.pages[0]) == []


def test_a_sent_invitation_is_not_sent_again_with_its_letter(world, session):
    invitations.queue_invitations(session_id=session.pk)
    ids = list(OutboxMessage.objects.filter(session=session).order_by("id").values_list("id", flat=True))
    tasks.send_outbox_batch_task.run(message_ids=ids)
    tasks.send_outbox_batch_task.run(message_ids=ids)
    tasks.send_outbox_message_task.run(message_id=ids[-1])
    assert len(mail.outbox) == 4
    assert all(len(message.attachments) == 1 for message in mail.outbox)
