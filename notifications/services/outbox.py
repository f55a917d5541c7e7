"""The outbox: send one row or a batch of rows over SMTP, queue rows again, and queue their sending
on commit (the rows themselves are created by invitations.py and reminders.py).

Delivery guarantees, and the one window we cannot close
--------------------------------------------------------
Celery runs the send tasks with ``acks_late`` and ``reject_on_worker_lost``: a task whose
worker dies is delivered again (at once when only a pool child dies; after the broker's
visibility timeout when the whole worker is killed). Sending is therefore written to be
repeatable:

1. *Claim* (own transaction, ``SELECT … FOR UPDATE SKIP LOCKED``): a row in ``queued`` or
   ``failed`` — or in ``sending`` whose claim is older than ``SENDING_STALE_AFTER``, i.e.
   left behind by a dead worker — becomes ``sending``; ``attempts`` grows and the Message-ID
   is fixed (kept for all later attempts). A ``sent`` row is never claimed again.
2. *Send inside the "sent" transaction*: we open the SMTP connection, ``UPDATE`` the row to
   ``sent`` without committing, hand the message to the server, and commit as soon as the
   server has answered 250 to the data. A worker killed before that commit leaves the row in
   ``sending`` (PostgreSQL rolls the update back), so the redelivered task sends it again
   once the claim is stale — the server never had it, or had it only in the window below.

The unavoidable window is the time between the server accepting the data (its "250" after
"." ) and PostgreSQL receiving our COMMIT: a few hundred microseconds on a local network, with
no I/O of ours in between. A worker killed exactly there causes one duplicate, carrying the
same Message-ID, which mail systems use to drop it. Closing it completely would need the
receiving server's cooperation (we may not look into its mailbox), so we keep it this small.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email import generator
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import OutboxMessage, OutboxStatus, Purpose

logger = logging.getLogger(__name__)

CLAIMABLE = (OutboxStatus.QUEUED, OutboxStatus.FAILED)


# How long a row may stay in "sending" before we take it for a dead worker's. Longer than any
# SMTP conversation (Django's SMTP backend has no timeout by default, so set EMAIL_TIMEOUT).
SENDING_STALE_AFTER = datetime.timedelta(
    seconds=getattr(settings, "NOTIFICATIONS_SENDING_STALE_SECONDS", 300)
)


# Errors worth trying again later: the server refused for now, the network failed.
TEMPORARY_ERRORS = (smtplib.SMTPException, ConnectionError, OSError)


class MessageBusy(Exception):
    """Another worker holds the row (it is sending it now); try again after ``retry_in`` seconds."""

    def __init__(self, message_id: int, retry_in: float):
        super().__init__(f"outbox message {message_id} is being sent; retry in {retry_in:.0f}s")
        self.retry_in = retry_in


def pending_message_ids(*, session_id: int | None = None, purpose: str | None = None) -> list[int]:
    """Rows that still have to go out (queued or failed)."""
    rows = OutboxMessage.objects.filter(status__in=CLAIMABLE)
    if session_id is not None:
        rows = rows.filter(session_id=session_id)
    if purpose is not None:
        rows = rows.filter(purpose=purpose)
    return list(rows.order_by("id").values_list("id", flat=True))


def unsent_notice_ids() -> list[int]:
    """Reminders and escalations still queued: the new ones of a scan, and any a worker that died
    between writing them and queueing their sending left behind (the scan, run again, adds no row)."""
    rows = OutboxMessage.objects.filter(
        status=OutboxStatus.QUEUED, purpose__in=[Purpose.REMINDER, Purpose.ESCALATION]
    )
    return list(rows.order_by("id").values_list("id", flat=True))


def resend_messages(*, message_ids: list[int]) -> int:
    """Queue failed rows again (the staff's "resend" action). Sent rows are left alone."""
    from ..tasks import send_outbox_message_task  # noqa: PLC0415 (tasks import services: one way)

    ids = list(
        OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.FAILED).values_list(
            "id", flat=True
        )
    )
    OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.QUEUED)
    for message_id in ids:
        transaction.on_commit(lambda pk=message_id: send_outbox_message_task.delay(message_id=pk))
    return len(ids)


@dataclass(frozen=True)
class SendResult:
    message_id: int
    outcome: str  # "sent", "already_sent", "gone"


def _claimable(now: datetime.datetime) -> Q:
    return Q(status__in=CLAIMABLE) | Q(status=OutboxStatus.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER)


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .filter(_claimable(now))
            .first()
        )
        if row is None:
            return None
        row.status = OutboxStatus.SENDING
        row.attempts += 1
        row.claimed_at = now
        if not row.message_id:
            row.message_id = make_msgid(idstring=f"outbox{row.pk}", domain=_mail_domain())
        row.save(update_fields=["status", "attempts", "claimed_at", "message_id"])
        return row


