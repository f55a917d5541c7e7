"""Checks on a session's figures that a person should look at before the plan is printed, and
the session's public notice and published results."""

from django.db import transaction
from django.utils import timezone

from accounts.roles import is_district_staff
from directory.models import PlaceLevel
from plans.models import PUBLISHED_STATUSES

from .models import HeldRecord, Session


class PublicationError(Exception):
    """A notice or results that cannot be published; the message is for the user, in Vietnamese."""


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("plan__issuer").get(pk=session.pk)


def _check_publisher(user, session: Session) -> None:
    territory = user.place if is_district_staff(user) else None
    if territory is None or not session.plan.issuer.is_within(territory):
        raise PublicationError("Chỉ chuyên viên của cơ quan ban hành kế hoạch mới công khai được.")
    if not session.has_fixed_date:
        raise PublicationError("Phiên chưa có ngày cụ thể: chưa thể thông báo hay công khai.")
    if session.plan.status not in PUBLISHED_STATUSES:
        raise PublicationError("Kế hoạch chưa được duyệt: chưa thể thông báo hay công khai.")


def publish_notice(*, user, session: Session, topics: str) -> Session:
    """District staff publish the session's public notice: its time, venue and topics as they
    stand now. Side effects: sets the notice fields once; a published notice is not replaced."""
    topics = (topics or "").strip()
    if not topics:
        raise PublicationError("Hãy ghi nội dung, chủ đề của hội nghị đối thoại.")
    with transaction.atomic():
        session = _locked(session)
        _check_publisher(user, session)
        if session.notice_published_at is not None:
            raise PublicationError("Phiên này đã được thông báo công khai.")
        venue = ", ".join(part for part in (session.venue_name, session.venue_address) if part)
        session.notice_time = session.time_label
        session.notice_venue = venue
        session.notice_topics = topics
        session.notice_published_at = timezone.now()
        session.notice_published_by = user
        session.save(
            update_fields=[
                "notice_time",
                "notice_venue",
                "notice_topics",
                "notice_published_at",
                "notice_published_by",
            ]
        )
        return session


def publish_results(*, user, session: Session) -> Session:
    """District staff publish the session's questions and answers on its public page, once the
    session is recorded as held (sessions.session_day.record_held). Side effects: sets ``results_published_at`` and ``_by`` once."""
    with transaction.atomic():
        session = _locked(session)
        _check_publisher(user, session)
        if not HeldRecord.objects.filter(session=session).exists():
            raise PublicationError(
                "Phiên chưa được ghi nhận là đã tổ chức: hãy ghi nhận ngày, địa điểm và người chủ trì "
                "trước khi công khai kết quả."
            )
        if session.results_published_at is not None:
            raise PublicationError("Kết quả của phiên này đã được công khai.")
        session.results_published_at = timezone.now()
        session.results_published_by = user
        session.save(update_fields=["results_published_at", "results_published_by"])
        return session


def withdraw_results(*, user, session: Session) -> Session:
    """District staff take the session's results off its public page (personal data published by
    mistake, an answer to correct); they can publish them again. The deadline counts from the
    session as before, so a withdrawal past the 10 days shows as late until republished."""
    with transaction.atomic():
        session = _locked(session)
        _check_publisher(user, session)
        if session.results_published_at is None:
            raise PublicationError("Kết quả của phiên này chưa được công khai.")
        session.results_published_at = None
        session.results_published_by = None
        session.save(update_fields=["results_published_at", "results_published_by"])
        return session


def _commune_id(place) -> int:
    return place.parent_id if place.level == PlaceLevel.HAMLET else place.pk


def session_warnings(*, session: Session) -> list[str]:
    """Suspicious entries in a session, in Vietnamese. Reads the session's quotas,
    composition and cluster (prefetch them when checking many sessions).

    - a quota for a commune that is neither the host nor in the cluster (seed 000's slip:
      the session in Phước Thuận invites only Phước An);
    - quotas or composition groups that do not add up to the stated total.
    """
    warnings: list[str] = []
    quotas = list(session.quotas.all())
    cluster = {p.pk for p in session.communes.all()}
    if quotas and cluster:
        allowed = cluster | ({session.host_commune_id} if session.host_commune_id else set())
        warnings += [
            f"{q.place.title_name} có suất mời nhưng không phải xã đăng cai hay xã trong cụm."
            for q in quotas
            if _commune_id(q.place) not in allowed
        ]
    elif quotas and session.host_commune_id:
        if all(_commune_id(q.place) != session.host_commune_id for q in quotas):
            invited = ", ".join(q.place.name for q in quotas)
            warnings.append(
                f"Phiên tổ chức tại {session.host_commune.full_name} nhưng xã này không có suất mời nào "
                f"(đang mời: {invited}); kiểm tra lại."
            )
    total = session.total_participants
    if total is not None and quotas:
        quota_sum = sum(q.count for q in quotas)
        if quota_sum != total:
            warnings.append(
                f"Tổng suất mời của các xã là {quota_sum} người, khác tổng số {total} người của phiên."
            )
    groups = list(session.composition.all())
    if total is not None and groups:
        group_sum = sum(g.total for g in groups)
        if group_sum != total:
            warnings.append(
                f"Các thành phần cộng lại {group_sum} người, khác tổng số {total} người của phiên."
            )
    return warnings
