"""Long work a staff member starts and follows with a progress bar (letters to print, a report).

Every such job is a row of a model built on ``TrackedJob``: who asked, its status (pending →
running → done or failed), ``done`` out of ``total``, the error kept for staff and when it
finished. The app's model adds what the job is about and its result file; the app's worker task
fills the row in, and core.job_views shows its bar and serves its file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending", "Chờ chạy"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Xong"
    FAILED = "failed", "Lỗi"


# A job not over yet: at most one of a kind may be under way for the same thing.
ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)

# What staff read when a job fails on the server (the template adds "Vui lòng … thử lại"); the
# exception itself goes to the log, where the administrator looks.
JOB_FAILED = "máy chủ gặp lỗi khi tạo tệp (chi tiết đã ghi vào nhật ký hệ thống để quản trị viên kiểm tra)"


class TrackedJob(models.Model):
    """What every long job a staff member starts has, for its progress bar: who asked, its
    status (pending → running → done or failed), ``done`` out of ``total``, the error kept for
    staff, and when it finished. Subclasses add what the job is about and its result file."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "trạng thái", max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    total = models.PositiveIntegerField("tổng số", default=0)
    done = models.PositiveIntegerField("đã xong", default=0)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="%(class)s_done_le_total"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "failed"], finished_at__isnull=False)
                | Q(status__in=["pending", "running"], finished_at__isnull=True),
                name="%(class)s_finished_when_over",
            ),
        ]

    @property
    def is_over(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


@dataclass(frozen=True)
class Progress:
    """What a progress bar shows: ``done`` of ``total``, and whether it is over (and failed)."""

    done: int
    total: int
    finished: bool
    failed: bool = False

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.finished else 0
        return min(100, self.done * 100 // self.total)


def job_progress(job: TrackedJob) -> Progress:
    return Progress(
        done=job.done, total=job.total, finished=job.is_over, failed=job.status == JobStatus.FAILED
    )


def fail_jobs(jobs: QuerySet, *, error: str = JOB_FAILED) -> int:
    """Mark the jobs failed with the reason staff read, now. Side effects: one UPDATE (a plain
    one, so the page polling the row sees it at once). Returns the number of jobs marked."""
    return jobs.update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())
