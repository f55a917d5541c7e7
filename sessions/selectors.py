"""Reads of sessions, quotas and participant lists shared by the session and participant pages.

Every read here takes a fixed number of queries whatever the number of participants: quotas
and registered counts are correlated subqueries, never `commune_quota` called in a loop.

A commune's quota follows `sessions.participants.checks.commune_quota`: the quota given to the
commune itself, or else the sum of the quotas given to its hamlets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import is_commune_official, is_department_officer, is_office, user_place
from core.collation import vi_order
from directory.models import Place, PlaceLevel
from plans.models import PUBLISHED_STATUSES

from .deadlines import question_deadline
from .models import Participant, Quota, Session, TimeKind


@dataclass(frozen=True)
class CommuneList:
    """One commune's participant list in one session: the object of the participant permissions."""

    session: Session
    commune: Place


def _scalar(queryset: QuerySet, link: str, aggregate) -> Subquery:
    """A correlated aggregate of `queryset` grouped by `link` (one value per outer row)."""
    return Subquery(
        queryset.order_by().values(link).annotate(value=aggregate).values("value")[:1],
        output_field=IntegerField(),
    )


def _commune_quota(session_ref, commune_ref) -> Coalesce:
    """The commune's own quota, else the sum of its hamlets' quotas, else NULL."""
    own = Quota.objects.filter(session=session_ref, place=commune_ref).values("count")[:1]
    hamlets = Quota.objects.filter(session=session_ref, place__parent=commune_ref)
    return Coalesce(
        Subquery(own, output_field=IntegerField()),
        _scalar(hamlets, "session", Sum("count")),
    )


def _registered(session_ref, commune_ref=None) -> Coalesce:
    participants = Participant.objects.filter(session=session_ref)
    if commune_ref is not None:
        participants = participants.filter(commune=commune_ref)
    return Coalesce(_scalar(participants, "session", Count("pk")), Value(0))


def _session_total_quota() -> Coalesce:
    """The sum of every commune's quota in the outer session (hamlet quotas count once)."""
    communes = Quota.objects.filter(session=OuterRef("pk"), place__level=PlaceLevel.COMMUNE)
    commune_quota_exists = Quota.objects.filter(session=OuterRef("session"), place=OuterRef("place__parent"))
    hamlets = Quota.objects.filter(session=OuterRef("pk"), place__level=PlaceLevel.HAMLET).exclude(
        Exists(commune_quota_exists)
    )
    return Coalesce(_scalar(communes, "session", Sum("count")), Value(0)) + Coalesce(
        _scalar(hamlets, "session", Sum("count")), Value(0)
    )


def _concerns_commune(commune: Place, session_ref=None) -> Q:
    """The session gives `commune` (or one of its hamlets) a quota, has it in its cluster or as host."""
    session_ref = session_ref if session_ref is not None else OuterRef("pk")
    quota = Quota.objects.filter(session=session_ref).filter(Q(place=commune) | Q(place__parent=commune))
    cluster = Session.communes.through.objects.filter(session_id=session_ref, place_id=commune.pk)
    return Q(Exists(quota)) | Q(Exists(cluster)) | Q(host_commune=commune)


def sessions_for_user(user) -> QuerySet[Session]:
    """Sessions the user may see, as in sessions.rules (`dialogue_sessions.view_session`)."""
    territory = user_place(user)
    if territory is None:
        return Session.objects.none()
    if is_office(user):
        return Session.objects.filter(plan__issuer__in=Place.objects.within(territory))
    published = Session.objects.filter(
        plan__status__in=PUBLISHED_STATUSES, plan__issuer__path__in=territory.ancestor_paths
    )
    if is_commune_official(user):
        return published.filter(_concerns_commune(territory))
    if is_department_officer(user):
        return published
    return Session.objects.none()


def session_list(user) -> QuerySet[Session]:
    """The session list's rows with `quota` and `registered` annotated.

    For a commune official both numbers are their commune's own; for everyone else they are
    the session's totals.
    """
    sessions = sessions_for_user(user).select_related("plan__issuer", "host_commune")
    if is_commune_official(user):
        commune = user_place(user)
        sessions = sessions.annotate(
            quota=_commune_quota(OuterRef("pk"), commune.pk),
            registered=_registered(OuterRef("pk"), commune.pk),
        )
    else:
        sessions = sessions.annotate(quota=_session_total_quota(), registered=_registered(OuterRef("pk")))
    return sessions.order_by("-plan__year", "plan_id", "position", "pk")


def session_for_page(pk: int) -> Session:
    """One session with its plan and issuer; raises Session.DoesNotExist."""
    return Session.objects.select_related("plan__issuer", "host_commune").get(pk=pk)


def list_level(session: Session) -> PlaceLevel:
    """The level of the places that send a participant list to `session`: the communes of a
    province's or a district's plan; the hamlets (thôn, tổ dân phố) of a commune's own plan,
    whose quotas are per hamlet and whose lists the hamlets' contacts send."""
    return PlaceLevel.HAMLET if session.plan.issuer.level == PlaceLevel.COMMUNE else PlaceLevel.COMMUNE


def session_communes(session: Session) -> QuerySet[Place]:
    """The places that send a list to a session, in the map's order: the communes it concerns
    (quota, hamlet quota, cluster or host), or for a commune's own plan the hamlets it gives a
    quota (`list_level`)."""
    quota_places = Quota.objects.filter(session=session).values("place_id")
    if list_level(session) == PlaceLevel.HAMLET:
        return Place.objects.filter(pk__in=quota_places, level=PlaceLevel.HAMLET)
    hamlet_parents = Quota.objects.filter(session=session, place__level=PlaceLevel.HAMLET).values(
        "place__parent_id"
    )
    cluster = Session.communes.through.objects.filter(session_id=session.pk).values("place_id")
    condition = Q(pk__in=quota_places) | Q(pk__in=hamlet_parents) | Q(pk__in=cluster)
    if session.host_commune_id:
        condition |= Q(pk=session.host_commune_id)
    return Place.objects.filter(condition, level=PlaceLevel.COMMUNE)


