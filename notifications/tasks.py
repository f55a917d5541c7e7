"""Thin Celery tasks over notifications.services: ids in, one service call each."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Purpose

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=services.TEMPORARY_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_outbox_message_task(self, *, message_id: int) -> str:
    """Send one outbox row; SMTP and network errors are retried with backoff (the row shows the
    error meanwhile). A row another worker is sending is looked at again once its claim is stale."""
    try:
        return services.send_outbox_message(message_id=message_id).outcome
    except services.MessageBusy as busy:
        raise self.retry(countdown=busy.retry_in, max_retries=MAX_RETRIES) from busy


@shared_task
def send_invitations(*, session_id: int) -> int:
    """Create the session's invitation rows and send each in its own task. Returns rows created."""
    from sessions.models import Session

    if not Session.objects.filter(pk=session_id).exists():
        return 0
    created = services.queue_invitations(session_id=session_id)
    for message_id in services.pending_message_ids(session_id=session_id, purpose=Purpose.INVITATION):
        send_outbox_message_task.delay(message_id=message_id)
    return created


@shared_task
def scan_reminders(today_iso: str | None = None) -> int:
    """The daily scan (django-celery-beat, 06:00): queue and send the reminders due today."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    rows = services.queue_reminders(today=today)
    for row in rows:
        send_outbox_message_task.delay(message_id=row.pk)
    logger.info("scan_reminders %s: %d messages queued", today, len(rows))
    return len(rows)


@shared_task
def build_letters_task(*, job_id: int) -> str:
    """Render a letters job's printable PDF (notifications.jobs.build_letters). A rendering error is
    not temporary: the job is marked failed with the reason instead of being retried."""
    from . import jobs  # loads the document renderers only in workers that build letters

    job = jobs.build_letters(job_id=job_id)
    return job.status if job is not None else "gone"
