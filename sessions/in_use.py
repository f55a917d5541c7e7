"""May a session be removed from its plan? Not once people's work hangs on it.

Deleting a session cascades to its participant lists, and to the rows other apps keep about it
(the questions in feedback, the check-ins in notifications). Those apps register here, in their
AppConfig.ready(), what counts as "in use" for them; the plan editor asks once, in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from .models import Participant, Session


@dataclass(frozen=True)
class UseCheck:
    # What the session already has, as the message says it: "câu hỏi".
    label: str
    # The rows that make a session in use; filtered by `session` = the session.
    rows: Callable[[], QuerySet]
    # The label's place in the message ("… đã có A, B và C").
    order: int


_checks: dict[str, UseCheck] = {}


def register_use_check(check: UseCheck) -> None:
    """Called from AppConfig.ready(); registering the same label again replaces it."""
    _checks[check.label] = check


register_use_check(
    UseCheck(label="danh sách người tham dự", rows=lambda: Participant.objects.all(), order=10)
)


def sessions_in_use(pks: set[int]) -> dict[int, str]:
    """The sessions among `pks` that already have participants, questions or check-ins
    (deleting them would cascade to those), each with the message saying why it stays."""
    if not pks:
        return {}
    checks = sorted(_checks.values(), key=lambda check: check.order)
    rows = Session.objects.filter(pk__in=pks).annotate(
        **{
            f"in_use_{i}": Exists(check.rows().filter(session=OuterRef("pk")))
            for i, check in enumerate(checks)
        }
    )
    out = {}
    for session in rows:
        kinds = [check.label for i, check in enumerate(checks) if getattr(session, f"in_use_{i}")]
        if kinds:
            what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " và " + kinds[-1]
            out[session.pk] = f"Phiên «{session}» đã có {what}; không xóa được."
    return out
