"""Acceptance: the results report printed by a real Celery worker through Redis, its progress
bar moving while the worker lays the pages out, and the file downloaded when it is done."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.jobs import JobStatus
from feedback.models import ReportJob

from ..celery_worker import Worker, needs_broker, stop, wait_for
from ..pdfcheck import body_lines, find_line, open_pdf
from .test_report import build_plan, issued_by

pytestmark = [
    pytest.mark.celery_worker,
    # The worker reads what the test wrote: transactional (the topics come back in migration_data).
    pytest.mark.django_db(transaction=True),
    needs_broker,
]


@pytest.fixture(autouse=True)
def migration_data(db):
    """An earlier transactional test (browser, worker) may have flushed the rows written by data
    migrations; put the topics and participant categories back, as tests/browser/conftest.py does."""
    importlib.import_module("sessions.migrations.0004_participant_categories").create_categories(apps, None)
    importlib.import_module("feedback.migrations.0002_topics").add_topics(apps, None)


def test_report_printed_by_a_worker_with_a_moving_bar(world, login, broker, tmp_path):
    plan = build_plan(questions=400)
    plan = issued_by(plan, world.district)
    client = login(world.users["leader"])
    log = tmp_path / "worker.log"
    worker = Worker(None, log, "report", concurrency=1)
    seen: list[int] = []
    try:
        response = client.post(reverse("feedback:report.start", args=[plan.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        job = ReportJob.objects.get(plan=plan)

        def over() -> bool:
            job.refresh_from_db()
            if not seen or seen[-1] != job.done:
                seen.append(job.done)
            return job.is_over

        wait_for(over, timeout=180, what=f"the report job to finish (log: {log})", step=0.1)
    finally:
        stop(worker)

    assert (job.status, job.done, job.error) == (JobStatus.DONE, 100, "")
    # The page saw the bar between empty and full, never going back.
    assert len([done for done in seen if 0 < done < 100]) >= 3
    assert seen == sorted(seen)
    download = client.get(reverse("feedback:report.download", args=[plan.pk, job.pk]))
    assert download.status_code == 200
    with open_pdf(b"".join(download.streaming_content)) as pdf:
        assert find_line(body_lines(pdf.pages[0]), "BÁO CÁO").bold
        assert len(pdf.pages) >= 20
