"""Citizens' questions to a dialogue session, the units' answers and the written replies."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.files import unguessable_path
from core.jobs import TrackedJob


class Topic(models.Model):
    """A field of policy from the managed list ("Giảm nghèo", "Việc làm", …)."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    BEFORE_SESSION = "before_session", "Xã gửi trước hội nghị"
    SPOKEN = "spoken", "Phát biểu tại hội nghị"
    WRITTEN = "written", "Viết tại hội nghị"


class QuestionStatus(models.TextChoices):
    NEW = "new", "Mới"
    ASSIGNED = "assigned", "Đã giao đơn vị"
    ANSWER_DRAFTED = "answer_drafted", "Đơn vị đã dự thảo trả lời"
    ANSWER_APPROVED = "answer_approved", "Lãnh đạo đã duyệt trả lời"
    ANSWERED_AT_SESSION = "answered_at_session", "Đã trả lời tại hội nghị"
    TO_ANSWER_IN_WRITING = "to_answer_in_writing", "Trả lời bằng văn bản"
    CLOSED = "closed", "Đã đóng"


OPEN_STATUSES = (
    QuestionStatus.NEW,
    QuestionStatus.ASSIGNED,
    QuestionStatus.ANSWER_DRAFTED,
    QuestionStatus.ANSWER_APPROVED,
    QuestionStatus.TO_ANSWER_IN_WRITING,
)
# Statuses in which the question is in a unit's hands (and so must name the unit).
UNIT_STATUSES = (QuestionStatus.ASSIGNED, QuestionStatus.ANSWER_DRAFTED, QuestionStatus.ANSWER_APPROVED)


