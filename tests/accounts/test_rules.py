"""The permissions accounts registers on the directory's objects (accounts/rules.py)."""

import pytest


@pytest.mark.parametrize(
    ("role", "places"),
    [
        ("district_staff", {"district", "commune", "other_commune", "hamlet"}),
        ("leader", {"district", "commune", "other_commune", "hamlet"}),
        ("secretary", {"district", "commune", "other_commune", "hamlet"}),
        ("department_officer", {"district", "commune", "other_commune", "hamlet"}),
        ("commune_official", {"commune", "hamlet"}),
        ("other_commune_official", {"other_commune"}),
    ],
)
def test_view_place_within_the_users_territory(world, role, places):
    user = world.users[role]
    names = ["province", "district", "commune", "other_commune", "hamlet"]
    assert {name for name in names if user.has_perm("directory.view_place", getattr(world, name))} == places
