"""Files checked but not yet confirmed, and files confirmed.

An upload waits between its preview and its confirmation: the file is kept in the default
storage (MEDIA_ROOT, shared by every web node) under a random token, and what it is for
(session, commune, file name…) in the user's session, so a token is only good for the user who
uploaded it. A preview left unconfirmed is dropped after a day: the files hold citizens' names
and must not pile up.

A confirmed upload leaves an `UploadReceipt` (core.models), written by the import in its own
transaction (`record_import`): the token's unique row makes a token import once however many
requests carry it, and the file's SHA-256 lets a later upload of the same bytes be recognised
(`earlier_import`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import UploadReceipt

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

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


# ---------------------------------------------------------------- confirmed uploads


class UploadAlreadyImported(Exception):
    """The confirmation's token was used by an import that is committed: ``message`` says when
    and by whom."""

    def __init__(self, receipt: UploadReceipt):
        self.receipt = receipt
        self.message = f"Tệp này đã được nhập {imported_when(receipt)}; không nhập lại."
        super().__init__(self.message)


def upload_scope(**ids: int) -> str:
    """What an upload is for, as kept on its receipt: upload_scope(session=5, commune=7) ->
    "commune=7 session=5"."""
    return " ".join(f"{name}={value}" for name, value in sorted(ids.items()))


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def imported_when(receipt: UploadReceipt) -> str:
    """ "lúc 00:15 ngày 08/12/2026 bởi Nguyễn Văn An" (the user's name, or the command line)."""
    moment = timezone.localtime(receipt.imported_at).strftime("%H:%M ngày %d/%m/%Y")
    who = str(receipt.imported_by) if receipt.imported_by_id else "lệnh quản trị"
    return f"lúc {moment} bởi {who}"


def earlier_import(*, kind: str, scope: str, content: bytes) -> UploadReceipt | None:
    """The last import of these very bytes for the same page (`kind` and `scope`), if any. One query."""
    return (
        UploadReceipt.objects.filter(kind=kind, scope=scope, sha256=content_hash(content))
        .select_related("imported_by")
        .order_by("-imported_at", "-pk")
        .first()
    )


def repeated_file_notice(receipt: UploadReceipt) -> str:
    """What a preview says of a file imported before."""
    return f"Tệp này đã được nhập {imported_when(receipt)} (tệp «{receipt.filename}»)."


def record_import(
    *,
    kind: str,
    scope: str,
    content: bytes,
    filename: str,
    user: AbstractBaseUser | None,
    token: str | None,
) -> UploadReceipt:
    """Claim `token` for this import and keep the file's hash. Call it inside the import's
    transaction, before writing: the receipt commits or rolls back with the import, so a failed
    import leaves the token usable.

    A concurrent import with the same token waits on the token's unique index until this one
    ends; if this one committed, that one's insert fails and it raises UploadAlreadyImported."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_import belongs inside the import's transaction.")
    try:
        with transaction.atomic():
            return UploadReceipt.objects.create(
                kind=kind,
                scope=scope,
                sha256=content_hash(content),
                token=token or None,
                filename=filename[:255],
                imported_by=user,
            )
    except IntegrityError:
        receipt = UploadReceipt.objects.select_related("imported_by").filter(token=token).first()
        if not token or receipt is None:
            raise
        raise UploadAlreadyImported(receipt) from None


def receipt_for_token(token: str) -> UploadReceipt | None:
    """The receipt of the import that used `token`, if one did."""
    if not token:
        return None
    return UploadReceipt.objects.select_related("imported_by").filter(token=token).first()