class Question(models.Model):
    session = models.ForeignKey(
        "dialogue_sessions.Session", verbose_name="phiên", on_delete=models.CASCADE, related_name="questions"
    )
    commune = models.ForeignKey(
        "directory.Place",
        verbose_name="xã, phường",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("nội dung câu hỏi")
    asker_name = models.CharField("họ tên người hỏi", max_length=120, blank=True)
    asker_hamlet = models.ForeignKey(
        "directory.Place",
        verbose_name="thôn, ấp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    asker_category = models.ForeignKey(
        "dialogue_sessions.ParticipantCategory",
        verbose_name="loại hộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    anonymous = models.BooleanField("giấu tên người hỏi", default=False)
    channel = models.CharField("hình thức", max_length=16, choices=Channel.choices)
    topic = models.ForeignKey(
        Topic, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="questions"
    )
    status = models.CharField(
        "trạng thái", max_length=24, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    assigned_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị trả lời",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="trùng với câu hỏi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    row_number = models.PositiveIntegerField("dòng trong tệp", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        constraints = [
            models.CheckConstraint(
                name="question_status_valid", condition=Q(status__in=QuestionStatus.values)
            ),
            models.CheckConstraint(name="question_channel_valid", condition=Q(channel__in=Channel.values)),
            models.CheckConstraint(
                name="question_unit_when_assigned",
                condition=~Q(status__in=UNIT_STATUSES)
                | Q(assigned_unit__isnull=False, due_date__isnull=False),
            ),
            models.CheckConstraint(
                name="question_not_duplicate_of_itself", condition=~Q(duplicate_of=models.F("pk"))
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_unit", "status"], name="question_unit_status"),
            models.Index(fields=["commune", "status"], name="question_commune_status"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def asker_label(self) -> str:
        if self.anonymous or not self.asker_name:
            return "Giấu tên" if self.anonymous else "Không ghi tên"
        return self.asker_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Answer(models.Model):
    """A unit's answer to a question, approved by a leader; or the answer given at the session."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("nội dung trả lời", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("ngày duyệt", null=True, blank=True)
    given_at_session = models.BooleanField("đã trả lời tại hội nghị", default=False)
    session_summary = models.TextField("tóm tắt trả lời tại hội nghị", blank=True)
    given_by = models.CharField("người trả lời tại hội nghị", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "trả lời"
        verbose_name_plural = "trả lời"
        constraints = [
            models.CheckConstraint(
                name="answer_approval_complete",
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="answer_given_by_named",
                condition=Q(given_at_session=False) | ~Q(given_by=""),
            ),
        ]

    def __str__(self) -> str:
        return (self.text or self.session_summary)[:80]


class EventKind(models.TextChoices):
    HANDED_BACK = "handed_back", "Đơn vị trả lại câu hỏi"
    ANSWER_RETURNED = "answer_returned", "Lãnh đạo trả lại dự thảo để sửa"


class QuestionEvent(models.Model):
    """A step of a question's handling that comes with a reason: a unit handing back a question
    that is not theirs, a leader returning a draft answer for changes. Shown on the question's
    page (and the hand-backs on district staff's home page); never changed once written."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("việc", max_length=20, choices=EventKind.choices)
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("lý do")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "diễn biến xử lý câu hỏi"
        verbose_name_plural = "diễn biến xử lý câu hỏi"
        constraints = [
            models.CheckConstraint(name="question_event_kind_valid", condition=Q(kind__in=EventKind.values)),
            models.CheckConstraint(name="question_event_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason[:60]}"


def reply_file_path(reply: "WrittenReply", filename: str) -> str:
    # Never served from MEDIA_URL: downloaded through feedback:reply.file, which checks the reader.
    return unguessable_path(f"feedback/tra-loi/cau-hoi-{reply.question_id}", filename)


class WrittenReply(models.Model):
    """A question to be answered in writing after the session, until the reply is sent."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="written_reply")
    competent_authority = models.CharField("cơ quan có thẩm quyền", max_length=255, blank=True)
    beyond_district = models.BooleanField("vượt thẩm quyền cấp huyện", default=False)
    due_date = models.DateField("hạn trả lời")
    document_number = models.CharField("số văn bản", max_length=60, blank=True)
    document_date = models.DateField("ngày văn bản", null=True, blank=True)
    file = models.FileField("tệp văn bản", upload_to=reply_file_path, max_length=255, blank=True)
    closed_at = models.DateTimeField("ngày đóng", null=True, blank=True)

    class Meta:
        verbose_name = "trả lời bằng văn bản"
        verbose_name_plural = "trả lời bằng văn bản"
        constraints = [
            models.CheckConstraint(
                name="written_reply_authority_when_beyond",
                condition=Q(beyond_district=False) | ~Q(competent_authority=""),
            ),
            models.CheckConstraint(
                name="written_reply_closed_has_document",
                condition=Q(closed_at__isnull=True)
                | (~Q(document_number="") & Q(document_date__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.document_number or f"Câu hỏi {self.question_id}"


class ConclusionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


def conclusion_pdf_path(conclusion: "SessionConclusion", filename: str) -> str:
    return unguessable_path(f"feedback/thong-bao-ket-luan/phien-{conclusion.session_id}", filename)


class SessionConclusion(models.Model):
    """The conclusion notice of a session (Thông báo kết luận, TB-UBND): drafted by district staff
    or the session's secretary, issued by a leader with its number and date, then frozen (the
    issued PDF is kept as printed). The figures and the assignments are read from the session's
    attendance and questions when it is printed (feedback.notice)."""

    session = models.OneToOneField(
        "dialogue_sessions.Session",
        verbose_name="phiên đối thoại",
        on_delete=models.CASCADE,
        related_name="conclusion",
    )
    status = models.CharField(
        "trạng thái", max_length=8, choices=ConclusionStatus.choices, default=ConclusionStatus.DRAFT
    )
    chair = models.CharField("người chủ trì kết luận", max_length=200)
    opening = models.TextField("đoạn mở đầu")
    attendees = models.TextField("thành phần tham dự", blank=True)
    summary = models.TextField("tóm tắt ý kiến của người dân")
    closing = models.TextField("câu kết")
    recipients = models.TextField("nơi nhận", help_text="Mỗi dòng một nơi nhận.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=80, blank=True)
    signer_delegation = models.CharField("ký thay / quyền", max_length=80, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=80)
    signer_name = models.CharField("họ tên người ký", max_length=80)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when issued: the number is unique per issuing office and year (database constraint).
    issuer = models.ForeignKey(
        "directory.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    issued_pdf = models.FileField(
        "bản ban hành (PDF)", upload_to=conclusion_pdf_path, max_length=255, blank=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thông báo kết luận"
        verbose_name_plural = "thông báo kết luận"
        constraints = [
            models.CheckConstraint(
                name="conclusion_status_valid", condition=Q(status__in=ConclusionStatus.values)
            ),
            models.CheckConstraint(
                name="conclusion_issued_has_number",
                condition=Q(status="draft") | Q(number__isnull=False, issued_on__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["issuer", "number_year", "number"],
                condition=Q(status="issued"),
                name="conclusion_number_unique_per_issuer_year",
            ),
        ]

    def __str__(self) -> str:
        return f"Thông báo kết luận – {self.session}"

    @property
    def is_issued(self) -> bool:
        return self.status == ConclusionStatus.ISSUED


class ConclusionItem(models.Model):
    """One numbered conclusion of the chair, in order."""

    conclusion = models.ForeignKey(SessionConclusion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.TextField("nội dung kết luận")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conclusion", "position"], name="conclusion_item_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


def report_job_path(job: "ReportJob", filename: str) -> str:
    return unguessable_path(f"feedback/bao-cao/ke-hoach-{job.plan_id}", filename)


class ReportJob(TrackedJob):
    """The results report of a plan printed in the worker, for its progress bar and download
    (feedback.report_jobs). Same lifecycle as notifications' BatchJob: pending → running → done
    or failed; ``done`` out of ``total`` is the share of the work, written as the layout goes.
    At most one job per plan is pending or running at a time."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="report_jobs"
    )
    total = models.PositiveIntegerField("tổng số", default=100)  # percent of the layout
    stage = models.CharField("bước", max_length=120, blank=True)
    questions = models.PositiveIntegerField("số câu hỏi", default=0)
    result = models.FileField("tệp kết quả", upload_to=report_job_path, max_length=255, blank=True)
    filename = models.CharField("tên tệp tải về", max_length=120, blank=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)

    class Meta(TrackedJob.Meta):
        verbose_name = "tác vụ in báo cáo"
        verbose_name_plural = "tác vụ in báo cáo"
        constraints = [
            *TrackedJob.Meta.constraints,
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["pending", "running"]),
                name="reportjob_one_active_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Báo cáo kết quả – kế hoạch {self.plan_id} ({self.get_status_display()})"
