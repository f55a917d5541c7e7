"""Files checked but not yet confirmed: an upload waits between its preview and its confirmation.

The file is kept in the default storage (MEDIA_ROOT, shared by every web node) under a random
token, and what it is for (session, commune, file name…) in the user's session, so a token is
only good for the user who uploaded it. A preview left unconfirmed is dropped after a day: the
files hold citizens' names and must not pile up.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

MAX_AGE = 24 * 3600


class PendingUploads:
    """The pending uploads of one kind (``key`` in the user's session, files under ``directory``)."""

    def __init__(self, request, *, key: str, directory: str):
        self.request, self.key, self.directory = request, key, directory

    def _path(self, token: str) -> str:
        return f"{self.directory}/{token}.upload"

    def store(self, content: bytes, **meta: Any) -> str:
        """Keep a checked file; returns the token the confirmation form sends back."""
        self.drop_stale()
        token = secrets.token_urlsafe(24)
        default_storage.save(self._path(token), ContentFile(content))
        uploads = self.request.session.get(self.key, {})
        uploads[token] = meta
        self.request.session[self.key] = uploads
        return token

    def load(self, token: str, **expected: Any) -> tuple[dict, bytes] | None:
        """The upload's details and content, if the token is this user's, its details match
        ``expected`` (the session and commune in the URL) and the file is still there."""
        meta = self.request.session.get(self.key, {}).get(token)
        path = self._path(token)
        if not meta or any(meta.get(name) != value for name, value in expected.items()):
            return None
        if not default_storage.exists(path):
            return None
        with default_storage.open(path, "rb") as handle:
            return meta, handle.read()

    def forget(self, token: str) -> None:
        uploads = self.request.session.get(self.key, {})
        uploads.pop(token, None)
        self.request.session[self.key] = uploads
        default_storage.delete(self._path(token))

    def drop_stale(self) -> None:
        try:
            _, names = default_storage.listdir(self.directory)
        except FileNotFoundError:
            return
        limit = time.time() - MAX_AGE
        for name in names:
            path = f"{self.directory}/{name}"
            try:
                if default_storage.get_modified_time(path).timestamp() < limit:
                    default_storage.delete(path)
            except FileNotFoundError:
                pass
