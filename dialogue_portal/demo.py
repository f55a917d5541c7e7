"""Demo data: the directory (both maps), one account per role, and the seed plans."""

from pathlib import Path

from django.db import transaction

from accounts.models import Role, User
from directory.models import MapEra, Place, Unit
from directory.services import import_places, import_units
from plans.demo import load_seed_plans

from .demo_activity import load_demo_activity
from .demo_today import load_today_directory, load_today_plans

DATA_DIR = Path(__file__).resolve().parent.parent / "directory" / "data"
DEMO_PASSWORD = "doithoai2024"

# username, full name (last, first), role, place code, unit code, job title
DEMO_USERS = [
    (
        "chuyenvien",
        ("Trần Thị", "Hạnh"),
        Role.DISTRICT_STAFF,
        "52-550",
        None,
        "Chuyên viên Phòng Lao động - TB&XH",
    ),
    ("lanhdao", ("Nguyễn Hùng", "Tân"), Role.LEADER, "52-550", None, "Phó Chủ tịch UBND huyện"),
    ("thuky", ("Lê Văn", "Bình"), Role.SECRETARY, "52-550", None, "Thư ký hội nghị"),
    (
        "canboxa",
        ("Phạm Thị", "Dung"),
        Role.COMMUNE_OFFICIAL,
        "52-550-03",
        None,
        "Công chức Văn hóa - Xã hội xã Phước Hòa",
    ),
    (
        "canboxa2",
        ("Võ Văn", "Ân"),
        Role.COMMUNE_OFFICIAL,
        "52-550-08",
        None,
        "Công chức Văn hóa - Xã hội xã Phước An",
    ),
    (
        "donvi",
        ("Đặng Thị", "Uyên"),
        Role.DEPARTMENT_OFFICER,
        None,
        "52-550-NNPTNT",
        "Chuyên viên Phòng Nông nghiệp và PTNT",
    ),
    (
        "chuyenvien.salong",
        ("A", "Thuận"),
        Role.DISTRICT_STAFF,
        "62-611-01",
        None,
        "Công chức Văn phòng - Thống kê",
    ),
    (
        "chuyenvien.hongngu",
        ("Huỳnh Văn", "Tài"),
        Role.DISTRICT_STAFF,
        "87-870",
        None,
        "Chuyên viên Phòng Lao động - TB&XH",
    ),
    (
        "chuyenvien.nhonhung",
        ("Phạm Văn", "Ngon"),
        Role.DISTRICT_STAFF,
        "89-890-01",
        None,
        "Công chức Văn phòng - Thống kê",
    ),
    (
        "chuyenvien.gialai",
        ("Nguyễn Thị Thanh", "Lịch"),
        Role.DISTRICT_STAFF,
        "64",
        None,
        "Chuyên viên Văn phòng UBND tỉnh",
    ),
]


@transaction.atomic
def load_demo(*, stdout=None) -> list[tuple[str, str, str]]:
    """Load (or refresh) the directory, the demo users and the seed plans. Idempotent."""
    import_places(text=(DATA_DIR / "places.csv").read_text(encoding="utf-8"))
    import_units(text=(DATA_DIR / "units.csv").read_text(encoding="utf-8"))
    places = {p.code: p for p in Place.objects.filter(era=MapEra.BEFORE_2025)}
    units = {u.code: u for u in Unit.objects.all()}
    accounts = []
    for username, (last, first), role, place_code, unit_code, title in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = last, first
        user.role = role
        user.place = places[place_code] if place_code else None
        user.unit = units[unit_code] if unit_code else None
        user.job_title = title
        # A demo address (example.gov.vn is the directory's demo domain): the reminders and
        # escalations of the demo go out (to the console in development) instead of being skipped.
        # An address the user set on their profile page is kept.
        if not user.email:
            user.email = f"{username}@example.gov.vn"
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append((username, user.role_label, str(user.place or user.unit)))
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    accounts += load_today_directory(password=DEMO_PASSWORD)
    accounts.append(("admin", "Quản trị hệ thống", ""))
    for loader in _extra_loaders():
        loader(stdout=stdout)
    return accounts


def _extra_loaders():
    """Loaders run after the directory: the seed plans, then a plan in progress built on them,
    then the plans of today's map."""
    return [load_seed_plans, load_demo_activity, load_today_plans]
