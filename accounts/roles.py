"""Role predicates shared by every app's rules.py (django-rules)."""

import rules

from accounts.models import Role


def _has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role == role)

    return predicate


is_district_staff = _has_role(Role.DISTRICT_STAFF)
is_leader = _has_role(Role.LEADER)
is_commune_official = _has_role(Role.COMMUNE_OFFICIAL)
is_department_officer = _has_role(Role.DEPARTMENT_OFFICER)
is_secretary = _has_role(Role.SECRETARY)
is_office = is_district_staff | is_leader | is_secretary


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def user_place(user):
    """The territory a user works in: their place, or their unit's place."""
    if not user.is_authenticated:
        return None
    if user.role == Role.DEPARTMENT_OFFICER:
        return user.unit.place if user.unit_id else None
    return user.place
