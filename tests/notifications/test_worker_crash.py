"""Acceptance: 200 invitations through Redis, a real Celery worker and a real SMTP server, with the
worker killed (SIGKILL, whole process group) in the middle of the batch and started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from dialogue_portal.celery import app
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import request_invitations

from .conftest import add_participants, make_session

BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
COUNT = 200
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER_URL, reason="needs TEST_BROKER_URL (a Redis database for the tests)"),
    # aiosmtpd's event loop thread leaves its loop to the garbage collector.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def wait_for(condition, *, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class Worker:
    """A `celery worker` subprocess in its own process group, on the pytest database."""

    def __init__(self, smtp, log: Path, name: str):
        db = dict(settings.DATABASES["default"])
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "PYTHONPATH": str(settings.BASE_DIR),
            "TEST_BROKER_URL": BROKER_URL,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{connection.settings_dict['NAME']}"
            ),
            "EMAIL_HOST": smtp.hostname,
            "EMAIL_PORT": str(smtp.port),
            "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "dialogue_portal",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "-l",
                "warning",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig=signal.SIGKILL, timeout: float = 30):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name = 'dialogue-test-worker'",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


def _drop_connections():
    # Connections and producers made before (to the default broker) would be reused otherwise.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """The app sends to the test Redis database for this test (the suite runs eagerly otherwise)."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL)
    _drop_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_connections()
        redis.Redis.from_url(BROKER_URL).flushdb()


def test_invitations_worker_killed_mid_batch_each_arrives_once(world, smtp_server, broker, tmp_path):
    handler = smtp_server.handler
    handler.hold_after = COUNT // 3
    session = make_session(world)
    add_participants(world, session, COUNT)
    log = tmp_path / "worker.log"
    workers = [Worker(smtp_server, log, "h8-first")]
    try:
        with transaction.atomic():
            request_invitations(session_id=session.pk)

        # Both pool processes stopped at RCPT after a third of the batch: kill the whole worker.
        wait_for(lambda: handler.waiting >= 2, timeout=90, what=f"two senders held (log: {log})")
        workers[0].kill()
        arrived_before_crash = len(handler.recipients())
        stuck = OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count()
        handler.gate.set()

        workers.append(Worker(smtp_server, log, "h8-second"))
        wait_for(
            lambda: OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == COUNT,
            timeout=120,
            what=f"all rows sent (log: {log})",
            step=0.2,
        )
    finally:
        for worker in workers:
            worker.kill(signal.SIGTERM)
        wait_for(
            lambda: other_connections() == 0, timeout=30, what="the workers' database connections to close"
        )

    # One more may have passed RCPT before the third arrived.
    assert COUNT // 3 <= arrived_before_crash <= COUNT // 3 + 1
    assert stuck == 2
    received = Counter(handler.recipients())
    assert len(received) == COUNT
    assert set(received.values()) == {1}
    assert set(received) == {f"nguoidan{n}@example.vn" for n in range(1, COUNT + 1)}
    assert Counter(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT: COUNT}
    assert OutboxMessage.objects.filter(attempts=2).count() == stuck
