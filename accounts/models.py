from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    DISTRICT_STAFF = "district_staff", "Chuyên viên phòng"
    LEADER = "leader", "Lãnh đạo UBND"
    COMMUNE_OFFICIAL = "commune_official", "Cán bộ xã"
    DEPARTMENT_OFFICER = "department_officer", "Cán bộ đơn vị"
    SECRETARY = "secretary", "Thư ký hội nghị"


class User(AbstractUser):
    """A portal user. Each has one role bound to a territory or to a unit.

    District staff, leaders and secretaries work for the people's committee of `place`
    (a district, a commune, a province); a commune official for the commune `place`;
    a department officer for `unit`.
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
