"""Checks on a session's figures that a person should look at before the plan is printed."""

from directory.models import PlaceLevel

from .models import Session


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
