"""Fast settings for the test suite; the database still comes from DATABASE_URL."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never serve collected static files.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Issued PDFs and pending uploads written by tests stay out of the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dialogue-test-media-"))
# Logins in tests go through force_login or Client.login (no request for axes); the lockout
# tests turn it on (tests/accounts/test_lockout.py).
AXES_ENABLED = False
