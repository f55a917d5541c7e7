"""Long batches with a progress bar: the printable letters of a session, and the sending of its emails.

A letters job is a ``BatchJob`` row the worker fills in: ``build_letters`` splits the letters into
parts (``BatchJobPart``) that the worker's processes render side by side, each part adding its
letters to ``done`` when it is stored, and ``merge_letters`` joins the parts into one PDF when the
last is in (notifications.tasks). A batch of 1,000 letters costs twenty small updates, not a
thousand, and takes both cores of the machine. A sending job stores nothing while it runs:
its progress is the number of the session's invitation rows in the outbox that are sent or
failed against all of them, read when the page asks.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from core import pdf
from core.files import delete_stored_file
from core.jobs import ACTIVE_STATUSES, JOB_FAILED, JobStatus, Progress, fail_jobs
from directory.models import Place
from sessions.models import Participant, Session
from sessions.participants.history import mark_letters_printed

from .documents import TEMPLATE, invitation_context, print_letters
from .models import BatchJob, BatchJobPart, JobKind, OutboxMessage, OutboxStatus, Purpose

logger = logging.getLogger(__name__)

# Letters per part: one task prints this many (a fraction of a second, notifications.letter_press) and then
# adds them to the job's progress, so the bar moves at the pace it polls, and the worker's
# processes take the parts of one job in turns.
LETTERS_STEP = getattr(settings, "NOTIFICATIONS_LETTERS_STEP", 50)


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
    from .tasks import build_letters_task  # noqa: PLC0415 (tasks import jobs: one way)

    job = BatchJob.objects.create(
        kind=JobKind.LETTERS,
        session=session,
        commune=commune,
        requested_by=user if user and user.is_authenticated else None,
        total=_letters_participants(session.pk, commune.pk if commune else None).count(),
    )
    transaction.on_commit(lambda: build_letters_task.delay(job_id=job.pk))
    return job


# ---------------------------------------------------------------- the letters


def letters_filename(job: BatchJob) -> str:
    """The name the person downloading the letters sees."""
    suffix = f"-{job.commune.code}" if job.commune_id else ""
    return f"giay-moi-phien-{job.session_id}{suffix}.pdf"


def _fail(job_id: int, exc: BaseException) -> None:
    logger.error("letters job %s failed", job_id, exc_info=exc)
    fail_jobs(BatchJob.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES))


def build_letters(*, job_id: int) -> BatchJob | None:
    """Start a letters job: fix who gets a letter and split them into parts of ``LETTERS_STEP``.

    Side effects: in one transaction the job goes pending → running with ``total`` set and one
    ``BatchJobPart`` per step created; the parts are rendered by ``build_letters_part`` (one task
    each, in parallel) and joined by ``merge_letters``. A job already running keeps its parts and
    its progress (a second delivery of the task); a job that is gone or over is left alone.
    Returns the job, or None when it is gone.
    """
    with transaction.atomic():
        job = (
            BatchJob.objects.select_for_update()
            .filter(pk=job_id, kind=JobKind.LETTERS, status=JobStatus.PENDING)
            .first()
        )
        if job is not None:
            # The list may have changed since the job was started; the bar counts what is printed.
            ids = list(
                _letters_participants(job.session_id, job.commune_id)
                .order_by("commune__name", "row_number", "id")
                .values_list("id", flat=True)
            )
            steps = [ids[i : i + LETTERS_STEP] for i in range(0, len(ids), LETTERS_STEP)] or [[]]
            BatchJobPart.objects.bulk_create(
                BatchJobPart(job=job, index=index, participant_ids=step) for index, step in enumerate(steps)
            )
            job.status, job.total, job.done = JobStatus.RUNNING, len(ids), 0
            job.save(update_fields=["status", "total", "done"])
            mark_letters_printed(session_id=job.session_id, participant_ids=ids)
    return BatchJob.objects.filter(pk=job_id).first()


def letters_parts_to_build(job: BatchJob) -> list[int]:
    """The ids of a running job's parts that are not rendered yet, in order."""
    if job.status != JobStatus.RUNNING:
        return []
    return list(job.parts.filter(done_at__isnull=True).order_by("index").values_list("id", flat=True))


