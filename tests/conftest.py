from dataclasses import dataclass

import pytest
from django.db import connection

from accounts.models import Role
from directory.models import PlaceKind

from .celery_worker import broker  # noqa: F401  (the fixture of the celery_worker tests)
from .factories import PlaceFactory, UnitFactory, UserFactory


def pytest_runtest_setup(item):
    # Query counts and the like that depend on the backend (SQLite splits a bulk insert into
    # batches of its variable limit) hold only where the portal runs: PostgreSQL.
    if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL, not {connection.vendor}")


@dataclass
class World:
    """A small territory: one province, one district with two communes, and a user per role."""

    province: object
    district: object
    commune: object
    other_commune: object
    hamlet: object
    other_hamlet: object
    unit: object
    other_unit: object
    users: dict


@pytest.fixture
def world(db) -> World:
    province = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    district = PlaceFactory(code="52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=province)
    commune = PlaceFactory(code="52-550-03", kind=PlaceKind.XA, name="Phước Hòa", parent=district)
    other = PlaceFactory(code="52-550-08", kind=PlaceKind.XA, name="Phước An", parent=district)
    hamlet = PlaceFactory(code="52-550-03-01", kind=PlaceKind.THON, name="Lộc Thượng", parent=commune)
    other_hamlet = PlaceFactory(code="52-550-08-01", kind=PlaceKind.THON, name="Quảng Tín", parent=other)
    unit = UnitFactory(
        code="52-550-LDTBXH",
        name="Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước",
        short_name="Phòng Lao động - TB&XH",
        place=district,
    )
    other_unit = UnitFactory(
        code="52-550-NNPTNT",
        name="Phòng Nông nghiệp và PTNT huyện Tuy Phước",
        short_name="Phòng Nông nghiệp và PTNT",
        place=district,
    )
    users = {
        "anonymous": None,
        "district_staff": UserFactory(username="chuyenvien", role=Role.DISTRICT_STAFF, place=district),
        "leader": UserFactory(username="lanhdao", role=Role.LEADER, place=district),
        "secretary": UserFactory(username="thuky", role=Role.SECRETARY, place=district),
        "commune_official": UserFactory(username="canboxa", role=Role.COMMUNE_OFFICIAL, place=commune),
        "other_commune_official": UserFactory(username="canboxa2", role=Role.COMMUNE_OFFICIAL, place=other),
        "department_officer": UserFactory(username="donvi", role=Role.DEPARTMENT_OFFICER, unit=unit),
    }
    return World(province, district, commune, other, hamlet, other_hamlet, unit, other_unit, users)


@pytest.fixture
def login(client):
    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
