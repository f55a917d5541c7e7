"""Stale forms of the plan editor (optimistic concurrency).

Every editor page carries an edit token, "<version>.<last event id>", taken when it was
rendered. A save first locks the plan row and compares the plan's version with the token's:
if another save came in between, the post is refused (nothing is saved) and the events
recorded since the token's last event tell the user what the other person changed. The same
post sent twice (a double click, a resent form) is recognised by its digest and treated as
already saved.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import Plan, PlanEvent
from .errors import PlanWorkflowError

TOKEN_FIELD = "edit_token"


def edit_token(plan: Plan) -> str:
    last = PlanEvent.objects.filter(plan=plan).order_by("-id").values_list("id", flat=True).first()
    version = Plan.objects.filter(pk=plan.pk).values_list("version", flat=True).first()
    return f"{version or 0}.{last or 0}"


def parse_token(token) -> tuple[int, int] | None:
    try:
        version, event = str(token).split(".")
        return int(version), int(event)
    except (TypeError, ValueError):
        return None


def post_digest(*, user, token: str, data) -> str:
    """A digest of one post: who sent it, from which version, with which values."""
    items = sorted(
        (key, tuple(data.getlist(key)) if hasattr(data, "getlist") else (data[key],))
        for key in data
        if key != "csrfmiddlewaretoken"
    )
    return hashlib.sha256(repr((getattr(user, "pk", None), token, items)).encode()).hexdigest()


class StaleEditError(PlanWorkflowError):
    """The form was rendered before someone else's save; `events` are the saves since."""

    def __init__(self, message: str, events: list[PlanEvent]):
        super().__init__(message)
        self.events = events


def _user_name(event: PlanEvent) -> str:
    user = event.user
    if user is None:
        return "người khác"
    return user.get_full_name() or user.get_username()


def stale_message(events: list[PlanEvent]) -> str:
    if not events:
        return (
            "Kế hoạch vừa được người khác sửa; thay đổi của bạn chưa được lưu. Nội dung bạn nhập vẫn "
            "giữ bên dưới — hãy kiểm tra lại rồi bấm Lưu."
        )
    last = events[-1]
    at = timezone.localtime(last.at).strftime("%H:%M")
    what = "; ".join(event.description.rstrip(".") for event in events)
    return (
        f"Kế hoạch vừa được {_user_name(last)} sửa lúc {at} ({what}); thay đổi của bạn chưa được lưu. "
        "Nội dung bạn nhập vẫn giữ bên dưới, cùng những thay đổi của người kia — hãy nhập lại cho khớp "
        "rồi bấm Lưu."
    )


@dataclass
class FreshSave:
    """What `fresh_save` found: `repeated` is True for a post already saved (do nothing)."""

    repeated: bool = False


@contextmanager
def fresh_save(*, plan: Plan, user, data):
    """Run the body (one save of the editor) in a transaction, only if the posted token is
    the plan's current version. Raises StaleEditError otherwise; yields FreshSave(repeated=True)
    for the same post sent again, and the body must then skip the save.

    A post without a token (an old page, a script) is not checked, as before.
    """
    token = data.get(TOKEN_FIELD) or ""
    parsed = parse_token(token)
    digest = post_digest(user=user, token=token, data=data)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if parsed is not None and parsed[0] != locked.version:
            if locked.edit_digest == digest:
                yield FreshSave(repeated=True)
                return
            events = list(
                PlanEvent.objects.filter(plan=locked, id__gt=parsed[1]).select_related("user").order_by("id")
            )
            raise StaleEditError(stale_message(events), events)
        yield FreshSave()
        Plan.objects.filter(pk=plan.pk).update(edit_digest=digest)
