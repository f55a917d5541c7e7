from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    DISTRICT_STAFF = "district_staff", "Chuyên viên cơ quan ban hành"
    LEADER = "leader", "Lãnh đạo UBND"
    COMMUNE_OFFICIAL = "commune_official", "Cán bộ xã, trưởng thôn"
    DEPARTMENT_OFFICER = "department_officer", "Cán bộ đơn vị"
    SECRETARY = "secretary", "Thư ký hội nghị"


class User(AbstractUser):
    """A portal user. Each has one role bound to a territory or to a unit.

    District staff, leaders and secretaries work for the issuing office of `place` at any
    level (a province's Sở Nội vụ, a commune's Phòng Văn hóa - Xã hội, an old-map district's
    labour office): the codes say "district" for history, the labels are level-neutral. A
    commune official sends the lists of `place`: a commune in a province's or district's plan,
    a hamlet (its trưởng thôn) in a commune's own plan. A department officer works for `unit`.
    """

    role = models.CharField("vai trò", max_length=24, choices=Role.choices, blank=True)
    place = models.ForeignKey(
        "directory.Place",
        verbose_name="địa bàn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    job_title = models.CharField("chức vụ", max_length=120, blank=True)
    # Stored normalised ("0912345678", "02563851234"); staff call the people e-mail cannot reach.
    phone = models.CharField("số điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.CheckConstraint(
                name="user_role_binding",
                condition=Q(role="")
                | Q(role="department_officer", unit__isnull=False)
                | (~Q(role="department_officer") & ~Q(role="") & Q(place__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Vietnamese names put the family name first: "Nguyễn Văn An".
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "Quản trị"
