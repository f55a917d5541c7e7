"""Acceptance: the results report printed by a real Celery worker through Redis, its progress
bar moving while the worker lays the pages out, and the file downloaded when it is done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from dialogue_portal.celery import app
from feedback.models import ReportJob
from notifications.models import JobStatus

from ..pdfcheck import body_lines, find_line, open_pdf
from .test_report import build_plan

BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = [
    pytest.mark.celery_worker,
    # The worker reads what the test wrote: transactional (the topics come back in migration_data).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER_URL, reason="needs TEST_BROKER_URL (a Redis database for the tests)"),
]


@pytest.fixture(autouse=True)
def migration_data(db):
    """An earlier transactional test (browser, worker) may have flushed the rows written by data
    migrations; put the topics and participant categories back, as tests/browser/conftest.py does."""
    import importlib

    from django.apps import apps

    importlib.import_module("sessions.migrations.0004_participant_categories").create_categories(apps, None)
    importlib.import_module("feedback.migrations.0002_topics").add_topics(apps, None)


def wait_for(condition, *, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def start_worker(log: Path) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.feedback.worker_settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "TEST_BROKER_URL": BROKER_URL,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{connection.settings_dict['NAME']}"
        ),
    }
    return subprocess.Popen(
        [CELERY, "-A", "dialogue_portal", "worker", "--pool=prefork", "-c", "1", "-l", "warning",
         "-n", "report@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name = 'dialogue-test-worker'",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def broker():
    """The app sends to the test Redis database for this test (the suite runs eagerly otherwise)."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        redis.Redis.from_url(BROKER_URL).flushdb()


def test_report_printed_by_a_worker_with_a_moving_bar(world, login, broker, tmp_path):
    plan = build_plan(questions=400)
    plan.issuer = world.district
    plan.save(update_fields=["issuer"])
    client = login(world.users["leader"])
    log = tmp_path / "worker.log"
    worker = start_worker(log)
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
        stop_worker(worker)
        wait_for(lambda: worker_connections() == 0, timeout=30, what="the worker's connections to close")

    assert (job.status, job.done, job.error) == (JobStatus.DONE, 100, "")
    # The page saw the bar between empty and full, never going back.
    assert len([done for done in seen if 0 < done < 100]) >= 3
    assert seen == sorted(seen)
    download = client.get(reverse("feedback:report.download", args=[plan.pk, job.pk]))
    assert download.status_code == 200
    with open_pdf(b"".join(download.streaming_content)) as pdf:
        assert find_line(body_lines(pdf.pages[0]), "BÁO CÁO").bold
        assert len(pdf.pages) >= 20
