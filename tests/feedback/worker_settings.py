"""Settings for the real Celery worker of test_report_worker.py: the notifications worker's
settings, writing files where the test process reads them (TEST_MEDIA_ROOT)."""

import os
from pathlib import Path

from tests.notifications.worker_settings import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["TEST_MEDIA_ROOT"])
