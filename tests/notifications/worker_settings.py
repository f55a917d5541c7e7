"""Settings for the real Celery worker started by the integration test (test_worker_crash.py).

The test suite's settings with Celery pointed at the test Redis database (TEST_BROKER_URL),
email through SMTP (EMAIL_HOST and EMAIL_PORT from the environment, read by settings.py) and
short timeouts so that a worker killed mid-batch is recovered within seconds, not an hour.
"""

import os
from pathlib import Path

from dialogue_portal.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["TEST_BROKER_URL"]
CELERY_RESULT_BACKEND = None
# Unacknowledged tasks of a dead worker come back after `visibility_timeout`; check every second.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 5
# A local SMTP conversation takes milliseconds; a row "sending" for 2 s belonged to a dead worker.
NOTIFICATIONS_SENDING_STALE_SECONDS = 2
# Named, so the test can wait for exactly these connections to close before it drops the
# test database (other tests' leftover connections are not the workers').
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = "dialogue-test-worker"  # noqa: F405
# Files the worker writes (the letters) go where the test reads them.
if os.environ.get("TEST_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["TEST_MEDIA_ROOT"])
# Letters jobs in parts of two, so that a few letters make parts for both worker processes.
NOTIFICATIONS_LETTERS_STEP = 2
