"""A dialogue plan (Kế hoạch, KH-UBND) and its ordered parts.

The body is an ordered tree of blocks: Roman-numbered sections, numbered headings, paragraphs,
bullets and a few structured blocks (the sessions table, the clusters, the budget) that are
printed from their own models. Each seed plan in ../shared/seeds fits this tree without
free text standing in for a structured part.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.files import unguessable_path
from core.vietnamese import agency_in_sentence, in_sentence, short_date


class PlanKind(models.TextChoices):
    POVERTY = "poverty", "Đối thoại chính sách giảm nghèo"
    CHAIRMAN = "chairman", "Đối thoại của Chủ tịch UBND với Nhân dân"
    FARMERS = "farmers", "Đối thoại với hội viên nông dân"
    WOMEN = "women", "Đối thoại với cán bộ, hội viên phụ nữ"
    YOUTH = "youth", "Đối thoại với thanh niên"
    OTHER = "other", "Khác"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    ISSUED = "issued", "Đã ban hành"


# Approved or issued: the plan is in force; communes and units see it and its sessions.
PUBLISHED_STATUSES = (PlanStatus.APPROVED, PlanStatus.ISSUED)


class PlanFormat(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    HYBRID = "hybrid", "Trực tiếp kết hợp trực tuyến"


def issued_pdf_path(plan: "Plan", filename: str) -> str:
    # Never served from MEDIA_URL: plans:pdf reads it after checking the reader.
    return unguessable_path("plans/issued", filename)


class Plan(models.Model):
    # A draft is what a clerk has so far: the year, summary, place name, closing and signer may
    # still be empty (they print as blanks to fill in by hand); plans.services.completeness
    # names what is missing, and submitting or issuing refuses a plan with gaps.
    issuer = models.ForeignKey(
        "directory.Place",
        verbose_name="UBND ban hành (địa bàn)",
        on_delete=models.PROTECT,
        related_name="plans",
    )
    agency_parent = models.CharField("cơ quan chủ quản", max_length=120, blank=True)
    agency_name = models.CharField("tên cơ quan ban hành", max_length=120, default="ỦY BAN NHÂN DÂN")
    kind = models.CharField("loại đối thoại", max_length=16, choices=PlanKind.choices, default=PlanKind.OTHER)
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    doc_type = models.CharField("tên loại văn bản", max_length=40, default="KẾ HOẠCH")
    symbol = models.CharField("ký hiệu", max_length=40, default="KH-UBND")
    summary = models.TextField("trích yếu", blank=True)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    draft_month = models.PositiveSmallIntegerField("tháng (dự thảo)", null=True, blank=True)
    place_name = models.CharField("địa danh ghi ngày tháng", max_length=80, blank=True)
    preamble = models.TextField("câu dẫn sau căn cứ", blank=True)
    preamble_new_paragraph = models.BooleanField("câu dẫn xuống dòng", default=False)
    format = models.CharField(
        "hình thức", max_length=16, choices=PlanFormat.choices, default=PlanFormat.IN_PERSON
    )
    question_lead_days = models.PositiveSmallIntegerField(
        "hạn gửi câu hỏi (số ngày trước phiên)", null=True, blank=True
    )
    question_lead_working_days = models.BooleanField("tính theo ngày làm việc", default=True)
    closing = models.TextField("câu kết", blank=True)
    replaces_number = models.CharField("thay thế kế hoạch số", max_length=40, blank=True)
    replaces_date = models.DateField("ngày của kế hoạch bị thay thế", null=True, blank=True)
    replaces_issuer = models.CharField("cơ quan ban hành kế hoạch bị thay thế", max_length=120, blank=True)
    archive = models.CharField("lưu", max_length=80, default="VT")
    signer_authority = models.CharField("thẩm quyền ký", max_length=80, blank=True)
    signer_delegation = models.CharField("ký thay / quyền", max_length=80, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=80, blank=True)
    signer_name = models.CharField("họ tên người ký", max_length=80, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    issued_pdf = models.FileField("bản ban hành (PDF)", upload_to=issued_pdf_path, max_length=255, blank=True)
    issued_sha256 = models.CharField("SHA-256 bản ban hành", max_length=64, blank=True)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name="sao chép từ",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save of the editor (plans.services.editing.touch): a form rendered with
    # an older version is stale (plans.services.freshness).
    version = models.PositiveIntegerField(default=0, editable=False)
    # A digest of the last editor post that saved (user, token, posted values): the same post
    # sent again (a double click) is recognised as already saved, not refused as stale.
    edit_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-year", "-created_at"]
        permissions = [("approve_plan", "Duyệt kế hoạch"), ("issue_plan", "Ban hành kế hoạch")]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "symbol", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="plan_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status="issued", number__isnull=False, issued_on__isnull=False)
                | ~Q(status="issued"),
                name="plan_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(draft_month__isnull=True) | Q(draft_month__gte=1, draft_month__lte=12),
                name="plan_draft_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} – {self.summary_one_line}"

    @property
    def summary_one_line(self) -> str:
        """The summary on one line, as other papers quote it inside a sentence: without the full
        stop a clerk may have typed at its end ("… năm 2026, Ủy ban …", never "năm 2026., …")."""
        return in_sentence(self.summary)

    @property
    def issuer_in_sentence(self) -> str:
        """ "Ủy ban nhân dân huyện Tuy Phước": the issuing agency as named in running text (an
        e-mail, a paragraph), not in the capitals of the letterhead ("ỦY BAN NHÂN DÂN")."""
        return f"{agency_in_sentence(self.agency_name)} {self.issuer.full_name}"

    @property
    def number_label(self) -> str:
        if self.number:
            return f"{self.number:02d}/{self.symbol}"
        return f"Dự thảo /{self.symbol}"

    def symbol_for(self, kind: str) -> str:
        """The symbol of another document of the same office: "KH-UBND" → "BC-UBND" for kind "BC"."""
        _, _, office = self.symbol.partition("-")
        return f"{kind}-{office or 'UBND'}"

    @property
    def is_editable(self) -> bool:
        return self.status in {PlanStatus.DRAFT}

    @property
    def agency_lines(self) -> list[str]:
        return [self.agency_name.upper(), self.issuer.full_name.upper()]

    @property
    def replaces_sentence(self) -> str:
        if not self.replaces_number:
            return ""
        parts = [f"Kế hoạch này thay cho Kế hoạch số {self.replaces_number}"]
        if self.replaces_date:
            parts.append(f"ngày {short_date(self.replaces_date)}")
        if self.replaces_issuer:
            parts.append(f"của {self.replaces_issuer}")
        return " ".join(parts) + "."


class LegalBasisKind(models.TextChoices):
    CAN_CU = "can_cu", "Căn cứ"
    THUC_HIEN = "thuc_hien", "Thực hiện"
    TRIEN_KHAI = "trien_khai", "Triển khai thực hiện"
    CONTINUATION = "continuation", "(nối tiếp căn cứ trước)"
    ISSUED = "issued", "Ngày … ban hành …"


class LegalBasis(models.Model):
    """One reference in the preamble: "Căn cứ Quyết định số 553-QĐ/TU ngày 14/3/2017 của …"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField("loại", max_length=16, choices=LegalBasisKind.choices)
    lead = models.CharField("lời dẫn riêng", max_length=200, blank=True)
    doc_type = models.CharField("loại văn bản", max_length=80)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    date = models.DateField("ngày", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    title = models.TextField("trích yếu", blank=True)
    new_paragraph = models.BooleanField("xuống dòng trước căn cứ này", default=False)
    separator = models.CharField("dấu sau căn cứ", max_length=2, default=";")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "căn cứ"
        verbose_name_plural = "căn cứ"

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number}".strip()


