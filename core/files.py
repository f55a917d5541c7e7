"""Stored files (issued PDFs, written replies, job results): their names and their download.

No configuration serves MEDIA_ROOT at a URL. A stored file is read only through a view that has
checked who may read it, and that view answers with ``serve_stored_file``: the bytes themselves in
development, or, behind the web server in production, an empty response whose header tells the
server which file to send (``PROTECTED_MEDIA_REDIRECT``, README "Stored files").

Every stored name has a random directory in it (``unguessable_path``), so that a name seen once
(in a log, a worker's error) does not lead to the neighbouring files; the file's own name, which
the person downloading it may see, stays the last part.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

TOKEN_LENGTH = 22  # secrets.token_urlsafe(16)
X_ACCEL_REDIRECT = "x-accel-redirect"
X_SENDFILE = "x-sendfile"
REDIRECT_MODES = ("", X_ACCEL_REDIRECT, X_SENDFILE)

MISSING_FILE = "Không tìm thấy tệp đã lưu."


def unguessable_path(directory: str, filename: str) -> str:
    """``directory/<22 random characters>/filename``, for an ``upload_to`` function."""
    return f"{directory}/{secrets.token_urlsafe(16)}/{PurePosixPath(filename).name}"


def serve_stored_file(
    fieldfile: FieldFile, *, filename: str, as_attachment: bool = True, content_type: str | None = None
) -> HttpResponse:
    """The response a download view gives once it has checked the reader. ``filename`` is the name
    the reader sees (Content-Disposition), whatever the stored name. A file lost from the storage is
    a 404, never a 500."""
    mode = getattr(settings, "PROTECTED_MEDIA_REDIRECT", "")
    if mode not in REDIRECT_MODES:
        raise ImproperlyConfigured(f"PROTECTED_MEDIA_REDIRECT must be one of {REDIRECT_MODES}, not {mode!r}")
    if not fieldfile or not fieldfile.storage.exists(fieldfile.name):
        raise Http404(MISSING_FILE)
    if not mode:
        return FileResponse(fieldfile.open("rb"), as_attachment=as_attachment, filename=filename)
    response = HttpResponse(content_type=content_type or _content_type(filename))
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    if mode == X_ACCEL_REDIRECT:
        # nginx unescapes the URI and matches it against its `internal` location.
        prefix = settings.PROTECTED_MEDIA_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{fieldfile.name}")
    else:
        # Apache's mod_xsendfile unescapes the path (XSendFileUnescape, on by default).
        response["X-Sendfile"] = quote(fieldfile.path)
    return response


def delete_stored_file(fieldfile: FieldFile) -> None:
    """Delete the file, and its random directory (``unguessable_path``) when that is left empty."""
    if not fieldfile:
        return
    name, storage = fieldfile.name, fieldfile.storage
    fieldfile.delete(save=False)
    directory = PurePosixPath(name).parent
    if len(directory.name) != TOKEN_LENGTH:  # a name stored before the random directories
        return
    try:
        os.rmdir(storage.path(str(directory)))
    except (NotImplementedError, OSError):  # object storage has no directories; or not empty
        pass


def _content_type(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"
