import smtplib
from email import message_from_bytes

import pytest
from django.core import mail

from notifications import services
from notifications.models import OutboxMessage, OutboxStatus

from .conftest import add_participants, make_session

# aiosmtpd's event loop thread leaves its loop to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_queue_invitations_twice_adds_nothing(world):
    session = make_session(world)
    add_participants(world, session, 5)

    assert services.queue_invitations(session_id=session.pk) == 5
    assert services.queue_invitations(session_id=session.pk) == 0
    assert OutboxMessage.objects.filter(session=session).count() == 5
    keys = sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert (
        keys[0]
        == f"invitation:s{session.pk}:p{OutboxMessage.objects.order_by('participant_id').first().participant_id}"
    )


def test_queue_invitations_participant_without_email_is_listed(world):
    session = make_session(world)
    with_email = add_participants(world, session, 2)
    without = add_participants(world, session, 1, email=False, start=3)

    assert services.queue_invitations(session_id=session.pk) == 2
    assert services.participants_without_email(session.pk) == without
    assert set(OutboxMessage.objects.values_list("participant_id", flat=True)) == {p.pk for p in with_email}


def test_send_outbox_message_locmem_marks_sent(world):
    session = make_session(world)
    add_participants(world, session, 1)
    services.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()

    result = services.send_outbox_message(message_id=row.pk)

    row.refresh_from_db()
    assert result.outcome == "sent"
    assert row.status == OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["nguoidan1@example.vn"]
    assert sent.subject == "Giấy mời dự hội nghị đối thoại: Hội trường UBND xã Phước Hòa"
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert sent.alternatives[0][1] == "text/html"
    assert "trân trọng kính mời Ông/Bà tới dự hội nghị đối thoại" in sent.body


def test_send_outbox_message_sent_row_is_not_sent_again(world):
    session = make_session(world)
    add_participants(world, session, 1)
    services.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    services.send_outbox_message(message_id=row.pk)

    result = services.send_outbox_message(message_id=row.pk)

    assert result.outcome == "already_sent"
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_send_outbox_message_busy_row_raises_busy(world):
    session = make_session(world)
    add_participants(world, session, 1)
    services.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    services._claim(row.pk)  # another worker is sending it right now

    with pytest.raises(services.MessageBusy):
        services.send_outbox_message(message_id=row.pk)
    assert mail.outbox == []


def test_send_outbox_message_stale_sending_row_is_sent_once(world):
    session = make_session(world)
    add_participants(world, session, 1)
    services.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    claimed = services._claim(row.pk)  # a worker claimed it and died
    OutboxMessage.objects.filter(pk=row.pk).update(
        claimed_at=claimed.claimed_at - services.SENDING_STALE_AFTER
    )

    assert services.send_outbox_message(message_id=row.pk).outcome == "sent"
    assert services.send_outbox_message(message_id=row.pk).outcome == "already_sent"
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.message_id == claimed.message_id
    assert len(mail.outbox) == 1


def test_send_outbox_message_smtp_refusal_fails_then_retry_succeeds(world, smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    handler = smtp_server.handler
    handler.refuse = "550 5.1.1 Mailbox unavailable"
    session = make_session(world)
    add_participants(world, session, 1)
    services.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.send_outbox_message(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "nguoidan1@example.vn: 550 5.1.1 Mailbox unavailable"
    assert handler.messages == []

    handler.refuse = None
    assert services.send_outbox_message(message_id=row.pk).outcome == "sent"
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2
    assert handler.recipients() == ["nguoidan1@example.vn"]
    received = message_from_bytes(handler.messages[0][1])
    assert received["Message-ID"] == row.message_id
    assert [part.get_content_type() for part in received.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_checkin_token_round_trip(world):
    token = services.checkin_token(session_id=12, participant_id=345)
    assert services.read_checkin_token(token) == (12, 345)