class SectionRole(models.TextChoices):
    PURPOSES = "purposes", "Mục đích, yêu cầu"
    CONTENT = "content", "Nội dung, chủ đề"
    SCHEDULE = "schedule", "Thời gian, địa điểm, thành phần, hình thức"
    AGENDA = "agenda", "Chương trình hội nghị"
    BUDGET = "budget", "Kinh phí"
    ORGANIZATION = "organization", "Tổ chức thực hiện"
    OTHER = "other", "Khác"


class BlockKind(models.TextChoices):
    SECTION = "section", "Mục lớn (I, II, …)"
    HEADING = "heading", "Tiểu mục đánh số"
    PARAGRAPH = "paragraph", "Đoạn văn"
    BULLET = "bullet", "Gạch đầu dòng (-)"
    SUBBULLET = "subbullet", "Dấu cộng (+)"
    LABEL = "label", "Nhãn (không đánh số)"
    SESSIONS_TABLE = "sessions_table", "Bảng thời gian, địa điểm các phiên"
    CLUSTERS = "clusters", "Các cụm xã"
    BUDGET = "budget", "Kinh phí"


class NumberStyle(models.TextChoices):
    AUTO = "auto", "Tự động (1., 1.1.)"
    LETTER = "letter", "Chữ cái (a), b))"
    NONE = "none", "Không đánh số"


