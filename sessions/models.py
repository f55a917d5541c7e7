"""Dialogue sessions of a plan: when and where, who is invited, and each commune's quota."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.phones import PHONE_MAX_LENGTH
from core.vietnamese import normalize_key, roman, short_date
from directory.models import PlaceKind, PlaceLevel
from plans.models import PlanFormat

# 2025 Law on Local Government, Art. 43: the public notice at least 7 days before a dialogue and
# its results published within 10 days after it. The law counts calendar days here, not working
# days (unlike the plans' "N working days before" for the communes' questions).
NOTICE_DAYS_BEFORE = 7
RESULTS_DAYS_AFTER = 10
# How far the issuing office may widen the check-in window around the session's day, in hours.
MAX_CHECKIN_WIDENING_HOURS = 72


class TimeKind(models.TextChoices):
    EXACT = "exact", "Ngày cụ thể"
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    LATER = "later", "Thông báo sau"


# A session is held in person, online or both, exactly as a plan is.
SessionFormat = PlanFormat


class Session(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="sessions")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("tên phiên / cụm", max_length=120, blank=True)
    communes = models.ManyToManyField(
        "directory.Place", verbose_name="các xã trong cụm", blank=True, related_name="cluster_sessions"
    )
    venue_name = models.CharField("địa điểm", max_length=255, blank=True)
    venue_address = models.CharField("địa chỉ", max_length=255, blank=True)
    host_commune = models.ForeignKey(
        "directory.Place",
        verbose_name="xã đăng cai",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    time_kind = models.CharField("thời gian theo", max_length=8, choices=TimeKind.choices)
    date = models.DateField("ngày", null=True, blank=True)
    start_time = models.TimeField("giờ bắt đầu", null=True, blank=True)
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    month = models.PositiveSmallIntegerField("tháng", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    format = models.CharField(
        "hình thức", max_length=16, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    bridge_places = models.ManyToManyField(
        "directory.Place", verbose_name="điểm cầu trực tuyến", blank=True, related_name="bridge_sessions"
    )
    total_participants = models.PositiveIntegerField("tổng số người dân tham gia", null=True, blank=True)
    # A rule instead of quotas: "each khóm invites at least 40 households" (seed 003).
    min_per_hamlet = models.PositiveIntegerField("mỗi thôn, khóm mời ít nhất (người)", null=True, blank=True)
    chair = models.CharField("chủ trì", max_length=200, blank=True)
    secretary = models.ForeignKey(
        "accounts.User",
        verbose_name="thư ký",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_as_secretary",
        limit_choices_to={"role": "secretary"},
    )
    target_categories = models.ManyToManyField(
        "ParticipantCategory", verbose_name="đối tượng mời", blank=True, related_name="sessions"
    )
    # Offices and organisations named in the composition ("Lãnh đạo các phòng, ban, ngành…"): each
    # gets a letter of its own, by e-mail when it has an address and printed otherwise.
    invited_units = models.ManyToManyField(
        "directory.Unit", verbose_name="cơ quan, đơn vị được mời", blank=True, related_name="invited_to"
    )
    # The public notice (2025 Law on Local Government, Art. 43: at least 7 days before): what was
    # announced is kept as published, so a later change of venue does not rewrite the notice.
    notice_published_at = models.DateTimeField("ngày thông báo công khai", null=True, blank=True)
    notice_published_by = models.ForeignKey(
        "accounts.User",
        verbose_name="người thông báo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_time = models.CharField("thời gian đã thông báo", max_length=120, blank=True)
    # The venue's name and address as announced, "name, address": room for both full fields.
    notice_venue = models.CharField("địa điểm đã thông báo", max_length=512, blank=True)
    notice_topics = models.TextField("nội dung đối thoại đã thông báo", blank=True)
    # The results (questions and answers), public within 10 days after the session.
    results_published_at = models.DateTimeField("ngày công khai kết quả", null=True, blank=True)
    results_published_by = models.ForeignKey(
        "accounts.User",
        verbose_name="người công khai kết quả",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Check-in and the at-session answers are open on the session's day (00:00 to 24:00, local
    # time); the issuing office may open earlier (the evening before) or keep it open later.
    checkin_hours_before = models.PositiveSmallIntegerField(
        "mở điểm danh sớm (số giờ trước 0 giờ ngày hội nghị)", default=0
    )
    checkin_hours_after = models.PositiveSmallIntegerField(
        "giữ điểm danh mở thêm (số giờ sau 24 giờ ngày hội nghị)", default=0
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "phiên đối thoại"
        verbose_name_plural = "phiên đối thoại"
        constraints = [
            models.CheckConstraint(
                name="session_time_fields",
                condition=Q(time_kind="exact", date__isnull=False)
                | Q(time_kind="month", month__gte=1, month__lte=12, year__isnull=False)
                | Q(time_kind="quarter", quarter__gte=1, quarter__lte=4, year__isnull=False)
                | Q(time_kind="later"),
            ),
            models.CheckConstraint(
                name="session_notice_complete",
                condition=Q(notice_published_at__isnull=True) | (~Q(notice_time="") & ~Q(notice_venue="")),
            ),
            models.CheckConstraint(
                name="session_checkin_widening_bounded",
                condition=Q(checkin_hours_before__lte=MAX_CHECKIN_WIDENING_HOURS)
                & Q(checkin_hours_after__lte=MAX_CHECKIN_WIDENING_HOURS),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.venue_name or f"Phiên {self.position + 1} (chưa có địa điểm)"

    @property
    def time_label(self) -> str:
        if self.time_kind == TimeKind.EXACT and self.date:
            label = short_date(self.date)
            if self.start_time and self.end_time:
                label = f"{_hm(self.start_time)} - {_hm(self.end_time)}, {label}"
            return label
        if self.time_kind == TimeKind.MONTH:
            return f"{self.month}/{self.year}"
        if self.time_kind == TimeKind.QUARTER:
            return f"Quý {roman(self.quarter)}/{self.year}"
        return "Thông báo sau"

    @property
    def list_unit_label(self) -> str:
        """Who sends a list to this session, as pages name them: the hamlets of a commune's own
        plan ("thôn, tổ dân phố"), else the communes ("xã, phường"); never a level the map lacks."""
        return "thôn, tổ dân phố" if self.plan.issuer.level == PlaceLevel.COMMUNE else "xã, phường"

    @property
    def list_unit_word(self) -> str:
        """One word for them in a sentence: "thôn" ("tổ dân phố" in a phường), else "xã"."""
        issuer = self.plan.issuer
        if issuer.level != PlaceLevel.COMMUNE:
            return "xã"
        return "tổ dân phố" if issuer.kind == PlaceKind.PHUONG else "thôn"

    @property
    def has_fixed_date(self) -> bool:
        return self.time_kind == TimeKind.EXACT and self.date is not None

    @property
    def notice_due(self) -> datetime.date | None:
        """The last day to publish the public notice; None without a fixed date."""
        return self.date - datetime.timedelta(days=NOTICE_DAYS_BEFORE) if self.has_fixed_date else None

    @property
    def results_due(self) -> datetime.date | None:
        """The last day to publish the results; None without a fixed date."""
        return self.date + datetime.timedelta(days=RESULTS_DAYS_AFTER) if self.has_fixed_date else None


class HeldRecord(models.Model):
    """The record that a session was held: when, where and who chaired it, entered by the
    secretary or the office. Only this row makes a session count as held (reports, notices),
    never a check-in."""

    session = models.OneToOneField(
        Session, verbose_name="phiên đối thoại", on_delete=models.CASCADE, related_name="held_record"
    )
    held_on = models.DateField("ngày tổ chức")
    venue = models.CharField("địa điểm tổ chức", max_length=512)
    chair = models.CharField("người chủ trì", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi nhận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("ghi nhận lúc")

    class Meta:
        verbose_name = "ghi nhận đã tổ chức"
        verbose_name_plural = "ghi nhận đã tổ chức"
        constraints = [
            models.CheckConstraint(name="heldrecord_venue_and_chair", condition=~Q(venue="") & ~Q(chair="")),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {short_date(self.held_on)}"


def _hm(value) -> str:
    return f"{value.hour}h{value.minute:02d}"


class Quota(models.Model):
    """How many participants a commune (or a hamlet) sends to a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="quotas")
    position = models.PositiveSmallIntegerField(default=0)
    place = models.ForeignKey("directory.Place", verbose_name="xã / thôn", on_delete=models.PROTECT)
    count = models.PositiveIntegerField("số người")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "place"], name="quota_unique_place"),
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.count}"


