"""load_demo on today's map: the official list, xã Tuy Phước's hamlets and offices, its issued plan
with per-hamlet quotas and the province's plan; the hamlet contact finds work on the first screen."""

import datetime
from io import StringIO

import pytest

from accounts.models import Role, User
from dialogue_portal.demo import DEMO_PASSWORD, load_demo
from dialogue_portal.demo_today import load_today_directory, load_today_plans
from directory.models import MapEra, Place, PlaceLevel
from plans.documents import render_plan
from plans.models import Plan, PlanStatus

from .. import pdfcheck

YEAR = max(2027, datetime.date.today().year + 1)


@pytest.fixture
def today_demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_today_directory(password=DEMO_PASSWORD)
    load_today_plans()


def test_load_demo_today_accounts_work_for_offices_of_the_commune_and_the_province(today_demo):
    users = {
        u.username: (u.role, u.place.era, u.place.code)
        for u in User.objects.filter(place__era=MapEra.FROM_2025).select_related("place")
    }

    assert users == {
        "chuyenvien.tuyphuoc": (Role.DISTRICT_STAFF, MapEra.FROM_2025, "21952"),
        "lanhdao.tuyphuoc": (Role.LEADER, MapEra.FROM_2025, "21952"),
        "thuky.tuyphuoc": (Role.SECRETARY, MapEra.FROM_2025, "21952"),
        "truongthon": (Role.COMMUNE_OFFICIAL, MapEra.FROM_2025, "21952-01"),
        "truongthon2": (Role.COMMUNE_OFFICIAL, MapEra.FROM_2025, "21952-04"),
        "chuyenvien.sonoivu": (Role.DISTRICT_STAFF, MapEra.FROM_2025, "52"),
        "lanhdao.gialai": (Role.LEADER, MapEra.FROM_2025, "52"),
    }
    hamlets = Place.objects.filter(era=MapEra.FROM_2025, parent__code="21952")
    assert sorted(hamlets.values_list("code", "kind", "name")) == [
        ("21952-01", "thon", "Lộc Thuận"),
        ("21952-02", "thon", "Đông Điền"),
        ("21952-03", "thon", "Phụng Sơn"),
        ("21952-04", "thon", "Đại Tín"),
        ("21952-05", "thon", "Quảng Tín"),
        ("21952-06", "thon", "Hòa Thuận"),
    ]
    assert {h.path for h in hamlets} == {f"from_2025:52/21952/{h.code}/" for h in hamlets}


def test_load_demo_today_commune_plan_issued_with_quotas_per_hamlet(today_demo):
    plan = Plan.objects.get(issuer__era=MapEra.FROM_2025, issuer__code="21952")
    first, second = plan.sessions.order_by("position")

    assert (plan.year, plan.status, plan.number) == (YEAR, PlanStatus.ISSUED, 1)
    assert first.date > datetime.date.today() and first.date.year == YEAR
    assert [(q.place.code, q.place.level, q.count) for q in first.quotas.all()] == [
        (code, PlaceLevel.HAMLET, count)
        for code, count in [
            ("21952-01", 15),
            ("21952-02", 12),
            ("21952-03", 12),
            ("21952-04", 15),
            ("21952-05", 10),
            ("21952-06", 10),
        ]
    ]
    assert first.secretary.username == "thuky.tuyphuoc"
    assert second.time_kind == "month"
    assert "huyện" not in plan.summary + plan.preamble + plan.closing
    province_plan = Plan.objects.get(issuer__era=MapEra.FROM_2025, issuer__code="52")
    assert (province_plan.year, province_plan.status) == (YEAR, PlanStatus.SUBMITTED)
    assert [q.place.level for q in province_plan.sessions.get().quotas.all()] == [PlaceLevel.COMMUNE] * 3


def test_load_demo_today_hamlet_contact_first_screen_has_the_hamlet_list(today_demo, client):
    session = Plan.objects.get(issuer__code="21952", issuer__era=MapEra.FROM_2025).sessions.get(position=0)
    client.login(username="truongthon", password=DEMO_PASSWORD)

    page = client.get("/").content.decode()

    assert f'data-session="{session.pk}"' in page
    assert f'href="/phien/{session.pk}/xa/21952-01/">Danh sách thôn Lộc Thuận</a>' in page
    assert "Hạn thôn gửi danh sách, câu hỏi:" in page
    assert '<span class="fill-registered">0</span>/<span class="fill-quota">15</span>' in page


def test_load_demo_today_leader_of_the_province_finds_the_plan_to_approve(today_demo, client):
    plan = Plan.objects.get(issuer__era=MapEra.FROM_2025, issuer__code="52")
    client.login(username="lanhdao.gialai", password=DEMO_PASSWORD)

    page = client.get("/").content.decode()

    assert "Kế hoạch chờ duyệt" in page and f'href="/ke-hoach/{plan.pk}/"' in page


def test_load_demo_twice_on_both_maps_adds_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    counts = (Place.objects.count(), User.objects.count(), Plan.objects.count())
    out = StringIO()

    load_demo(stdout=out)

    assert (Place.objects.count(), User.objects.count(), Plan.objects.count()) == counts
    assert Place.objects.filter(era=MapEra.FROM_2025, level=PlaceLevel.PROVINCE).count() == 34
    assert Place.objects.filter(era=MapEra.FROM_2025, level=PlaceLevel.COMMUNE).count() == 3321


def test_load_demo_today_province_plan_says_tinh_never_huyen(today_demo, client):
    plan = Plan.objects.get(issuer__era=MapEra.FROM_2025, issuer__code="52")
    client.login(username="chuyenvien.sonoivu", password=DEMO_PASSWORD)

    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    text = pdfcheck.pdf_text(render_plan(plan).content)

    assert "huyện" not in page.lower() and "huyện" not in text.lower()
    assert "trên địa bàn tỉnh" in pdfcheck.squash(text) and "Sở Nội vụ" in text
