"""The outbox: one row per email the portal sends (invitations, deadline reminders, escalations).

A row is created once per recipient, purpose, session and stage (``dedupe_key`` is unique),
so a second run of a batch or of the daily scan adds nothing. Its status moves
queued → sending → sent, or → failed with the error kept for staff to see and resend.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.files import unguessable_path
from core.jobs import TrackedJob


class Purpose(models.TextChoices):
    INVITATION = "invitation", "Giấy mời"
    REMINDER = "reminder", "Nhắc hạn"
    ESCALATION = "escalation", "Báo cáo quá hạn"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi lỗi"


class OutboxMessage(models.Model):
    purpose = models.CharField("mục đích", max_length=16, choices=Purpose.choices)
    # "invitation:s12:p345", "reminder:questions:s12:c52-550-03:d-3:u7": one row per delivery.
    dedupe_key = models.CharField("khóa chống trùng", max_length=200)
    session = models.ForeignKey(
        "dialogue_sessions.Session",
        verbose_name="phiên đối thoại",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    participant = models.ForeignKey(
        "dialogue_sessions.Participant",
        verbose_name="người tham dự",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    to_email = models.EmailField("gửi tới")
    subject = models.CharField("tiêu đề", max_length=255)
    body_text = models.TextField("nội dung (văn bản)")
    body_html = models.TextField("nội dung (HTML)", blank=True)
    status = models.CharField(
        "trạng thái", max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    # Chosen before the first SMTP attempt and kept for every retry, so a receiver can drop a
    # duplicate left by a crash between the server's acceptance and our "sent" update.
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    claimed_at = models.DateTimeField("bắt đầu gửi lúc", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư đi"
        verbose_name_plural = "hộp thư đi"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outbox_unique_delivery"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["session", "purpose", "status"], name="outbox_session_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.to_email} ({self.get_status_display()})"


class Attendance(models.Model):
    """One person checked in at the door of a session: an invited participant (read from the
    letter's QR code or found by name) or a walk-in, written down with name, commune and category."""

    session = models.ForeignKey(
        "dialogue_sessions.Session",
        verbose_name="phiên đối thoại",
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    participant = models.ForeignKey(
        "dialogue_sessions.Participant",
        verbose_name="người tham dự",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    full_name = models.CharField("họ và tên", max_length=120)
    commune = models.ForeignKey(
        "directory.Place", verbose_name="xã", on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "dialogue_sessions.ParticipantCategory",
        verbose_name="loại hộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    walk_in = models.BooleanField("đến không có giấy mời", default=False)
    # What the desk wrote down about a walk-in, to tell them apart from the invited and from each
    # other as uploads do (CCCD, else name + birth year + hamlet).
    hamlet = models.ForeignKey(
        "directory.Place",
        verbose_name="thôn, ấp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    national_id = models.CharField("số CCCD", max_length=12, blank=True)
    checked_in_at = models.DateTimeField("điểm danh lúc")
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người điểm danh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                condition=Q(participant__isnull=False),
                name="attendance_unique_participant",
            ),
            models.CheckConstraint(
                condition=Q(walk_in=True, participant__isnull=True)
                | Q(walk_in=False, participant__isnull=False),
                name="attendance_walk_in_has_no_participant",
            ),
        ]
        indexes = [models.Index(fields=["session", "commune"], name="attendance_session_commune")]

    def __str__(self) -> str:
        return self.full_name


class CancelledCheckin(models.Model):
    """A check-in undone by the desk (a wrong person marked, a walk-in written twice): who had
    checked them in and when, who undid it and when. The attendance row itself is deleted."""

    session = models.ForeignKey(
        "dialogue_sessions.Session",
        verbose_name="phiên đối thoại",
        on_delete=models.CASCADE,
        related_name="cancelled_checkins",
    )
    participant = models.ForeignKey(
        "dialogue_sessions.Participant",
        verbose_name="người tham dự",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    full_name = models.CharField("họ và tên", max_length=120)
    commune = models.ForeignKey(
        "directory.Place", verbose_name="xã", on_delete=models.PROTECT, related_name="+"
    )
    walk_in = models.BooleanField("đến không có giấy mời", default=False)
    checked_in_at = models.DateTimeField("điểm danh lúc")
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người điểm danh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("hủy lúc")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người hủy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "điểm danh đã hủy"
        verbose_name_plural = "điểm danh đã hủy"
        ordering = ["-cancelled_at", "-id"]
        indexes = [models.Index(fields=["session", "cancelled_at"], name="cancelledcheckin_session")]

    def __str__(self) -> str:
        return self.full_name


class JobKind(models.TextChoices):
    LETTERS = "letters", "Tạo tệp giấy mời"


def job_result_path(job: "BatchJob", filename: str) -> str:
    return unguessable_path(f"giay-moi/phien-{job.session_id}", filename)


class BatchJob(TrackedJob):
    """A long batch a staff member started (letters to print, emails to send), for its progress bar.

    A letters job stores ``done`` as the worker renders, every chunk of letters rather than every
    letter; a sending job's progress is read from the session's outbox (notifications.jobs)."""

    kind = models.CharField("loại", max_length=8, choices=JobKind.choices)
    session = models.ForeignKey(
        "dialogue_sessions.Session",
        verbose_name="phiên đối thoại",
        on_delete=models.CASCADE,
        related_name="batch_jobs",
    )
    commune = models.ForeignKey(
        "directory.Place",
        verbose_name="xã",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    result = models.FileField("tệp kết quả", upload_to=job_result_path, max_length=255, blank=True)

    class Meta(TrackedJob.Meta):
        verbose_name = "tác vụ hàng loạt"
        verbose_name_plural = "tác vụ hàng loạt"
        indexes = [models.Index(fields=["session", "kind", "status"], name="batchjob_session_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.session} ({self.get_status_display()})"


def job_part_path(part: "BatchJobPart", filename: str) -> str:
    return unguessable_path(f"giay-moi/phien-{part.job.session_id}/phan", filename)


class BatchJobPart(models.Model):
    """One slice of a letters job, rendered by its own task so that the worker's processes share
    the job; the job's PDF is the parts joined in ``index`` order (notifications.jobs).

    The participants are fixed when the job starts, so a part rendered again (a task delivered
    twice) prints the same letters; ``done_at`` is set once, and only that first finish counts
    towards the job's progress."""

    job = models.ForeignKey(BatchJob, verbose_name="tác vụ", on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField("thứ tự")
    participant_ids = models.JSONField("người tham dự", default=list)
    result = models.FileField("tệp", upload_to=job_part_path, max_length=255, blank=True)
    done_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "phần của tác vụ"
        verbose_name_plural = "phần của tác vụ"
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="batchjobpart_unique_index")]

    def __str__(self) -> str:
        return f"{self.job} – phần {self.index + 1}"
