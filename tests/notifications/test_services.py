import smtplib
from email import message_from_bytes

import pytest
from django.core import mail

from dialogue_portal.celery import app
from notifications import tasks
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import checkin, invitations, outbox

from .conftest import add_participants, free_port, make_session

# aiosmtpd's event loop thread leaves its loop to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_queue_invitations_twice_adds_nothing(world):
    session = make_session(world)
    add_participants(world, session, 5)

    assert invitations.queue_invitations(session_id=session.pk) == 5
    assert invitations.queue_invitations(session_id=session.pk) == 0
    assert OutboxMessage.objects.filter(session=session).count() == 5
    # One key per person, naming the session and the participant (ids compared as numbers:
    # "p10" sorts before "p9" as text).
    rows = OutboxMessage.objects.values_list("dedupe_key", "participant_id")
    assert {key for key, _ in rows} == {f"invitation:s{session.pk}:p{pid}" for _, pid in rows}


def test_queue_invitations_participant_without_email_is_listed(world):
    session = make_session(world)
    with_email = add_participants(world, session, 2)
    without = add_participants(world, session, 1, email=False, start=3)

    assert invitations.queue_invitations(session_id=session.pk) == 2
    assert invitations.participants_without_email(session.pk) == without
    assert set(OutboxMessage.objects.values_list("participant_id", flat=True)) == {p.pk for p in with_email}


def test_send_outbox_message_locmem_marks_sent(world):
    session = make_session(world)
    add_participants(world, session, 1)
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()

    result = outbox.send_outbox_message(message_id=row.pk)

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
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    outbox.send_outbox_message(message_id=row.pk)

    result = outbox.send_outbox_message(message_id=row.pk)

    assert result.outcome == "already_sent"
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_send_outbox_message_busy_row_raises_busy(world):
    session = make_session(world)
    add_participants(world, session, 1)
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    outbox._claim(row.pk)  # another worker is sending it right now

    with pytest.raises(outbox.MessageBusy):
        outbox.send_outbox_message(message_id=row.pk)
    assert mail.outbox == []


def test_send_outbox_message_stale_sending_row_is_sent_once(world):
    session = make_session(world)
    add_participants(world, session, 1)
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()
    claimed = outbox._claim(row.pk)  # a worker claimed it and died
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=claimed.claimed_at - outbox.SENDING_STALE_AFTER)

    assert outbox.send_outbox_message(message_id=row.pk).outcome == "sent"
    assert outbox.send_outbox_message(message_id=row.pk).outcome == "already_sent"
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
    invitations.queue_invitations(session_id=session.pk)
    row = OutboxMessage.objects.get()

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.send_outbox_message(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "nguoidan1@example.vn: 550 5.1.1 Mailbox unavailable"
    assert handler.messages == []

    handler.refuse = None
    assert outbox.send_outbox_message(message_id=row.pk).outcome == "sent"
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
    token = checkin.checkin_token(session_id=12, participant_id=345)
    assert checkin.read_checkin_token(token) == (12, 345)


@pytest.fixture
def smtp_settings(smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    return smtp_server.handler


def _queued_ids(world, count: int) -> list[int]:
    session = make_session(world)
    add_participants(world, session, count)
    invitations.queue_invitations(session_id=session.pk)
    return list(OutboxMessage.objects.order_by("participant__row_number").values_list("id", flat=True))


def test_send_outbox_messages_one_connection_each_row_sent_once(world, smtp_settings):
    ids = _queued_ids(world, 3)

    result = outbox.send_outbox_messages(message_ids=ids)

    assert result == outbox.BatchResult(sent=ids, failed=[], busy=[])
    assert smtp_settings.connections == 1
    assert smtp_settings.recipients() == [f"nguoidan{n}@example.vn" for n in (1, 2, 3)]
    rows = OutboxMessage.objects.order_by("participant__row_number")
    assert [(row.status, row.attempts) for row in rows] == [(OutboxStatus.SENT, 1)] * 3
    received = [message_from_bytes(content)["Message-ID"] for _, content in smtp_settings.messages]
    assert received == [row.message_id for row in rows]

    # The batch delivered again: nothing goes out twice.
    assert outbox.send_outbox_messages(message_ids=ids) == outbox.BatchResult(sent=[], failed=[], busy=[])
    assert len(smtp_settings.messages) == 3
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1]


def test_send_outbox_messages_refusal_fails_that_row_with_reason(world, smtp_settings):
    first, refused, last = _queued_ids(world, 3)
    smtp_settings.refuse = "550 5.1.1 Mailbox unavailable"
    smtp_settings.refuse_only = {"nguoidan2@example.vn"}

    result = outbox.send_outbox_messages(message_ids=[first, refused, last])

    assert result == outbox.BatchResult(sent=[first, last], failed=[refused], busy=[])
    assert result.to_retry == [refused]
    assert smtp_settings.connections == 1
    assert smtp_settings.recipients() == ["nguoidan1@example.vn", "nguoidan3@example.vn"]
    row = OutboxMessage.objects.get(pk=refused)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.FAILED, 1, None)
    assert row.last_error == "nguoidan2@example.vn: 550 5.1.1 Mailbox unavailable"
    assert set(OutboxMessage.objects.exclude(pk=refused).values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }


