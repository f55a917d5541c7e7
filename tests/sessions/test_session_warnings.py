import json
from pathlib import Path

import pytest

from directory.models import Place
from directory.services import import_places, import_units
from plans.planfile import import_plan
from sessions.models import Participant, Quota
from sessions.participants.services import import_participants
from sessions.services import session_warnings

from .participant_data import make_session, people, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def directory(db):
    import_places(text=(ROOT / "directory/data/places.csv").read_text(encoding="utf-8"))
    import_units(text=(ROOT / "directory/data/units.csv").read_text(encoding="utf-8"))


def _seed(name: str):
    data = json.loads(next((ROOT / "plans/seeds").glob(f"{name}_*.json")).read_text(encoding="utf-8"))
    return import_plan(data=data, keep_status=True)


def test_session_warnings_flag_seed_000_session_5(directory):
    plan = _seed("000")
    warnings = {s.position + 1: session_warnings(session=s) for s in plan.sessions.all()}
    assert warnings == {
        1: [],
        2: [],
        3: [],
        4: [],
        5: [
            "Phiên tổ chức tại xã Phước Thuận nhưng xã này không có suất mời nào (đang mời: Phước An); "
            "kiểm tra lại."
        ],
    }


def test_session_warnings_seed_002_cluster_totals_add_up(directory):
    plan = _seed("002")
    sessions = list(plan.sessions.all())
    assert [s.total_participants for s in sessions] == [100, 69, 75, 100]
    assert [sum(g.total for g in s.composition.all()) for s in sessions] == [100, 69, 75, 100]
    assert [session_warnings(session=s) for s in sessions] == [[], [], [], []]


def test_session_warnings_totals_that_do_not_add_up(directory):
    plan = _seed("002")
    session = plan.sessions.first()
    session.total_participants = 120
    session.save()
    assert session_warnings(session=session) == [
        "Các thành phần cộng lại 100 người, khác tổng số 120 người của phiên."
    ]


def test_session_warnings_quota_outside_cluster(directory):
    plan = _seed("002")
    session = plan.sessions.first()
    Quota.objects.create(session=session, place=Place.objects.get(code="87-870-10"), count=5)
    assert session_warnings(session=session)[0] == (
        f"{Place.objects.get(code='87-870-10').title_name} có suất mời nhưng không phải xã đăng cai hay xã trong cụm."
    )


def test_seed_003_carries_the_per_khom_rule(directory):
    plan = _seed("003")
    assert [s.min_per_hamlet for s in plan.sessions.all()] == [40, 40, 40]


def test_import_with_per_hamlet_minimum_and_no_quota_notes_short_hamlets(world):
    session = make_session(world, quota=None)
    session.min_per_hamlet = 40
    session.save()

    report = import_participants(
        session=session,
        commune=world.commune,
        filename="ds.xlsx",
        content=xlsx_bytes(people(3)),
        user=world.users["commune_official"],
    )

    assert report.errors == []
    assert report.notices == [
        "Thôn Lộc Thượng mới có 3 người, ít hơn mức tối thiểu 40 người mỗi thôn, khóm của phiên này."
    ]
    assert (report.committed, Participant.objects.count()) == (True, 3)
