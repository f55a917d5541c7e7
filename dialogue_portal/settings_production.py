"""Production settings: no default secret, HTTPS only, static files through whitenoise, stored
files handed to nginx after the permission check."""

import os

from .settings import *  # noqa: F403
from .settings import env_bool, env_list

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise RuntimeError("ALLOWED_HOSTS must be set in production")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # the PDF preview view opts in with xframe_options_sameorigin
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# The download views answer with the header only; nginx sends the file from an `internal`
# location (README, "Stored files"). An empty value makes the web workers stream the bytes.
PROTECTED_MEDIA_REDIRECT = os.environ.get("PROTECTED_MEDIA_REDIRECT", "x-accel-redirect")
if PROTECTED_MEDIA_REDIRECT not in ("", "x-accel-redirect", "x-sendfile"):
    raise RuntimeError('PROTECTED_MEDIA_REDIRECT must be "x-accel-redirect", "x-sendfile" or empty')