def test_send_outbox_messages_row_held_by_another_worker_is_left_to_it(world):
    first, held = _queued_ids(world, 2)
    outbox._claim(held)  # another worker is sending it right now

    result = outbox.send_outbox_messages(message_ids=[first, held])

    assert (result.sent, result.failed, result.busy) == ([first], [], [held])
    assert 1 <= result.retry_in <= outbox.SENDING_STALE_AFTER.total_seconds()
    assert [message.to for message in mail.outbox] == [["nguoidan1@example.vn"]]
    assert OutboxMessage.objects.get(pk=held).status == OutboxStatus.SENDING


def test_send_outbox_messages_lost_connection_fails_the_rest_with_reason(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    first, second = _queued_ids(world, 2)

    with pytest.raises(ConnectionRefusedError):
        outbox.send_outbox_messages(message_ids=[first, second])

    first_row, second_row = OutboxMessage.objects.get(pk=first), OutboxMessage.objects.get(pk=second)
    assert first_row.last_error.startswith("Không kết nối được máy chủ thư (ConnectionRefusedError: ")
    assert (first_row.status, first_row.attempts) == (OutboxStatus.FAILED, 1)
    # Not tried: failed with the same reason, to be claimed by the retry like any failed row.
    assert (second_row.status, second_row.attempts) == (OutboxStatus.FAILED, 0)
    assert second_row.last_error == first_row.last_error


def test_send_invitations_task_sends_in_batches_each_once(world, smtp_settings, monkeypatch):
    monkeypatch.setattr(tasks, "SEND_BATCH", 2)
    session = make_session(world)
    add_participants(world, session, 5)

    assert tasks.send_invitations(session_id=session.pk) == 5

    assert smtp_settings.connections == 3
    assert sorted(smtp_settings.recipients()) == sorted(f"nguoidan{n}@example.vn" for n in range(1, 6))
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


def test_send_outbox_batch_task_retries_refused_row_then_keeps_it_failed(world, smtp_settings, monkeypatch):
    ids = _queued_ids(world, 2)
    smtp_settings.refuse = "550 5.1.1 Mailbox unavailable"
    smtp_settings.refuse_only = {"nguoidan2@example.vn"}
    # Eager tasks run their retries at once (without the countdown) unless the Retry propagates.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)

    result = tasks.send_outbox_batch_task.delay(message_ids=ids)

    # The last try, with only the refused row, gives up quietly: the row shows why.
    assert result.get() == 0

    sent, refused = OutboxMessage.objects.order_by("participant__row_number")
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 1)
    assert (refused.status, refused.attempts) == (OutboxStatus.FAILED, tasks.MAX_RETRIES + 1)
    assert refused.last_error == "nguoidan2@example.vn: 550 5.1.1 Mailbox unavailable"
    assert smtp_settings.recipients() == ["nguoidan1@example.vn"]
    assert smtp_settings.connections == tasks.MAX_RETRIES + 1


def test_queue_invitations_hands_each_step_to_the_sender(world):
    session = make_session(world)
    add_participants(world, session, 5)
    steps = []

    assert invitations.queue_invitations(session_id=session.pk, step=2, on_step=steps.append) == 5

    ids = list(OutboxMessage.objects.order_by("participant__row_number").values_list("id", flat=True))
    assert steps == [ids[0:2], ids[2:4], ids[4:5]]
    assert invitations.queue_invitations(session_id=session.pk, step=2, on_step=steps.append) == 0
    assert len(steps) == 3


def test_send_invitations_task_sends_rows_left_by_an_earlier_run(world, smtp_settings):
    session = make_session(world)
    add_participants(world, session, 2)
    invitations.queue_invitations(session_id=session.pk)
    OutboxMessage.objects.filter(to_email="nguoidan1@example.vn").update(
        status=OutboxStatus.FAILED, attempts=6, last_error="451 4.3.0 Try again later"
    )
    add_participants(world, session, 1, start=3)

    assert tasks.send_invitations(session_id=session.pk) == 1

    assert sorted(smtp_settings.recipients()) == [f"nguoidan{n}@example.vn" for n in (1, 2, 3)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
