"""load_demo brings in the five seed plans once, with their issued state, and one plan in progress."""

import datetime
from io import StringIO

from dialogue_portal.demo import load_demo
from directory.models import MapEra
from feedback.models import Question
from plans.models import Plan
from sessions.models import Session


def test_load_demo_twice_loads_each_seed_plan_once(db):
    load_demo()
    out = StringIO()

    load_demo(stdout=out)

    plans = (
        Plan.objects.filter(copied_from=None, issuer__era=MapEra.BEFORE_2025)
        .order_by("issuer__code")
        .values_list("issuer__code", "year", "status", "number", "number_year")
    )
    assert list(plans) == [
        ("52-550", 2024, "draft", None, None),
        ("62-611-01", 2023, "draft", None, None),
        ("64", 2024, "issued", 409, 2024),
        ("87-870", 2022, "draft", None, None),
        ("89-890-01", 2024, "issued", 22, 2024),
    ]
    assert out.getvalue().splitlines()[-8:-2] == [
        f"Đã có kế hoạch mẫu {name}, bỏ qua."
        for name in [
            "000_tuy_phuoc_2024.json",
            "001_sa_loong_2023.json",
            "002_hong_ngu_2022.json",
            "003_nhon_hung_2024.json",
            "004_gia_lai_2024.json",
        ]
    ] + ["Đã có kế hoạch đang triển khai cho bản dùng thử, bỏ qua."]
    year = max(2027, datetime.date.today().year + 1)
    assert out.getvalue().splitlines()[-2:] == [
        f"Đã có kế hoạch năm {year} của xã Tuy Phước, bỏ qua.",
        f"Đã có kế hoạch năm {year} của tỉnh Gia Lai, bỏ qua.",
    ]
    assert Plan.objects.exclude(copied_from=None).count() == 1


def test_load_demo_seed_003_is_issued_number_22(db):
    load_demo()

    plan = Plan.objects.get(issuer__code="89-890-01")

    assert (plan.status, plan.number, plan.number_label, str(plan.issued_on), plan.place_name) == (
        "issued",
        22,
        "22/KH-UBND",
        "2024-02-09",
        "Nhơn Hưng",
    )


def test_load_demo_drafts_keep_their_draft_month(db):
    load_demo()

    seeds = Plan.objects.filter(copied_from=None, issuer__era=MapEra.BEFORE_2025)
    months = dict(seeds.values_list("issuer__code", "draft_month"))

    assert months == {"52-550": 4, "62-611-01": None, "87-870": 3, "89-890-01": None, "64": None}


def test_load_demo_plan_in_progress_gives_each_account_work(db, client):
    load_demo()
    plan = Plan.objects.exclude(copied_from=None).get()
    first, second = Session.objects.filter(plan=plan, time_kind="exact").order_by("date")

    assert plan.status == "issued" and plan.issuer.code == "52-550"
    assert datetime.date.today() < first.date < second.date
    assert first.secretary.username == "thuky"
    assert first.participants.filter(commune__code="52-550-03").count() == 8
    assert first.invited_units.count() == 9
    questions = Question.objects.filter(session=first)
    assert questions.count() == 4
    assert questions.filter(assigned_unit__code="52-550-NNPTNT").count() == 2

    client.login(username="canboxa", password="doithoai2024")
    assert "Nhà văn hóa xã Phước Hoà" in client.get("/phien/").content.decode()
    client.login(username="donvi", password="doithoai2024")
    page = client.get("/cau-hoi/").content.decode()
    assert "lao động ở nước ngoài" in page or "làm việc ở nước ngoài" in page
