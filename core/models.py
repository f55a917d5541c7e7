"""The kernel's own table: what became of each confirmed upload."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class UploadReceipt(models.Model):
    """A file confirmed into the portal (a participant list, a question list): its kind, what it
    was for (``scope``, the ids of the page, e.g. "commune=7 session=5"), its SHA-256, who and
    when. The confirmation ``token`` is unique, so a token imports once however many requests
    carry it; an import without a token (a management command) leaves it empty."""

    kind = models.CharField("loại tệp", max_length=40)
    scope = models.CharField("nhập cho", max_length=120)
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    token = models.CharField("mã xác nhận", max_length=64, null=True, blank=True, unique=True)
    filename = models.CharField("tên tệp", max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("nhập lúc", default=timezone.now)

    class Meta:
        verbose_name = "tệp đã nhập"
        verbose_name_plural = "tệp đã nhập"
        indexes = [models.Index(fields=["kind", "scope", "sha256"], name="core_receipt_file")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind}, {self.scope})"
