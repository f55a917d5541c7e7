"""The e-mails' running text, issue 14 point 10: the issuer in proper case mid-sentence
("Ủy ban nhân dân huyện Tuy Phước", never "ỦY BAN NHÂN DÂN huyện …") and titles quoted without
the full stop typed at their end."""

from notifications.models import OutboxMessage
from notifications.services import invitations

from .conftest import add_participants, make_session


def test_invitation_email_names_the_issuer_in_proper_case(world):
    session = make_session(world, name="Hội nghị đối thoại tại xã Phước Hòa.")
    add_participants(world, session, 1)

    invitations.queue_invitations(session_id=session.pk)

    message = OutboxMessage.objects.get(session=session)
    assert message.body_text.splitlines()[2] == (
        "Ủy ban nhân dân huyện Tuy Phước trân trọng kính mời Ông/Bà tới dự hội nghị đối thoại: "
        "Hội nghị đối thoại tại xã Phước Hòa."
    )
    assert "ỦY BAN NHÂN DÂN" not in message.body_text
    assert "ỦY BAN NHÂN DÂN" not in message.body_html
    assert "Ủy ban nhân dân huyện Tuy Phước trân trọng kính mời" in message.body_html
    # The title's own full stop is dropped; the sentence's own stays (once).
    assert "Phước Hòa.." not in message.body_text