def _claim_read(row: OutboxMessage) -> OutboxMessage | None:
    """``_claim`` for a row read just before (with the others of its batch): one UPDATE and no
    SELECT. It only succeeds if the row is still claimable and nobody has given it a Message-ID
    since it was read; None otherwise, and ``_claim`` looks again."""
    now = timezone.now()
    message_id = row.message_id or make_msgid(idstring=f"outbox{row.pk}", domain=_mail_domain())
    claimed = (
        OutboxMessage.objects.filter(pk=row.pk, message_id=row.message_id)
        .filter(_claimable(now))
        .update(
            status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, message_id=message_id
        )
    )
    if not claimed:
        return None
    row.status, row.attempts, row.claimed_at, row.message_id = (
        OutboxStatus.SENDING,
        row.attempts + 1,
        now,
        message_id,
    )
    return row


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def describe_error(exc: BaseException) -> str:
    """The SMTP server's own words where it gave any: "550 5.1.1 Không có hộp thư này"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    # No answer from a server: say so in Vietnamese, keeping the system's words for the administrator.
    return f"Không kết nối được máy chủ thư ({type(exc).__name__}: {exc})"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _unclaimed(message_id: int) -> SendResult:
    """Why a row could not be claimed: gone, already sent, or (``MessageBusy``) another worker's."""
    current = OutboxMessage.objects.filter(pk=message_id).values("status", "claimed_at").first()
    if current is None:
        return SendResult(message_id, "gone")
    if current["status"] == OutboxStatus.SENT:
        return SendResult(message_id, "already_sent")
    claimed_at = current["claimed_at"] or timezone.now()
    retry_in = (claimed_at + SENDING_STALE_AFTER - timezone.now()).total_seconds()
    raise MessageBusy(message_id, max(retry_in, 1.0))


# What the caller attaches to the rows it sends (the invitation letters: notifications.documents,
# passed in by the tasks so that this service does not import the renderers): for the rows it is
# given, {row id: (file name, PDF bytes)}; rows missing from the answer go without attachment.
Attachments = Callable[[list[OutboxMessage]], dict[int, tuple[str, bytes]]]


class _Generator(generator.BytesGenerator):
    """The standard generator's bytes, made faster for a message with a letter attached: a
    part's lines are written at once (not one ``write`` a line, a thousand for a letter), and a
    boundary is looked for as a line only when the text holds it at all."""

    def _write_lines(self, lines):
        if lines:
            self.write(self._NL.join(generator.NLCRE.split(lines)))

    @classmethod
    def _make_boundary(cls, text=None):
        boundary = super()._make_boundary()
        needle = f"--{boundary}"
        if text is None or (needle.encode("ascii") if isinstance(text, bytes) else needle) not in text:
            return boundary
        return super()._make_boundary(text)


class _FastBytes:
    def as_bytes(self, unixfrom=False, linesep="\n"):
        buffer = io.BytesIO()
        _Generator(buffer, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return buffer.getvalue()


@functools.cache
def _fast(message_class: type) -> type:
    return type(message_class.__name__, (_FastBytes, message_class), {})


class _EmailMessage(EmailMultiAlternatives):
    def message(self):
        message = super().message()
        message.__class__ = _fast(type(message))
        return message


def _email(row: OutboxMessage, attachment: tuple[str, bytes] | None = None) -> EmailMultiAlternatives:
    email = _EmailMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={"Message-ID": row.message_id},
    )
    if row.body_html:
        email.attach_alternative(row.body_html, "text/html")
    if attachment is not None:
        email.attach(attachment[0], attachment[1], "application/pdf")
    return email


def _send_claimed(row: OutboxMessage, connection, attachment: tuple[str, bytes] | None = None) -> bool:
    """Send a claimed row over the connection inside the transaction that marks it sent
    (module docstring). False when another worker reclaimed it meanwhile (it sends it then).
    An SMTP or network error marks the row failed with the server's reason and is re-raised."""
    email = _email(row, attachment)
    email.connection = connection
    try:
        # Connect before opening the transaction (a no-op while the connection is open): only
        # the data exchange happens inside it.
        connection.open()
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=row.pk, status=OutboxStatus.SENDING, claimed_at=row.claimed_at
            ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
            if not updated:  # reclaimed as stale by another worker meanwhile: let it send
                return False
            email.send()
            # Leaving the block commits "sent": the server has just said 250.
    except TEMPORARY_ERRORS as exc:
        OutboxMessage.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.FAILED, last_error=describe_error(exc)
        )
        raise
    return True


