"""The role predicates every app's rules build on (accounts/roles.py)."""

from django.contrib.auth.models import AnonymousUser

from accounts.roles import is_authenticated, is_commune_official, is_district_staff, is_office, user_place


def test_user_place_is_the_users_place_or_their_units(world):
    assert user_place(world.users["district_staff"]) == world.district
    assert user_place(world.users["commune_official"]) == world.commune
    assert user_place(world.users["department_officer"]) == world.unit.place
    assert user_place(AnonymousUser()) is None


def test_department_officer_without_unit_has_no_territory(world):
    officer = world.users["department_officer"]
    officer.unit = None
    assert user_place(officer) is None


def test_office_is_staff_leader_and_secretary(world):
    assert {role for role, user in world.users.items() if user is not None and is_office(user)} == {
        "district_staff",
        "leader",
        "secretary",
    }


def test_inactive_user_has_no_role(world):
    staff = world.users["district_staff"]
    staff.is_active = False
    assert (is_district_staff(staff), is_office(staff), is_authenticated(staff)) == (False, False, False)
    assert is_commune_official(AnonymousUser()) is False
