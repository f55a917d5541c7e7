"""Long batches with a progress bar: the printable letters of a session, and the sending of its emails.

A letters job is a ``BatchJob`` row the worker fills in (notifications.tasks.build_letters_task):
it renders the letters a chunk at a time and writes ``done`` once per chunk, so a batch of 1,000
letters costs twenty small updates, not a thousand. A sending job stores nothing while it runs:
its progress is the number of the session's invitation rows in the outbox that are sent or
failed against all of them, read when the page asks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dialogue_portal import pdf
from directory.models import Place
from sessions.models import Participant, Session

from .documents import TEMPLATE, invitation_context
from .models import BatchJob, JobKind, JobStatus, OutboxMessage, OutboxStatus, Purpose
from .services import request_invitations

logger = logging.getLogger(__name__)

# Letters rendered (and progress written) per step: a WeasyPrint layout of this many pages takes
# about a second, so the bar moves at the pace it polls.
LETTERS_STEP = 50


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    finished: bool
    failed: bool = False

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.finished else 0
        return min(100, self.done * 100 // self.total)


def _letters_participants(session_id: int, commune_id: int | None):
    participants = Participant.objects.filter(session_id=session_id)
    if commune_id is not None:
        participants = participants.filter(commune_id=commune_id)
    return participants


# ---------------------------------------------------------------- starting


def start_letters_job(*, session: Session, commune: Place | None = None, user) -> BatchJob:
    """Create a pending letters job and queue its rendering once the transaction commits.

    Side effects: inserts a ``BatchJob``; ``build_letters_task`` runs after commit.
    """
    from .tasks import build_letters_task  # tasks import jobs; import here to keep it one-way

    job = BatchJob.objects.create(
        kind=JobKind.LETTERS,
        session=session,
        commune=commune,
        requested_by=user if user and user.is_authenticated else None,
        total=_letters_participants(session.pk, commune.pk if commune else None).count(),
    )
    transaction.on_commit(lambda: build_letters_task.delay(job_id=job.pk))
    return job


def start_sending_job(*, session: Session, user) -> BatchJob:
    """Record a sending batch and ask the worker to create and send the session's invitations.

    Side effects: inserts a ``BatchJob`` (its total: the participants with an email) and queues
    ``send_invitations`` after commit (notifications.services.request_invitations).
    """
    job = BatchJob.objects.create(
        kind=JobKind.SENDING,
        session=session,
        requested_by=user if user and user.is_authenticated else None,
        status=JobStatus.RUNNING,
        total=Participant.objects.filter(session=session).exclude(email="").count(),
    )
    request_invitations(session_id=session.pk)
    return job


# ---------------------------------------------------------------- the letters


def letters_filename(job: BatchJob) -> str:
    """The name the person downloading the letters sees."""
    suffix = f"-{job.commune.code}" if job.commune_id else ""
    return f"giay-moi-phien-{job.session_id}{suffix}.pdf"


def _set_progress(job_id: int, done: int) -> None:
    # A plain UPDATE: the page polling the row sees it at once, and nothing else is rewritten.
    BatchJob.objects.filter(pk=job_id).update(done=done)


def _render_letters(job: BatchJob, participants: list[Participant]) -> bytes:
    """One PDF of the letters, laid out ``LETTERS_STEP`` at a time with ``done`` written after
    each step."""
    context = invitation_context(job.session, participants, today=timezone.localdate())
    return pdf.render_pdf_in_chunks(
        TEMPLATE,
        context,
        items_key="letters",
        chunk_size=LETTERS_STEP,
        on_chunk=lambda done: _set_progress(job.pk, done),
    )


def build_letters(*, job_id: int) -> BatchJob | None:
    """Render a letters job's PDF and store it on the job.

    Side effects: the job goes running → done with ``result`` saved to the default storage and
    ``done`` written once per ``LETTERS_STEP`` letters; an error marks it failed with the reason
    kept for staff. A job that is gone or already over is left alone (returns it unchanged or None).
    """
    claimed = BatchJob.objects.filter(
        pk=job_id, kind=JobKind.LETTERS, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).update(status=JobStatus.RUNNING, done=0)
    job = (
        BatchJob.objects.select_related("session", "session__plan", "session__plan__issuer", "commune")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not claimed:
        return job
    participants = list(
        _letters_participants(job.session_id, job.commune_id)
        .select_related("commune", "hamlet")
        .order_by("commune__name", "row_number", "id")
    )
    # The list may have changed since the job was started; the bar counts what is printed.
    BatchJob.objects.filter(pk=job.pk).update(total=len(participants))
    try:
        content = _render_letters(job, participants)
    except Exception as exc:  # any rendering error ends the job; staff see why and start again
        logger.exception("letters job %s failed", job.pk)
        BatchJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    # Stored under the job's id, so a second job for the same session never collides.
    job.result.save(f"job-{job.pk}.pdf", ContentFile(content), save=False)
    job.status = JobStatus.DONE
    job.done = job.total = len(participants)
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "done", "total", "finished_at"])
    return job


# ---------------------------------------------------------------- progress


def sending_progress(*, session_id: int, total: int = 0) -> Progress:
    """The session's invitation emails: sent or failed against all rows (or ``total`` if more)."""
    counts = OutboxMessage.objects.filter(session_id=session_id, purpose=Purpose.INVITATION).aggregate(
        rows=Count("id"),
        over=Count("id", filter=Q(status__in=[OutboxStatus.SENT, OutboxStatus.FAILED])),
        failed=Count("id", filter=Q(status=OutboxStatus.FAILED)),
    )
    total = max(total, counts["rows"])
    return Progress(
        done=counts["over"],
        total=total,
        finished=counts["over"] >= total,
        failed=counts["failed"] > 0,
    )


def job_progress(job: BatchJob) -> Progress:
    if job.kind == JobKind.SENDING:
        return sending_progress(session_id=job.session_id, total=job.total)
    return Progress(
        done=job.done, total=job.total, finished=job.is_over, failed=job.status == JobStatus.FAILED
    )
