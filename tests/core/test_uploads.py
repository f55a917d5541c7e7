"""Checked-but-unconfirmed uploads: kept per user, matched to their page, dropped after a day."""

import os
import time

from django.core.files.storage import default_storage
from django.test import RequestFactory

from core.uploads import MAX_AGE, PendingUploads


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    return request


def test_pending_upload_is_loaded_only_with_matching_details_then_forgotten(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = _request()
    uploads = PendingUploads(request, key="k", directory="uploads/test")
    token = uploads.store(b"content", session=1, commune=2, filename="a.xlsx")

    assert uploads.load(token, session=1, commune=2) == (
        {"session": 1, "commune": 2, "filename": "a.xlsx"},
        b"content",
    )
    assert uploads.load(token, session=1, commune=3) is None  # another commune's page
    assert (
        PendingUploads(_request(), key="k", directory="uploads/test").load(token, session=1) is None
    )  # another user
    uploads.forget(token)
    assert uploads.load(token, session=1, commune=2) is None
    assert default_storage.listdir("uploads/test")[1] == []


def test_unconfirmed_uploads_older_than_a_day_are_dropped(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    uploads = PendingUploads(_request(), key="k", directory="uploads/test")
    old = uploads.store(b"old")
    aged = time.time() - MAX_AGE - 60
    os.utime(tmp_path / "uploads" / "test" / f"{old}.upload", (aged, aged))

    fresh = uploads.store(b"new")

    assert default_storage.listdir("uploads/test")[1] == [f"{fresh}.upload"]