class GroupStyle(models.TextChoices):
    PLAIN = "plain", "Nhóm: 07 người"
    EACH = "each", "Nhóm: Mỗi xã 07 người x 03 xã: 21 người"
    PER = "per", "Nhóm (5 người/ấp x 12 ấp): 60 người"


class CompositionGroup(models.Model):
    """A line of a session's composition: "Cấp xã: 07 người x 03 xã = 21"."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="composition")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField("thành phần", max_length=200)
    count = models.PositiveIntegerField("số người (mỗi đơn vị)")
    multiplier = models.PositiveIntegerField("nhân với", null=True, blank=True)
    multiplier_label = models.CharField("đơn vị nhân", max_length=40, blank=True)
    style = models.CharField("cách ghi", max_length=8, choices=GroupStyle.choices, default=GroupStyle.PLAIN)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.total}"

    @property
    def total(self) -> int:
        return self.count * (self.multiplier or 1)


class ParticipantCategory(models.Model):
    """A kind of household or member targeted by a dialogue ("Hộ nghèo", "Hội viên Hội Nông dân")."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "loại người tham dự"
        verbose_name_plural = "loại người tham dự"

    def __str__(self) -> str:
        return self.name


class ParticipantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Imports insert in bulk, which skips save(): fill the search key here too.
        objs = list(objs)
        for participant in objs:
            participant.fill_name_key()
        return super().bulk_create(objs, *args, **kwargs)

    def matching_name(self, query: str) -> ParticipantQuerySet:
        """People whose name contains ``query``, with or without accents ("huong" finds "Hương")."""
        key = normalize_key(query)
        return self.filter(name_key__contains=key) if key else self


