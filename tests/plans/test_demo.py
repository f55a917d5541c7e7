"""load_demo brings in the five seed plans once, with their issued state."""

from io import StringIO

from dialogue_portal.demo import load_demo
from plans.models import Plan


def test_load_demo_twice_loads_each_seed_plan_once(db):
    load_demo()
    out = StringIO()

    load_demo(stdout=out)

    plans = Plan.objects.order_by("issuer__code").values_list(
        "issuer__code", "year", "status", "number", "number_year"
    )
    assert list(plans) == [
        ("52-550", 2024, "draft", None, None),
        ("62-611-01", 2023, "draft", None, None),
        ("64", 2024, "issued", 409, 2024),
        ("87-870", 2022, "draft", None, None),
        ("89-890-01", 2024, "issued", 22, 2024),
    ]
    assert out.getvalue().splitlines()[-5:] == [
        f"Đã có kế hoạch mẫu {name}, bỏ qua."
        for name in [
            "000_tuy_phuoc_2024.json",
            "001_sa_loong_2023.json",
            "002_hong_ngu_2022.json",
            "003_nhon_hung_2024.json",
            "004_gia_lai_2024.json",
        ]
    ]


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

    months = dict(Plan.objects.values_list("issuer__code", "draft_month"))

    assert months == {"52-550": 4, "62-611-01": None, "87-870": 3, "89-890-01": None, "64": None}
