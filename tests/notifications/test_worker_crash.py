"""Acceptance: 200 invitations through Redis, a real Celery worker and a real SMTP server, with the
worker killed (SIGKILL, whole process group) in the middle of the batch and started again."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services.invitations import request_invitations

from ..celery_worker import Worker, needs_broker, stop, wait_for
from .conftest import add_participants, make_session

COUNT = 200

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    needs_broker,
    # aiosmtpd's event loop thread leaves its loop to the garbage collector.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


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
            stop(worker)

    # One more may have passed RCPT before the third arrived.
    assert COUNT // 3 <= arrived_before_crash <= COUNT // 3 + 1
    assert stuck == 2
    received = Counter(handler.recipients())
    assert len(received) == COUNT
    assert set(received.values()) == {1}
    assert set(received) == {f"nguoidan{n}@example.vn" for n in range(1, COUNT + 1)}
    assert Counter(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT: COUNT}
    assert OutboxMessage.objects.filter(attempts=2).count() == stuck
