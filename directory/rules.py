"""Predicates about places (django-rules). The permissions that combine them with roles are
registered by accounts (accounts/rules.py): roles sit above the directory in the layers."""

import rules


@rules.predicate
def is_own_commune(user, place) -> bool:
    return bool(user.place_id and place and place.is_within(user.place))
