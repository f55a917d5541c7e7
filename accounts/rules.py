"""Permissions on the directory's objects that depend on roles. The directory sits below
accounts in the layers, so accounts, which knows the roles, registers them."""

import rules

from directory.rules import is_own_commune

from .roles import is_commune_official, is_department_officer, is_office, user_place


@rules.predicate
def place_in_territory(user, place) -> bool:
    territory = user_place(user)
    return bool(territory and place and place.is_within(territory))


rules.add_perm(
    "directory.view_place",
    ((is_office | is_department_officer) & place_in_territory) | (is_commune_official & is_own_commune),
)
