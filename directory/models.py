from django.core.validators import RegexValidator
from django.db import models

from core.collation import vi_order


class PlaceLevel(models.IntegerChoices):
    PROVINCE = 1, "Cấp tỉnh"
    DISTRICT = 2, "Cấp huyện"
    COMMUNE = 3, "Cấp xã"
    HAMLET = 4, "Thôn, ấp, khóm, tổ dân phố"


class PlaceKind(models.TextChoices):
    TINH = "tinh", "tỉnh"
    THANH_PHO_TW = "thanh_pho_tw", "thành phố"
    HUYEN = "huyen", "huyện"
    THI_XA = "thi_xa", "thị xã"
    THANH_PHO = "thanh_pho", "thành phố"
    QUAN = "quan", "quận"
    XA = "xa", "xã"
    PHUONG = "phuong", "phường"
    THI_TRAN = "thi_tran", "thị trấn"
    DAC_KHU = "dac_khu", "đặc khu"
    THON = "thon", "thôn"
    AP = "ap", "ấp"
    KHOM = "khom", "khóm"
    TO_DAN_PHO = "to_dan_pho", "tổ dân phố"
    LANG = "lang", "làng"
    BUON = "buon", "buôn"


KIND_LEVEL = {
    PlaceKind.TINH: PlaceLevel.PROVINCE,
    PlaceKind.THANH_PHO_TW: PlaceLevel.PROVINCE,
    PlaceKind.HUYEN: PlaceLevel.DISTRICT,
    PlaceKind.THI_XA: PlaceLevel.DISTRICT,
    PlaceKind.THANH_PHO: PlaceLevel.DISTRICT,
    PlaceKind.QUAN: PlaceLevel.DISTRICT,
    PlaceKind.XA: PlaceLevel.COMMUNE,
    PlaceKind.PHUONG: PlaceLevel.COMMUNE,
    PlaceKind.THI_TRAN: PlaceLevel.COMMUNE,
    PlaceKind.DAC_KHU: PlaceLevel.COMMUNE,
    PlaceKind.THON: PlaceLevel.HAMLET,
    PlaceKind.AP: PlaceLevel.HAMLET,
    PlaceKind.KHOM: PlaceLevel.HAMLET,
    PlaceKind.TO_DAN_PHO: PlaceLevel.HAMLET,
    PlaceKind.LANG: PlaceLevel.HAMLET,
    PlaceKind.BUON: PlaceLevel.HAMLET,
}


class MapEra(models.TextChoices):
    """The administrative map a place belongs to. Plans keep the map they were written on:
    the seed plans stay on the three-level map, new places and plans use today's."""

    BEFORE_2025 = "before_2025", "Trước 01/7/2025 (tỉnh, huyện, xã)"
    FROM_2025 = "from_2025", "Từ 01/7/2025 (tỉnh, xã)"


# The levels each map has: since 1 July 2025 a commune's parent is its province.
ERA_LEVELS = {
    MapEra.BEFORE_2025: frozenset(PlaceLevel),
    MapEra.FROM_2025: frozenset(PlaceLevel) - {PlaceLevel.DISTRICT},
}


def era_path_prefix(era: str) -> str:
    """What the paths of a map start with. The first map's paths are its codes alone (as
    before maps were told apart); a later map's carry its name, so that no territory of one
    map (a path prefix) ever contains places of another even where codes repeat ("52" is
    Bình Định on the old map and Gia Lai on today's)."""
    return "" if era == MapEra.BEFORE_2025 else f"{era}:"


class PlaceQuerySet(models.QuerySet):
    def within(self, place: "Place") -> "PlaceQuerySet":
        """The places inside `place`'s territory, itself included (see `Place.is_within`)."""
        return self.filter(path__startswith=place.path)


