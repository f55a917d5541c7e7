"""The letters job through Redis and a real Celery worker with two processes: its parts, taken
by both processes at once, are counted once each and joined in list order by one merge."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from core.jobs import JobStatus
from notifications import jobs
from notifications.models import BatchJob, BatchJobPart
from tests import pdfcheck

from ..celery_worker import Worker, needs_broker, stop, wait_for
from .conftest import add_participants, make_session

COUNT = 9  # five parts of two letters (worker_settings), for two processes

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    needs_broker,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.usefixtures("broker"),
]


def test_letters_job_through_worker_counts_each_part_once_and_joins_in_order(world, smtp_server, tmp_path):
    session = make_session(world)
    add_participants(world, session, COUNT)
    log = tmp_path / "worker.log"
    worker = Worker(smtp_server, log, "letters")
    try:
        with transaction.atomic():
            job = jobs.start_letters_job(session=session, user=None)
        wait_for(
            lambda: BatchJob.objects.filter(
                pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]
            ).exists(),
            timeout=120,
            what=f"the letters job (log: {log})",
            step=0.2,
        )
    finally:
        stop(worker)

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == (JobStatus.DONE, COUNT, COUNT, "")
    parts = BatchJobPart.objects.filter(job=job)
    assert [len(ids) for ids in parts.values_list("participant_ids", flat=True)] == [2, 2, 2, 2, 1]
    assert not parts.filter(done_at__isnull=True).exists()
    assert set(parts.values_list("result", flat=True)) == {""}
    pdf = pdfcheck.open_pdf(job.result.read())
    invitees = [
        re.search(r"Trần Thị Hương \d+", pdfcheck.squash(pdfcheck.extract_text(page))).group(0)
        for page in pdf.pages
    ]
    assert invitees == [f"Trần Thị Hương {n}" for n in range(1, COUNT + 1)]