def _render_part(job: BatchJob, participant_ids: list[int]) -> bytes:
    by_id = Participant.objects.select_related("commune", "hamlet").in_bulk(participant_ids)
    participants = [by_id[pk] for pk in participant_ids if pk in by_id]  # a deleted one is skipped
    # The day the job was asked for, so that every part prints the same date line.
    context = invitation_context(job.session, participants, today=timezone.localdate(job.created_at))
    return print_letters(context, template_name=TEMPLATE)


def build_letters_part(*, part_id: int) -> int | None:
    """Render one part of a running letters job and store it.

    Side effects: the part's PDF is saved to the default storage and, the first time only, the
    part gets ``done_at`` and the job's ``done`` grows by its letters (an increment in the
    database, so parts finishing at once in two processes both count). A rendering error marks the
    job failed with the reason. Returns the job's id when every part of it is rendered, i.e. it
    is time for ``merge_letters``, else None.
    """
    part = (
        BatchJobPart.objects.select_related(
            "job", "job__session", "job__session__plan", "job__session__plan__issuer"
        )
        .filter(pk=part_id)
        .first()
    )
    if part is None or part.job.status != JobStatus.RUNNING:
        return None
    job = part.job
    if part.done_at is None:
        try:
            content = _render_part(job, part.participant_ids)
        except Exception as exc:  # any rendering error ends the job; staff see why and start again
            _fail(job.pk, exc)
            return None
        part.result.save(f"job-{job.pk}-{part.index:04d}.pdf", ContentFile(content), save=False)
        with transaction.atomic():
            first = BatchJobPart.objects.filter(pk=part.pk, done_at__isnull=True).update(
                done_at=timezone.now(), result=part.result.name
            )
            if first:
                # A plain UPDATE: the page polling the row sees it at once.
                BatchJob.objects.filter(pk=job.pk).update(done=F("done") + len(part.participant_ids))
        if not first:  # the same part delivered twice: the other finished first and counted
            delete_stored_file(part.result)
    if BatchJobPart.objects.filter(job_id=job.pk, done_at__isnull=True).exists():
        return None
    return job.pk


def merge_letters(*, job_id: int) -> BatchJob | None:
    """Join a letters job's rendered parts into its one PDF, once.

    Side effects: when every part is rendered, the job goes running → done with ``result`` (the
    parts' pages in order) saved to the default storage, and the parts' files are deleted. The
    job's row is locked meanwhile, so a merge queued twice (two parts finishing at once) runs
    once; a job with parts still to render, or over, is left alone. Returns the job, or None.
    """
    with transaction.atomic():
        job = (
            BatchJob.objects.select_for_update()
            .filter(pk=job_id, kind=JobKind.LETTERS, status=JobStatus.RUNNING)
            .first()
        )
        if job is None:
            return BatchJob.objects.filter(pk=job_id).first()
        parts = list(job.parts.order_by("index"))
        if any(part.done_at is None for part in parts):
            return job
        try:
            content = pdf.join_pdfs(_read(part.result) for part in parts)
        except Exception:  # a part's file lost or unreadable: staff start the job again
            job.status, job.error, job.finished_at = JobStatus.FAILED, JOB_FAILED, timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            logger.exception("letters job %s failed", job.pk)
            return job
        # Named after the job's id (in a random directory, core.files): a second job never collides.
        job.result.save(f"job-{job.pk}.pdf", ContentFile(content), save=False)
        job.status, job.done, job.finished_at = JobStatus.DONE, job.total, timezone.now()
        job.save(update_fields=["status", "result", "done", "finished_at"])
    for part in parts:
        delete_stored_file(part.result)
    BatchJobPart.objects.filter(job_id=job.pk).update(result="")
    return job


def _read(field) -> bytes:
    with field.open("rb") as file:
        return file.read()


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