class PlanBlock(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="blocks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField("loại", max_length=16, choices=BlockKind.choices)
    role = models.CharField("vai trò của mục", max_length=16, choices=SectionRole.choices, blank=True)
    title = models.TextField("tiêu đề", blank=True)
    text = models.TextField("nội dung", blank=True)
    number_style = models.CharField(
        "cách đánh số", max_length=8, choices=NumberStyle.choices, default=NumberStyle.AUTO
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_blocks",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "khối nội dung"
        verbose_name_plural = "khối nội dung"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="section", parent__isnull=True) | ~Q(kind="section"),
                name="block_section_is_top_level",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class BudgetLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    source = models.TextField("nguồn kinh phí")
    amount = models.PositiveBigIntegerField("số tiền (đồng)", null=True, blank=True)
    decision_type = models.CharField("loại văn bản giao dự toán", max_length=60, blank=True)
    decision_number = models.CharField("số văn bản", max_length=60, blank=True)
    decision_date = models.DateField("ngày văn bản", null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "dòng kinh phí"
        verbose_name_plural = "kinh phí"

    def __str__(self) -> str:
        return self.source[:80]

    @property
    def decision_reference(self) -> str:
        if not self.decision_number:
            return ""
        ref = f"{self.decision_type or 'Quyết định'} số {self.decision_number}"
        if self.decision_date:
            ref += f" ngày {short_date(self.decision_date)}"
        return ref


class Recipient(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recipients")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("nơi nhận", max_length=200)
    suffix = models.CharField("ghi chú (b/c, t/h…)", max_length=30, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} {self.suffix}".strip()


class Appendix(models.Model):
    """An appendix page, such as the programme (CHƯƠNG TRÌNH) table of seed 004."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="appendices")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField("tiêu đề", max_length=120, default="CHƯƠNG TRÌNH")
    subtitle = models.TextField("trích yếu", blank=True)
    time_text = models.TextField("thời gian", blank=True)
    venue_text = models.TextField("địa điểm", blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "phụ lục"
        verbose_name_plural = "phụ lục"

    def __str__(self) -> str:
        return self.title


class AppendixRow(models.Model):
    appendix = models.ForeignKey(Appendix, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(default=0)
    time = models.CharField("thời gian", max_length=40)
    content = models.TextField("nội dung")
    performer = models.TextField("người thực hiện", blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.time} {self.content[:60]}"


class PlanEvent(models.Model):
    """Who changed what and when; shown on the plan page."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    description = models.TextField()
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.description}"
