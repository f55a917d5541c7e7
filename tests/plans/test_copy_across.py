"""Copying an old-map district plan to a year on today's map: the old communes are mapped to
the communes that took them, with a preview (merges summed, splits and drops warned)."""

import datetime
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from directory.models import CommuneChange, MapEra, Place, PlaceKind
from plans.models import Plan, PlanStatus
from plans.services.creation import PlanAlreadyCopied, copy_plan, copy_plan_across
from plans.services.crossing import PlanCopyAcrossError, preview_copy_across
from sessions.models import Quota, Session

from ..factories import PlaceFactory, PlanFactory, QuotaFactory, SessionFactory, UserFactory

DATA = Path(__file__).resolve().parents[2] / "directory" / "data"


@dataclass
class OldDistrict:
    district: Place
    town: Place  # thị trấn Tuy Phước, the district's seat
    hoa: Place
    thang: Place
    split: Place
    lost: Place
    hamlet: Place
    province: Place
    tuy_phuoc: Place
    dong: Place
    tay: Place
    plan: Plan
    staff: object


@pytest.fixture
def old(db) -> OldDistrict:
    """huyện Tuy Phước (old map) with a merge (thị trấn Tuy Phước and Phước Hòa → xã Tuy Phước),
    a split (Phước Thắng → Tuy Phước Đông, main, and Tuy Phước Tây), a commune with no change row
    and a hamlet; a 2024 plan with three sessions."""
    old_province = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    district = PlaceFactory(code="52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=old_province)
    town = PlaceFactory(code="52-550-01", kind=PlaceKind.THI_TRAN, name="Tuy Phước", parent=district)
    hoa = PlaceFactory(code="52-550-03", kind=PlaceKind.XA, name="Phước Hòa", parent=district)
    thang = PlaceFactory(code="52-550-04", kind=PlaceKind.XA, name="Phước Thắng", parent=district)
    lost = PlaceFactory(code="52-550-13", kind=PlaceKind.XA, name="Phước Thành", parent=district)
    hamlet = PlaceFactory(code="52-550-03-01", kind=PlaceKind.THON, name="Lộc Thượng", parent=hoa)
    province = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
    tuy_phuoc = PlaceFactory(code="21952", kind=PlaceKind.XA, name="Tuy Phước", parent=province)
    dong = PlaceFactory(code="21970", kind=PlaceKind.XA, name="Tuy Phước Đông", parent=province)
    tay = PlaceFactory(code="21985", kind=PlaceKind.XA, name="Tuy Phước Tây", parent=province)
    CommuneChange.objects.create(old=town, new=tuy_phuoc, main=True)
    CommuneChange.objects.create(old=hoa, new=tuy_phuoc, main=True)
    CommuneChange.objects.create(old=thang, new=dong, main=True)
    CommuneChange.objects.create(old=thang, new=tay, main=False)

    plan = PlanFactory(
        issuer=district, year=2024, status=PlanStatus.ISSUED, number=4, issued_on=datetime.date(2024, 4, 2)
    )
    first = SessionFactory(plan=plan, name="Cụm Tuy Phước", host_commune=town, position=0)
    first.communes.set([town, hoa])
    QuotaFactory(session=first, place=town, count=100)
    QuotaFactory(session=first, place=hoa, count=50)
    second = SessionFactory(plan=plan, name="Cụm Phước Thắng", host_commune=thang, position=1)
    second.communes.set([thang, lost])
    QuotaFactory(session=second, place=thang, count=120)
    QuotaFactory(session=second, place=lost, count=30)
    QuotaFactory(session=second, place=hamlet, count=10)
    staff = UserFactory(role=Role.DISTRICT_STAFF, place=district)
    return OldDistrict(
        district, town, hoa, thang, thang, lost, hamlet, province, tuy_phuoc, dong, tay, plan, staff
    )


def _sessions(plan: Plan) -> list[tuple]:
    return [
        (
            s.name,
            s.host_commune.code if s.host_commune else None,
            sorted(c.code for c in s.communes.all()),
            sorted((q.place.code, q.count) for q in s.quotas.all()),
        )
        for s in plan.sessions.order_by("position")
    ]


# ---------------------------------------------------------------- service


def test_preview_maps_merge_split_and_drops(old):
    preview = preview_copy_across(plan=old.plan, year=2027)

    assert [(m.old.code, [p.code for p in m.new]) for m in preview.moves] == [
        ("52-550-01", ["21952"]),
        ("52-550-03", ["21952"]),
        ("52-550-03-01", []),
        ("52-550-04", ["21970", "21985"]),
        ("52-550-13", []),
    ]
    assert [m.old.code for m in preview.splits] == ["52-550-04"]
    assert [m.old.code for m in preview.dropped] == ["52-550-03-01", "52-550-13"]
    assert [
        (q.where, q.new.code, [(p.code, n) for p, n in q.parts], q.total) for q in preview.merged_quotas
    ] == [("Phiên 1 «Cụm Tuy Phước»", "21952", [("52-550-01", 100), ("52-550-03", 50)], 150)]
    # The district's seat (its thị trấn) went to xã Tuy Phước: the default issuer.
    assert [p.code for p in preview.issuer_choices] == ["52", "21952", "21970", "21985"]
    assert preview.default_issuer == old.tuy_phuoc


def test_copy_across_moves_quotas_and_sessions_to_todays_map(old):
    copy = copy_plan_across(plan=old.plan, user=old.staff, year=2027, issuer=old.tuy_phuoc)

    assert (copy.issuer, copy.year, copy.status, copy.number, copy.copied_from) == (
        old.tuy_phuoc,
        2027,
        PlanStatus.DRAFT,
        None,
        old.plan,
    )
    assert _sessions(copy) == [
        # Merge: two old communes, one commune and one quota with the sum.
        ("Cụm Tuy Phước", "21952", ["21952"], [("21952", 150)]),
        # Split: the quota goes whole to the main successor; the commune without a successor
        # and the hamlet are dropped.
        ("Cụm Phước Thắng", "21970", ["21970"], [("21970", 120)]),
    ]
    places = Place.objects.filter(pk__in=Quota.objects.filter(session__plan=copy).values("place"))
    assert set(places.values_list("era", flat=True)) == {MapEra.FROM_2025}
    assert list(copy.events.values_list("description", flat=True)) == [
        "Sao chép từ kế hoạch 04/KH-UBND năm 2024 của huyện Tuy Phước "
        "sang bản đồ hành chính mới (xã Tuy Phước)."
    ]
    assert list(old.plan.events.values_list("action", "description")) == [
        ("copy_across", "Sao chép sang bản đồ hành chính mới: dự thảo năm 2027 của UBND xã Tuy Phước.")
    ]
    # The old plan's sessions are untouched.
    assert _sessions(old.plan)[0][3] == [("52-550-01", 100), ("52-550-03", 50)]


def test_copy_across_refuses_an_issuer_that_did_not_take_the_district(old):
    stranger = PlaceFactory(era=MapEra.FROM_2025, code="01", kind=PlaceKind.THANH_PHO_TW, name="Hà Nội")

    with pytest.raises(PlanCopyAcrossError) as exc:
        copy_plan_across(plan=old.plan, user=old.staff, year=2027, issuer=stranger)

    assert exc.value.message == "Thành phố Hà Nội không phải nơi nhận địa bàn của huyện Tuy Phước."
    assert Plan.objects.count() == 1


def test_copy_across_with_the_same_token_twice_makes_one_copy(old):
    first = copy_plan_across(plan=old.plan, user=old.staff, year=2027, issuer=old.tuy_phuoc, token="t-1")

    with pytest.raises(PlanAlreadyCopied) as exc:
        copy_plan_across(plan=old.plan, user=old.staff, year=2027, issuer=old.province, token="t-1")

    assert exc.value.copy == first
    assert Plan.objects.filter(copied_from=old.plan).count() == 1


def test_copy_within_the_old_map_keeps_its_places(old):
    copy = copy_plan(plan=old.plan, user=old.staff, year=2025, token="t-2")

    assert (copy.issuer, copy.year) == (old.district, 2025)
    assert _sessions(copy)[0] == (
        "Cụm Tuy Phước",
        "52-550-01",
        ["52-550-01", "52-550-03"],
        [("52-550-01", 100), ("52-550-03", 50)],
    )
    with pytest.raises(PlanAlreadyCopied):
        copy_plan(plan=old.plan, user=old.staff, year=2025, token="t-2")
    assert Plan.objects.filter(copied_from=old.plan).count() == 1


# ---------------------------------------------------------------- views


def _across_url(plan: Plan, year: int | None = 2027) -> str:
    url = reverse("plans:plan.copy_across", args=[plan.pk])
    return f"{url}?nam={year}" if year else url


def test_preview_page_lists_each_mapping_and_the_split_warning(old, client):
    client.force_login(old.staff)

    response = client.get(_across_url(old.plan))

    assert response.status_code == 200
    html = response.content.decode()
    rows = [
        (m.old.title_name, ", ".join(p.title_name for p in m.new)) for m in response.context["preview"].moves
    ]
    assert rows == [
        ("Thị trấn Tuy Phước", "Xã Tuy Phước"),
        ("Xã Phước Hòa", "Xã Tuy Phước"),
        ("Thôn Lộc Thượng", ""),
        ("Xã Phước Thắng", "Xã Tuy Phước Đông, Xã Tuy Phước Tây"),
        ("Xã Phước Thành", ""),
    ]
    for old_name, new_names in rows:
        assert f"<td>{old_name}</td>\n          <td>{new_names or '—'}</td>" in html
    assert (
        "Xã Phước Thắng chia cho xã Tuy Phước Đông, xã Tuy Phước Tây: số lượng và phiên chuyển hết về "
        "xã Tuy Phước Đông (nơi nhận trụ sở); hãy chia phần của xã Tuy Phước Tây."
    ) in html
    assert "Xã Phước Thành (52-550-13): các phiên và số lượng người dự ở đây không được sao chép." in html
    assert "xã Phước Hòa (50)" in html and '<td class="text-end">150</td>' in html
    assert response.context["form"]["issuer"].value() == old.tuy_phuoc.pk
    assert Plan.objects.count() == 1  # the preview writes nothing


def test_copy_button_for_an_old_map_plan_leads_to_the_preview(old, client):
    client.force_login(old.staff)

    response = client.post(reverse("plans:plan.copy", args=[old.plan.pk]), {"year": "2027", "across": "1"})

    assert response.status_code == 302
    assert response["Location"] == _across_url(old.plan)
    assert Plan.objects.count() == 1


def test_posting_the_preview_twice_makes_one_copy(old, client):
    client.force_login(old.staff)
    form = client.get(_across_url(old.plan)).context["form"]
    data = {"year": "2027", "issuer": str(old.tuy_phuoc.pk), "token": form["token"].value()}

    first = client.post(_across_url(old.plan, None), data)
    second = client.post(_across_url(old.plan, None), data)

    copy = Plan.objects.get(copied_from=old.plan)
    assert (copy.issuer, copy.year) == (old.tuy_phuoc, 2027)
    # The old district's staff cannot open a plan of today's xã Tuy Phước: back to the old plan.
    detail = reverse("plans:plan.detail", args=[old.plan.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    texts = [str(m) for m in second.wsgi_request._messages]
    assert texts[-2].startswith("Bản sao này đã được tạo lúc ")
    assert texts[-2].endswith("; không tạo thêm.")
    assert (
        texts[-1]
        == "Dự thảo thuộc UBND xã Tuy Phước trên bản đồ mới: tài khoản của cơ quan đó mở và soạn tiếp."
    )


def test_copying_across_redirects_to_the_copy_for_who_may_open_it(old, client):
    admin = UserFactory(role=Role.DISTRICT_STAFF, place=old.district, is_superuser=True)
    client.force_login(admin)
    token = client.get(_across_url(old.plan)).context["form"]["token"].value()

    response = client.post(
        _across_url(old.plan, None), {"year": "2027", "issuer": str(old.province.pk), "token": token}
    )

    copy = Plan.objects.get(copied_from=old.plan)
    assert response["Location"] == reverse("plans:plan.detail", args=[copy.pk])
    assert copy.issuer == old.province


@pytest.mark.parametrize("role", [Role.LEADER, Role.SECRETARY, Role.COMMUNE_OFFICIAL])
def test_only_the_issuing_office_staff_may_copy_across(old, client, role):
    place = old.hoa if role == Role.COMMUNE_OFFICIAL else old.district
    other_district = PlaceFactory(
        code="52-540", kind=PlaceKind.HUYEN, name="An Nhơn", parent=old.district.parent
    )
    for user in (
        UserFactory(role=role, place=place),
        UserFactory(role=Role.DISTRICT_STAFF, place=other_district),
    ):
        client.force_login(user)
        data = {"year": "2027", "issuer": str(old.tuy_phuoc.pk), "token": "x"}

        assert client.get(_across_url(old.plan)).status_code == 403
        assert client.post(_across_url(old.plan, None), data).status_code == 403
    assert Plan.objects.count() == 1


def test_preview_with_a_year_before_the_new_map_goes_back_with_a_message(old, client):
    client.force_login(old.staff)

    response = client.get(_across_url(old.plan, 2024))

    assert response["Location"] == reverse("plans:plan.detail", args=[old.plan.pk])
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Năm của bản sao: Năm phải từ 2025 (bản đồ hành chính mới) đến 2100."
    ]


def test_plain_copy_form_posted_twice_makes_one_copy(old, client):
    client.force_login(old.staff)
    url = reverse("plans:plan.copy", args=[old.plan.pk])

    client.post(url, {"year": "2025", "token": "same"})
    second = client.post(url, {"year": "2025", "token": "same"})

    copy = Plan.objects.get(copied_from=old.plan)
    assert second["Location"] == reverse("plans:plan.detail", args=[copy.pk])


# ---------------------------------------------------------------- the demo's district plan


def test_copy_of_the_seed_district_plan_to_2027_is_all_on_todays_map(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_directory", official=True, changes=DATA / "commune_changes.csv", stdout=StringIO())
    seed = Plan.objects.get(issuer__code="87-870", issuer__era=MapEra.BEFORE_2025, year=2022)
    staff = UserFactory(role=Role.DISTRICT_STAFF, place=seed.issuer)

    preview = preview_copy_across(plan=seed, year=2027)
    copy = copy_plan_across(plan=seed, user=staff, year=2027, issuer=preview.default_issuer)

    assert preview.default_issuer.title_name == "Xã Thường Phước"  # took thị trấn Thường Thới Tiền
    assert [(m.old.name, [p.name for p in m.new]) for m in preview.splits] == [
        ("Phú Thuận B", ["Long Phú Thuận", "Tân Long"])
    ]
    assert preview.dropped == []
    sessions = Session.objects.filter(plan=copy).prefetch_related(
        "communes", "bridge_places", "quotas__place"
    )
    places = {copy.issuer}
    for session in sessions:
        places |= {session.host_commune, *session.communes.all(), *session.bridge_places.all()}
        places |= {q.place for q in session.quotas.all()}
    assert {p.era for p in places if p} == {MapEra.FROM_2025}
    assert [sorted(c.name for c in s.communes.all()) for s in sessions.order_by("position")] == [
        ["Thường Phước"],
        ["Thường Lạc"],
        ["Long Khánh"],
        ["Long Phú Thuận"],
    ]


def test_preview_page_reads_a_fixed_number_of_queries(old, client, django_assert_num_queries):
    client.force_login(old.staff)
    with CaptureQueriesContext(connection) as few:
        client.get(_across_url(old.plan))
    for i in range(5):
        commune = PlaceFactory(
            code=f"52-550-2{i}", kind=PlaceKind.XA, name=f"Phước Mới {i}", parent=old.district
        )
        CommuneChange.objects.create(old=commune, new=old.tay, main=True)
        session = SessionFactory(plan=old.plan, name=f"Cụm {i}", host_commune=commune, position=5 + i)
        session.communes.set([commune, old.hoa])
        QuotaFactory(session=session, place=commune, count=10)

    with django_assert_num_queries(len(few)):
        assert client.get(_across_url(old.plan)).status_code == 200


def test_preview_without_any_successor_says_what_the_administrator_must_load(old, client):
    CommuneChange.objects.all().delete()
    client.force_login(old.staff)

    response = client.get(_across_url(old.plan))

    assert response.context["preview"].issuer_choices == []
    assert 'id="copy-across-form"' not in response.content.decode()
    assert (
        "Chưa biết xã, tỉnh nào trên bản đồ mới nhận địa bàn của huyện Tuy Phước: quản trị viên cần nạp bảng "
        "sắp xếp xã"
    ) in response.content.decode()


def test_a_commune_plan_defaults_to_the_commune_that_took_it(old):
    plan = PlanFactory(issuer=old.thang, year=2024)
    QuotaFactory(session=SessionFactory(plan=plan, host_commune=old.thang), place=old.thang, count=40)

    preview = preview_copy_across(plan=plan, year=2026)

    assert [p.code for p in preview.issuer_choices] == ["52", "21970", "21985"]
    assert preview.default_issuer == old.dong
    copy = copy_plan_across(plan=plan, user=old.staff, year=2026, issuer=old.tay)
    assert _sessions(copy) == [("", "21970", [], [("21970", 40)])]
