import rules

from accounts.roles import is_commune_official, is_department_officer, is_office, user_place


@rules.predicate
def place_in_territory(user, place) -> bool:
    territory = user_place(user)
    return bool(territory and place and place.is_within(territory))


@rules.predicate
def is_own_commune(user, place) -> bool:
    return bool(user.place_id and place and place.is_within(user.place))


rules.add_perm(
    "directory.view_place",
    ((is_office | is_department_officer) & place_in_territory) | (is_commune_official & is_own_commune),
)