def _close(connection) -> None:
    try:
        connection.close()
    except TEMPORARY_ERRORS:
        pass  # the messages are already sent or failed; a broken QUIT changes nothing


def send_outbox_message(*, message_id: int, attachments: Attachments | None = None) -> SendResult:
    """Send one outbox row by email, at most once unless a worker dies mid-send (module docstring).

    Side effects: the row goes to ``sending`` (own commit), then to ``sent`` with ``sent_at``
    committed right after the SMTP server accepted it. On an SMTP or network error the row
    goes to ``failed`` with the server's reason in ``last_error`` and the error is re-raised
    for the task to retry. Raises ``MessageBusy`` when another worker is sending the row.
    """
    row = _claim(message_id)
    if row is None:
        return _unclaimed(message_id)
    attachment = _attachments_of([row], attachments).get(row.pk)
    connection = get_connection(fail_silently=False)
    try:
        if not _send_claimed(row, connection, attachment):
            return SendResult(message_id, "already_sent")
    finally:
        _close(connection)
    return SendResult(message_id, "sent")


# The server answered (refused the recipient, the sender or the data): the conversation goes on,
# so the next row can use the same connection.
SERVER_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)


@dataclass(frozen=True)
class BatchResult:
    sent: list[int]
    failed: list[int]  # refused by the server: the rows are failed with its reason
    busy: list[int]  # being sent by another worker now: look again after ``retry_in`` seconds
    retry_in: float = 0.0

    @property
    def to_retry(self) -> list[int]:
        return self.failed + self.busy


def _attachments_of(
    rows: list[OutboxMessage], attachments: Attachments | None
) -> dict[int, tuple[str, bytes]]:
    """The rows' attachments, made before any of them is sent; a row whose attachment cannot be
    made goes without it (its letter can be printed) rather than not at all."""
    if attachments is None or not rows:
        return {}
    try:
        return attachments(rows)
    except Exception:  # a rendering error must not hold the invitations back
        logger.exception("attachments for outbox rows %s failed", [row.pk for row in rows])
        return {}


def send_outbox_messages(*, message_ids: list[int], attachments: Attachments | None = None) -> BatchResult:
    """Send several outbox rows over one SMTP connection, each exactly as ``send_outbox_message``
    sends one: claimed on its own (so a dead worker leaves at most the row it was sending in
    ``sending``), then marked sent in the transaction around its SMTP exchange.

    Side effects: per row as ``send_outbox_message``. A row the server refuses goes to
    ``failed`` with the reason, and the others are still sent; an error that loses the
    connection (network, server gone) fails that row and the queued rows after it with the
    reason, and is re-raised for the task's retry. Sent and gone rows are skipped, so a batch run twice sends
    nothing twice.
    """
    sent: list[int] = []
    failed: list[int] = []
    busy: list[int] = []
    retry_in = 0.0
    rows = OutboxMessage.objects.in_bulk(message_ids)  # the batch's content in one query
    # Attachments (each recipient's letter) are made for the batch at once, before the claims.
    files = _attachments_of([row for row in rows.values() if row.status != OutboxStatus.SENT], attachments)
    connection = get_connection(fail_silently=False)
    try:
        for index, message_id in enumerate(message_ids):
            read = rows.get(message_id)
            if read is not None and read.status == OutboxStatus.SENT:
                continue  # the batch delivered again
            row = (read is not None and _claim_read(read)) or _claim(message_id)
            if row is None:
                try:
                    _unclaimed(message_id)
                except MessageBusy as exc:
                    busy.append(message_id)
                    retry_in = max(retry_in, exc.retry_in)
                continue
            try:
                if _send_claimed(row, connection, files.get(message_id)):
                    sent.append(message_id)
            except SERVER_REFUSALS:
                failed.append(message_id)
            except TEMPORARY_ERRORS as exc:
                # The connection is lost (network, server gone): the rows not tried yet show why
                # they wait, and the task's retry (or the staff's resend) sends them.
                OutboxMessage.objects.filter(
                    pk__in=message_ids[index + 1 :], status=OutboxStatus.QUEUED
                ).update(status=OutboxStatus.FAILED, last_error=describe_error(exc))
                raise
    finally:
        _close(connection)
    return BatchResult(sent=sent, failed=failed, busy=busy, retry_in=retry_in)


def send_queued_on_commit(*, message_ids: list[int]) -> None:
    """Queue one send task per row once the current transaction commits."""
    from ..tasks import send_outbox_message_task  # noqa: PLC0415 (tasks import services: one way)

    for message_id in message_ids:
        transaction.on_commit(lambda pk=message_id: send_outbox_message_task.delay(message_id=pk))
