"""Who may see sessions and see or change a commune's participant list (django-rules).

Sessions are checked against a `Session`; participant lists against a
`sessions.selectors.CommuneList` (a session and one of its communes).

- Office roles (district staff, leaders, secretaries) see every session of the plans issued in
  their territory and every commune's list; only district staff upload or replace lists.
- A commune official sees the sessions of published plans that concern their commune and
  uploads their own commune's list, never another commune's.
- A department officer sees the sessions of published plans covering their unit, and no list.
- The session's own secretary, and district staff and leaders of the territory, record that the
  session was held (its date, venue and chair); district staff widen its check-in window.
- District staff of the issuing territory publish a dated session's public notice (once, when
  the plan is approved) and, once the session is recorded as held, its results (once).
"""

import rules
from django.db.models import Q

from accounts.roles import (
    is_commune_official,
    is_department_officer,
    is_district_staff,
    is_leader,
    is_office,
    is_secretary,
    user_place,
)
from plans.models import PUBLISHED_STATUSES

from .models import HeldRecord, Quota


@rules.predicate
def session_in_territory(user, session) -> bool:
    """The session's plan was issued by the user's people's committee or one below it."""
    territory = user_place(user)
    return bool(territory and session and session.plan.issuer.is_within(territory))


@rules.predicate
def session_covers_user(user, session) -> bool:
    """The session's plan is published and its issuer's territory contains the user's."""
    territory = user_place(user)
    return bool(
        territory
        and session
        and session.plan.status in PUBLISHED_STATUSES
        and territory.is_within(session.plan.issuer)
    )


@rules.predicate
def session_concerns_user_commune(user, session) -> bool:
    """The session gives the user's commune a quota, or has it in its cluster or as host."""
    commune = user_place(user)
    if not (commune and session):
        return False
    if session.host_commune_id == commune.pk:
        return True
    return (
        Quota.objects.filter(session=session).filter(Q(place=commune) | Q(place__parent=commune)).exists()
        or session.communes.filter(pk=commune.pk).exists()
    )


@rules.predicate
def list_in_territory(user, commune_list) -> bool:
    territory = user_place(user)
    return bool(
        territory
        and commune_list
        and commune_list.session.plan.issuer.is_within(territory)
        and commune_list.commune.is_within(territory)
    )


@rules.predicate
def list_of_own_commune(user, commune_list) -> bool:
    """The list is the user's commune's, in a published plan."""
    return bool(
        commune_list
        and user.place_id == commune_list.commune.pk
        and commune_list.session.plan.status in PUBLISHED_STATUSES
    )


@rules.predicate
def session_has_fixed_date(user, session) -> bool:
    return bool(session and session.has_fixed_date)


@rules.predicate
def notice_can_be_published(user, session) -> bool:
    return bool(session and session.notice_published_at is None and session.plan.status in PUBLISHED_STATUSES)


@rules.predicate
def results_can_be_published(user, session) -> bool:
    """Not yet published, and the session recorded as held (its date gone by is not enough)."""
    return bool(
        session
        and session.results_published_at is None
        and session.plan.status in PUBLISHED_STATUSES
        and session.has_fixed_date
        and HeldRecord.objects.filter(session=session).exists()
    )


@rules.predicate
def results_are_published(user, session) -> bool:
    return bool(session and session.results_published_at is not None)


@rules.predicate
def is_own_session_secretary(user, session) -> bool:
    return bool(session and user.is_authenticated and session.secretary_id == user.pk)


can_record_held = ((is_district_staff | is_leader) & session_in_territory) | (
    is_secretary & is_own_session_secretary & session_in_territory
)
can_change_checkin_window = is_district_staff & session_in_territory

can_view_session = (
    (is_office & session_in_territory)
    | (is_commune_official & session_covers_user & session_concerns_user_commune)
    | (is_department_officer & session_covers_user)
)

rules.add_perm("dialogue_sessions.list_sessions", is_office | is_commune_official | is_department_officer)
rules.add_perm("dialogue_sessions.view_session", can_view_session)
rules.add_perm(
    "dialogue_sessions.view_participants",
    (is_office & list_in_territory) | (is_commune_official & list_of_own_commune),
)
rules.add_perm(
    "dialogue_sessions.change_participants",
    (is_district_staff & list_in_territory) | (is_commune_official & list_of_own_commune),
)
rules.add_perm(
    "dialogue_sessions.publish_notice",
    is_district_staff & session_in_territory & session_has_fixed_date & notice_can_be_published,
)
rules.add_perm(
    "dialogue_sessions.publish_results",
    is_district_staff & session_in_territory & session_has_fixed_date & results_can_be_published,
)
rules.add_perm(
    "dialogue_sessions.withdraw_results",
    is_district_staff & session_in_territory & results_are_published,
)
rules.add_perm("dialogue_sessions.record_held", can_record_held)
rules.add_perm("dialogue_sessions.change_checkin_window", can_change_checkin_window)