class Place(models.Model):
    """A unit of the administrative map: province, district, commune or hamlet.

    `path` is the chain of codes from the province down ("52/52-540/52-540-01/"), so
    "everything inside this district" is one indexed prefix filter. Codes are unique within
    a map (`era`); the path starts with the map's prefix (`era_path_prefix`).
    """

    era = models.CharField(
        "bản đồ hành chính", max_length=16, choices=MapEra.choices, default=MapEra.FROM_2025
    )
    code = models.CharField(
        "mã",
        max_length=32,
        validators=[RegexValidator(r"^[^/:]+$", "Mã địa bàn không được chứa dấu «/» hoặc «:».")],
    )
    kind = models.CharField("loại", max_length=16, choices=PlaceKind.choices)
    level = models.PositiveSmallIntegerField("cấp", choices=PlaceLevel.choices, editable=False)
    name = models.CharField("tên", max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name="trực thuộc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=400, editable=False, db_index=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "địa bàn"
        verbose_name_plural = "địa bàn"
        ordering = [vi_order("name")]
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="place_unique_code_per_era"),
            models.UniqueConstraint(fields=["parent", "kind", "name"], name="place_unique_name"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="place_level_range"),
            models.CheckConstraint(
                condition=~models.Q(era=MapEra.FROM_2025, level=PlaceLevel.DISTRICT),
                name="place_no_district_from_2025",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def kind_label(self) -> str:
        return PlaceKind(self.kind).label

    @property
    def full_name(self) -> str:
        """'xã Phước Hòa', 'huyện Tuy Phước'."""
        return f"{self.kind_label} {self.name}"

    @property
    def local_contact(self) -> str:
        """Who answers for this place's list, as written in running text: "trưởng thôn Lộc
        Thuận" for a hamlet, "Ủy ban nhân dân xã Phước Hòa" for a commune."""
        if self.level == PlaceLevel.HAMLET:
            return f"trưởng {self.full_name}"
        return f"Ủy ban nhân dân {self.full_name}"

    @property
    def title_name(self) -> str:
        """'Xã Phước Hòa' at the start of a sentence or a heading."""
        label = self.kind_label
        return f"{label[:1].upper()}{label[1:]} {self.name}"

    def is_within(self, other: "Place") -> bool:
        """Whether this place lies in `other`'s territory (or is `other`): the path is the chain
        of codes from the province down, so the territory is a prefix."""
        return self.path.startswith(other.path)

    @property
    def ancestor_paths(self) -> list[str]:
        """'52/52-550/52-550-03/' → ['52/', '52/52-550/', '52/52-550/52-550-03/'] (itself included)."""
        codes = [code for code in self.path.split("/") if code]
        return ["".join(f"{code}/" for code in codes[: i + 1]) for i in range(len(codes))]


class UnitKind(models.TextChoices):
    PHONG_BAN = "phong_ban", "Phòng, ban, cơ quan chuyên môn"
    MAT_TRAN = "mat_tran", "Mặt trận Tổ quốc"
    HOI_DOAN_THE = "hoi_doan_the", "Hội, đoàn thể"
    NGAN_HANG = "ngan_hang", "Ngân hàng Chính sách xã hội"
    BAO_HIEM = "bao_hiem", "Bảo hiểm xã hội"
    Y_TE = "y_te", "Y tế"
    CONG_AN = "cong_an", "Công an"
    TRUYEN_THONG = "truyen_thong", "Báo, đài, truyền thông"
    KHAC = "khac", "Khác"


class Unit(models.Model):
    """An office or organisation that takes part in dialogues and answers questions."""

    code = models.CharField("mã", max_length=48, unique=True)
    name = models.CharField("tên đầy đủ", max_length=200)
    short_name = models.CharField("tên viết tắt trong văn bản", max_length=120)
    kind = models.CharField("loại", max_length=16, choices=UnitKind.choices)
    place = models.ForeignKey(Place, verbose_name="địa bàn", on_delete=models.PROTECT, related_name="units")
    email = models.EmailField("thư điện tử", blank=True)

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = [vi_order("name")]

    def __str__(self) -> str:
        return self.short_name or self.name


class CommuneChange(models.Model):
    """A commune of the old map and a commune of today's that took it, or part of it, on
    1 July 2025. Several old communes with one new one: a merge; one old commune with several
    new ones: a split, where `main` marks the one that took its seat (the converters' default).
    A plan copied across the change maps its old communes with these rows."""

    old = models.ForeignKey(
        Place,
        verbose_name="xã cũ (trước 01/7/2025)",
        on_delete=models.CASCADE,
        related_name="changes_to",
        limit_choices_to={"era": MapEra.BEFORE_2025, "level": PlaceLevel.COMMUNE},
    )
    new = models.ForeignKey(
        Place,
        verbose_name="xã mới (từ 01/7/2025)",
        on_delete=models.CASCADE,
        related_name="changes_from",
        limit_choices_to={"era": MapEra.FROM_2025, "level": PlaceLevel.COMMUNE},
    )
    main = models.BooleanField(
        "xã chính",
        default=True,
        help_text="Khi xã cũ chia cho nhiều xã mới: xã mới nhận trụ sở của xã cũ.",
    )

    class Meta:
        verbose_name = "sắp xếp xã (01/7/2025)"
        verbose_name_plural = "sắp xếp xã (01/7/2025)"
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="commune_change_unique"),
            models.UniqueConstraint(
                fields=["old"], condition=models.Q(main=True), name="commune_change_one_main"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"