class Participant(models.Model):
    """A citizen a commune sends to a session, as uploaded in the commune's list."""

    # No index of its own: the (session, commune) index and the CCCD constraint both start with it.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    commune = models.ForeignKey(
        "directory.Place", verbose_name="xã", on_delete=models.PROTECT, related_name="+"
    )
    hamlet = models.ForeignKey(
        "directory.Place",
        verbose_name="thôn, ấp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    full_name = models.CharField("họ và tên", max_length=120)
    # The name without accents, lower case: what the check-in desk searches ("tran thi huong").
    name_key = models.CharField(max_length=120, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    category = models.ForeignKey(
        ParticipantCategory, verbose_name="loại hộ", on_delete=models.PROTECT, related_name="participants"
    )
    # The digits of a mobile (10) or landline (11) number, as core.phones.normalize_phone gives them.
    phone = models.CharField("số điện thoại", max_length=PHONE_MAX_LENGTH, blank=True)
    national_id = models.CharField("số CCCD", max_length=12, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    row_number = models.PositiveIntegerField("dòng trong tệp", null=True, blank=True)
    # The first time a letter was printed for this person (sessions.participants.history): from
    # then on a replacement of the list keeps them unless someone confirms their letter is void.
    letter_printed_at = models.DateTimeField("in giấy mời lúc", null=True, blank=True, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["session", "commune", "row_number", "id"]
        verbose_name = "người tham dự"
        verbose_name_plural = "người tham dự"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "national_id"],
                condition=~Q(national_id=""),
                name="participant_unique_national_id",
            ),
        ]
        indexes = [models.Index(fields=["session", "commune"], name="participant_session_commune")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.fill_name_key()
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def fill_name_key(self) -> None:
        self.name_key = normalize_key(self.full_name)
