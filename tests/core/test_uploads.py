"""Checked-but-unconfirmed uploads: kept per user, matched to their page, dropped after a day;
confirmed ones: a token imports once, and the same bytes are recognised later."""

import os
import time

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from core.models import UploadReceipt
from core.uploads import (
    MAX_AGE,
    PendingUploads,
    UploadAlreadyImported,
    earlier_import,
    record_import,
    upload_scope,
)


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


def _record(content=b"list", *, token="t1", scope="commune=7 session=5", user=None):
    with transaction.atomic():
        return record_import(
            kind="participants", scope=scope, content=content, filename="ds.xlsx", user=user, token=token
        )


def test_upload_scope_names_the_ids_in_order():
    assert upload_scope(session=5, commune=7) == "commune=7 session=5"


@pytest.mark.django_db
def test_a_token_is_recorded_once_and_the_second_claim_says_when_and_by_whom(world):
    first = _record(user=world.users["commune_official"])

    with pytest.raises(UploadAlreadyImported) as refused:
        _record(b"other bytes")

    assert refused.value.receipt == first
    when = timezone.localtime(first.imported_at)
    assert refused.value.message == (
        f"Tệp này đã được nhập lúc {when:%H:%M ngày %d/%m/%Y} bởi Nguyễn Văn An; không nhập lại."
    )
    assert UploadReceipt.objects.count() == 1


@pytest.mark.django_db
def test_imports_without_token_all_keep_a_receipt():
    _record(token=None)
    _record(token=None)
    assert UploadReceipt.objects.filter(token=None).count() == 2


@pytest.mark.django_db
def test_earlier_import_matches_the_bytes_and_the_page_only():
    _record(b"list", token="a")
    latest = _record(b"list", token="b")
    _record(b"list", token="c", scope="commune=8 session=5")

    assert earlier_import(kind="participants", scope="commune=7 session=5", content=b"list") == latest
    assert earlier_import(kind="participants", scope="commune=7 session=5", content=b"list ") is None
    assert earlier_import(kind="questions", scope="commune=7 session=5", content=b"list") is None
