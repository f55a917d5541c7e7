"""A real Celery worker for the tests that need one (marked ``celery_worker``): a `celery worker`
subprocess on the pytest database and the test Redis database (TEST_BROKER_URL), the fixture
that points the app at that broker for one test, and a wait helper."""

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

from dialogue_portal.celery import app

BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
CELERY = str(Path(sys.executable).with_name("celery"))
# tests/notifications/worker_settings.py names the workers' database connections so.
WORKER_APPLICATION_NAME = "dialogue-test-worker"

needs_broker = pytest.mark.skipif(
    not BROKER_URL, reason="needs TEST_BROKER_URL (a Redis database for the tests)"
)


def wait_for(condition, *, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class Worker:
    """A `celery worker` subprocess in its own process group, on the pytest database; e-mail to
    ``smtp`` (an aiosmtpd controller) when given."""

    def __init__(self, smtp, log: Path, name: str, *, concurrency: int = 2):
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
            "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
        }
        if smtp is not None:
            env.update({"EMAIL_HOST": smtp.hostname, "EMAIL_PORT": str(smtp.port)})
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "dialogue_portal",
                "worker",
                "--pool=prefork",
                "-c",
                str(concurrency),
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


def worker_connections() -> int:
    """The workers' open connections to the test database (they must close before it is dropped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name = %s",
            [connection.settings_dict["NAME"], WORKER_APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def stop(worker: Worker) -> None:
    """Stop a worker (warm shutdown) and wait for its database connections to close."""
    worker.kill(signal.SIGTERM)
    wait_for(lambda: worker_connections() == 0, timeout=30, what="the workers' database connections to close")


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