def fill_rates(session: Session, *, commune: Place | None = None) -> list[Place]:
    """The session's communes (or just `commune`) with `quota`, `registered` and `percent`. One query.

    (The annotation is `quota_count`: `quota` is the reverse name of Quota.place.)"""
    communes = session_communes(session)
    if commune is not None:
        communes = communes.filter(pk=commune.pk)
    rows = list(
        communes.annotate(
            quota_count=_commune_quota(session.pk, OuterRef("pk")),
            registered=_registered(session.pk, OuterRef("pk")),
        ).order_by(F("code").asc())
    )
    for row in rows:
        row.quota = row.quota_count
        row.percent = fill_percent(row.quota, row.registered)
    return rows


def hamlet_fill_rates(session: Session, commune: Place) -> list[Place]:
    """The commune's hamlets (thôn, ấp, khóm) with `quota` (the hamlet's own, else the session's
    per-hamlet minimum), `registered` and `percent`, and a last row (a Place without pk) for
    participants listed without a hamlet when there are any. One query."""
    rows = list(
        Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET)
        .annotate(
            quota_count=Subquery(
                Quota.objects.filter(session=session, place=OuterRef("pk")).values("count")[:1],
                output_field=IntegerField(),
            ),
            registered=Coalesce(
                _scalar(
                    Participant.objects.filter(session=session, hamlet=OuterRef("pk")), "hamlet", Count("pk")
                ),
                Value(0),
            ),
            unplaced=Coalesce(
                _scalar(
                    Participant.objects.filter(session=session, commune=commune, hamlet=None),
                    "commune",
                    Count("pk"),
                ),
                Value(0),
            ),
        )
        .order_by("code")
    )
    unplaced = rows[0].unplaced if rows else 0
    for row in rows:
        row.quota = row.quota_count if row.quota_count is not None else session.min_per_hamlet
        row.percent = fill_percent(row.quota, row.registered)
    if unplaced:
        rows.append(Place(name="Chưa ghi thôn, ấp", level=PlaceLevel.HAMLET))
        rows[-1].quota, rows[-1].registered, rows[-1].percent = None, unplaced, None
    return rows


def fill_percent(quota: int | None, registered: int) -> int | None:
    """Registered as a whole percentage of the quota (capped at 100 for the bar); None without quota."""
    if not quota:
        return None
    return round(100 * registered / quota)


def session_commune(session: Session, code: str) -> Place | None:
    """The commune with `code` when `session` concerns it; None for any other code. One query."""
    return session_communes(session).filter(code=code).first()


def name_order(prefix: str = "") -> tuple:
    """How every list of people is sorted: by full name in Vietnamese order (core.collation),
    people of the same name in the order they were added. A list grows by several uploads, each
    numbering its rows from the top of its own file, so the row number orders nothing across
    uploads; a clerk looks a person up by name, on the page, the sign-in sheet or the export."""
    return (vi_order(f"{prefix}full_name"), f"{prefix}id")


def participant_list(session: Session, commune: Place) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(session=session, commune=commune)
        .select_related("hamlet", "category")
        .order_by(*name_order())
    )


def signin_rows(session: Session, commune: Place) -> list[Participant]:
    return list(participant_list(session, commune))


@dataclass(frozen=True)
class Publication:
    """One of a session's publication duties as the session page shows it."""

    label: str
    due: datetime.date
    done_on: datetime.date | None

    @property
    def on_time(self) -> bool | None:
        """True/False once done; None while pending."""
        return None if self.done_on is None else self.done_on <= self.due

    @property
    def overdue(self) -> bool:
        """Still not done after its due day."""
        return self.done_on is None and timezone.localdate() > self.due


def publications(session: Session) -> list[Publication]:
    """The public notice and the results of a dated session, with their due and done days."""
    if not session.has_fixed_date:
        return []

    def day(value):
        return timezone.localtime(value).date() if value else None

    return [
        Publication("Thông báo công khai", session.notice_due, day(session.notice_published_at)),
        Publication("Công khai kết quả", session.results_due, day(session.results_published_at)),
    ]


def upcoming_sessions(user, *, today: datetime.date, limit: int = 5) -> list[Session]:
    """The next sessions the user may see (dated today or later, then this month's or quarter's
    or later ones, then those announced later), as
    `session_list` annotates them, with `lists_due`: the communes' deadline for their lists and
    questions (None without a fixed date). Two queries."""
    sessions = list(
        session_list(user)
        .filter(
            Q(date__gte=today)
            | Q(time_kind=TimeKind.MONTH, year__gt=today.year)
            | Q(time_kind=TimeKind.MONTH, year=today.year, month__gte=today.month)
            | Q(time_kind=TimeKind.QUARTER, year__gt=today.year)
            | Q(time_kind=TimeKind.QUARTER, year=today.year, quarter__gte=(today.month + 2) // 3)
            | Q(time_kind=TimeKind.LATER, plan__status__in=PUBLISHED_STATUSES)
        )
        .order_by(F("date").asc(nulls_last=True), "plan_id", "position", "pk")[:limit]
    )
    for session in sessions:
        session.lists_due = question_deadline(session)
        session.percent = fill_percent(session.quota, session.registered)
    return sessions
