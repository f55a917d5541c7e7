"""Thin Celery tasks over notifications.services: ids in, one service call each."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from core.jobs import JobStatus
from sessions.models import Session

from .models import Purpose
from .services import invitations, outbox, reminders

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
# Rows per sending task: enough that opening the SMTP connection is paid rarely, few enough that
# the worker's processes share a session's invitations and a retry repeats little.
SEND_BATCH = 50


def _letters(rows):
    """Invitation e-mails carry their recipient's own letter (notifications.documents)."""
    from .documents import outbox_attachments  # noqa: PLC0415 (the renderers load only in workers that send)

    return outbox_attachments(rows)


@shared_task(
    bind=True,
    autoretry_for=outbox.TEMPORARY_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_outbox_message_task(self, *, message_id: int) -> str:
    """Send one outbox row; SMTP and network errors are retried with backoff (the row shows the
    error meanwhile). A row another worker is sending is looked at again once its claim is stale."""
    try:
        return outbox.send_outbox_message(message_id=message_id, attachments=_letters).outcome
    except outbox.MessageBusy as busy:
        raise self.retry(countdown=busy.retry_in, max_retries=MAX_RETRIES) from busy


@shared_task(
    bind=True,
    autoretry_for=outbox.TEMPORARY_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_outbox_batch_task(self, *, message_ids: list[int]) -> int:
    """Send a batch of outbox rows over one SMTP connection (outbox.send_outbox_messages).

    The rows the server refused, and those another worker holds, are tried again by a retry of
    this task with only their ids: refusals with backoff, held rows once their claim is stale. A
    lost connection is retried with backoff as a whole (its sent rows are skipped then).
    Returns the number of rows sent."""
    result = outbox.send_outbox_messages(message_ids=message_ids, attachments=_letters)
    if result.to_retry and self.request.retries >= MAX_RETRIES:
        # The refused rows stay failed with the server's reason, for staff to see and resend.
        logger.warning("outbox batch gave up after %d tries: %s", MAX_RETRIES + 1, result.to_retry)
    elif result.to_retry:
        countdown = result.retry_in
        if result.failed:
            countdown = max(
                countdown,
                get_exponential_backoff_interval(
                    factor=1, retries=self.request.retries, maximum=600, full_jitter=True
                ),
            )
        raise self.retry(
            kwargs={"message_ids": result.to_retry}, countdown=countdown, max_retries=MAX_RETRIES
        )
    return len(result.sent)


@shared_task
def send_invitations(*, session_id: int) -> int:
    """Create the session's invitation rows and send them in batches of ``SEND_BATCH``, one task
    (and one SMTP connection) each; the first batches go out while the later rows are written.
    Rows left queued or failed by an earlier run are sent again too. Returns rows created."""
    if not Session.objects.filter(pk=session_id).exists():
        return 0
    queued: set[int] = set()

    def send(message_ids: list[int]) -> None:
        for start in range(0, len(message_ids), SEND_BATCH):
            send_outbox_batch_task.delay(message_ids=message_ids[start : start + SEND_BATCH])
        queued.update(message_ids)

    created = invitations.queue_invitations(session_id=session_id, on_step=send)
    pending = outbox.pending_message_ids(session_id=session_id, purpose=Purpose.INVITATION)
    send([message_id for message_id in pending if message_id not in queued])
    return created


@shared_task
def scan_reminders(today_iso: str | None = None) -> int:
    """The daily scan (django-celery-beat, 06:00): queue and send the reminders due today."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    run = reminders.run_reminders(today=today)
    # Not only the new rows: a run redelivered after a crash finds its rows written but unsent.
    for message_id in outbox.unsent_notice_ids():
        send_outbox_message_task.delay(message_id=message_id)
    logger.info("scan_reminders %s: %d messages queued", today, len(run.messages))
    for unreached in run.unreached:
        # Staff find the same list, with phone numbers, on each session's invitations page.
        logger.warning("scan_reminders %s: no e-mail address for %s", today, unreached)
    return len(run.messages)


@shared_task
def build_letters_task(*, job_id: int) -> str:
    """Start a letters job (notifications.jobs.build_letters) and render its parts side by side,
    one task each; the last part to finish queues the merge. Delivered twice, it queues only the
    parts not rendered yet (and the merge, if none is left)."""
    from . import jobs  # noqa: PLC0415 (the document renderers load only in workers that build letters)

    job = jobs.build_letters(job_id=job_id)
    if job is None:
        return "gone"
    part_ids = jobs.letters_parts_to_build(job)
    for part_id in part_ids:
        build_letters_part_task.delay(part_id=part_id)
    if job.status == JobStatus.RUNNING and not part_ids:
        merge_letters_task.delay(job_id=job_id)
    return job.status


@shared_task
def build_letters_part_task(*, part_id: int) -> str:
    """Render one part of a letters job. A rendering error is not temporary: the job is marked
    failed with the reason instead of being retried."""
    from . import jobs  # noqa: PLC0415 (as above)

    job_id = jobs.build_letters_part(part_id=part_id)
    if job_id is not None:
        merge_letters_task.delay(job_id=job_id)
        return "last"
    return "rendered"


@shared_task
def merge_letters_task(*, job_id: int) -> str:
    """Join a letters job's parts into its one PDF (notifications.jobs.merge_letters)."""
    from . import jobs  # noqa: PLC0415 (as above)

    job = jobs.merge_letters(job_id=job_id)
    return job.status if job is not None else "gone"
