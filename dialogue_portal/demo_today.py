"""The demo on today's map (since 1 July 2025: provinces and communes, no districts).

The official list of provinces and communes, the hamlets of xã Tuy Phước (tỉnh Gia Lai, official
code 21952) from their CSV, the offices of the commune and of the province, their accounts, and
two plans of the coming year:

- xã Tuy Phước's own plan, issued, with per-hamlet quotas: each hamlet's contact (trưởng thôn,
  the ``truongthon`` account) sends that hamlet's list, and finds the deadline on the first screen;
- tỉnh Gia Lai's plan (the Sở Nội vụ drafts it), submitted and waiting for its leader, with
  quotas per commune.

Loaded by ``dialogue_portal.demo.load_demo`` after the old map's demo; idempotent (a plan that is
there already is left as it is).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.workdays import add_working_days
from directory.models import MapEra, Place, PlaceLevel, Unit
from directory.official import load_official_list
from directory.services import import_places, import_units
from plans.models import Plan, PlanKind, PlanStatus
from plans.services.creation import create_plan
from plans.services.workflow import approve_plan, issue_plan, submit_plan
from sessions.models import ParticipantCategory, Quota, Session, TimeKind

DATA_DIR = Path(__file__).resolve().parent.parent / "directory" / "data"
HAMLETS_CSV = DATA_DIR / "hamlets_21952_tuy_phuoc.csv"
UNITS_CSV = DATA_DIR / "units_from_2025.csv"
COMMUNE_CODE = "21952"  # xã Tuy Phước
PROVINCE_CODE = "52"  # tỉnh Gia Lai
PLAN_YEAR = 2027
# Each hamlet's quota in the commune's first session, by hamlet code.
HAMLET_QUOTAS = {
    "21952-01": 15,
    "21952-02": 12,
    "21952-03": 12,
    "21952-04": 15,
    "21952-05": 10,
    "21952-06": 10,
}
# The communes of the province's session and their quotas (xã Tuy Phước and two neighbours).
PROVINCE_QUOTAS = 20
PROVINCE_COMMUNES = 3

# username, full name (last, first), role, place code on today's map, job title
TODAY_USERS = [
    (
        "chuyenvien.tuyphuoc",
        ("Nguyễn Thị", "Thu"),
        Role.DISTRICT_STAFF,
        COMMUNE_CODE,
        "Chuyên viên Phòng Văn hóa - Xã hội",
    ),
    ("lanhdao.tuyphuoc", ("Trần Văn", "Quang"), Role.LEADER, COMMUNE_CODE, "Phó Chủ tịch UBND xã"),
    (
        "thuky.tuyphuoc",
        ("Lê Thị", "Hoa"),
        Role.SECRETARY,
        COMMUNE_CODE,
        "Công chức Văn phòng HĐND và UBND xã",
    ),
    ("truongthon", ("Phan Văn", "Lợi"), Role.COMMUNE_OFFICIAL, "21952-01", "Trưởng thôn Lộc Thuận"),
    ("truongthon2", ("Đỗ Thị", "Nga"), Role.COMMUNE_OFFICIAL, "21952-04", "Trưởng thôn Đại Tín"),
    ("chuyenvien.sonoivu", ("Võ Minh", "Khoa"), Role.DISTRICT_STAFF, PROVINCE_CODE, "Chuyên viên Sở Nội vụ"),
    ("lanhdao.gialai", ("Hồ Văn", "Sơn"), Role.LEADER, PROVINCE_CODE, "Phó Chủ tịch UBND tỉnh"),
]


def load_today_directory(*, password: str) -> list[tuple[str, str, str]]:
    """The official list, the commune's hamlets and the offices of today's map, and their
    accounts (a new account gets `password`). Returns (username, role, territory) rows."""
    load_official_list()
    import_places(text=HAMLETS_CSV.read_text(encoding="utf-8"), era=MapEra.FROM_2025)
    import_units(text=UNITS_CSV.read_text(encoding="utf-8"), era=MapEra.FROM_2025)
    codes = {code for *_, code, _ in TODAY_USERS}
    places = {p.code: p for p in Place.objects.filter(era=MapEra.FROM_2025, code__in=codes)}
    accounts = []
    for username, (last, first), role, place_code, title in TODAY_USERS:
        user, created = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = last, first
        user.role, user.place, user.unit, user.job_title = role, places[place_code], None, title
        if created:
            user.set_password(password)
        user.save()
        accounts.append((username, user.role_label, str(user.place)))
    return accounts


def _users(*names: str) -> list[User | None]:
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    return [found.get(name) for name in names]


def _commune_plan(*, today: datetime.date, year: int) -> Plan | None:
    commune = Place.objects.get(era=MapEra.FROM_2025, code=COMMUNE_CODE)
    if Plan.objects.filter(issuer=commune, year=year).exists():
        return None
    staff, leader, secretary = _users("chuyenvien.tuyphuoc", "lanhdao.tuyphuoc", "thuky.tuyphuoc")
    plan = create_plan(user=staff, issuer=commune, kind=PlanKind.POVERTY, year=year)
    plan.signer_name = "Trần Văn Quang"
    plan.save(update_fields=["signer_name"])
    hamlets = {p.code: p for p in Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET)}
    categories = list(
        ParticipantCategory.objects.filter(code__in=["ho-ngheo", "ho-can-ngheo", "ho-moi-thoat-ngheo"])
    )
    units = list(Unit.objects.filter(code__in=["21952-VHXH", "21952-KT", "21952-MTTQ"]))
    first = Session.objects.create(
        plan=plan,
        position=0,
        name="Phiên 1",
        venue_name="Hội trường UBND xã Tuy Phước",
        time_kind=TimeKind.EXACT,
        date=max(add_working_days(today, 15), add_working_days(datetime.date(year, 1, 4), 10)),
        start_time=datetime.time(7, 30),
        end_time=datetime.time(11, 0),
        chair="Phó Chủ tịch UBND xã",
        secretary=secretary,
    )
    first.target_categories.set(categories)
    first.invited_units.set(units)
    Quota.objects.bulk_create(
        Quota(session=first, position=i, place=hamlets[code], count=count)
        for i, (code, count) in enumerate(HAMLET_QUOTAS.items())
        if code in hamlets
    )
    later = add_working_days(today, 60)
    Session.objects.create(
        plan=plan,
        position=1,
        name="Phiên 2",
        venue_name="Nhà văn hóa thôn Đại Tín",
        time_kind=TimeKind.MONTH,
        month=later.month,
        year=later.year,
        chair="Chủ tịch UBND xã",
    )
    submit_plan(plan=plan, user=staff)
    approve_plan(plan=plan, user=leader)
    return issue_plan(plan=plan, user=leader, issued_on=today)


def _province_plan(*, today: datetime.date, year: int) -> Plan | None:
    province = Place.objects.get(era=MapEra.FROM_2025, code=PROVINCE_CODE)
    if Plan.objects.filter(issuer=province, year=year).exists():
        return None
    (staff,) = _users("chuyenvien.sonoivu")
    plan = create_plan(user=staff, issuer=province, kind=PlanKind.POVERTY, year=year)
    plan.signer_name = "Hồ Văn Sơn"
    plan.save(update_fields=["signer_name"])
    communes = list(
        Place.objects.filter(parent=province, level=PlaceLevel.COMMUNE).order_by("code")[
            : PROVINCE_COMMUNES - 1
        ]
    )
    communes.insert(0, Place.objects.get(era=MapEra.FROM_2025, code=COMMUNE_CODE))
    session = Session.objects.create(
        plan=plan,
        position=0,
        name="Cụm xã phía Nam",
        venue_name="Hội trường UBND xã Tuy Phước",
        time_kind=TimeKind.MONTH,
        month=add_working_days(today, 60).month,
        year=add_working_days(today, 60).year,
        chair="Phó Chủ tịch UBND tỉnh",
        host_commune=communes[0],
    )
    session.invited_units.set(Unit.objects.filter(code__in=["52-SNV", "52-NHCSXH"]))
    Quota.objects.bulk_create(
        Quota(session=session, position=i, place=commune, count=PROVINCE_QUOTAS)
        for i, commune in enumerate(dict.fromkeys(communes))
    )
    return submit_plan(plan=plan, user=staff)


@transaction.atomic
def load_today_plans(*, stdout=None, today: datetime.date | None = None) -> None:
    """The commune's issued plan and the province's submitted plan of the coming year."""
    today = today or timezone.localdate()
    if None in _users(*(name for name, *_ in TODAY_USERS)):
        return
    year = max(PLAN_YEAR, add_working_days(today, 15).year)
    for build, issuer in ((_commune_plan, "xã Tuy Phước"), (_province_plan, "tỉnh Gia Lai")):
        plan = build(today=today, year=year)
        if stdout is not None:
            if plan is None:
                stdout.write(f"Đã có kế hoạch năm {year} của {issuer}, bỏ qua.\n")
            else:
                stdout.write(
                    f"Đã tạo kế hoạch trên bản đồ hiện nay: {plan} ({PlanStatus(plan.status).label}).\n"
                )
