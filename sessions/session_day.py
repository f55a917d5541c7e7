"""The session's day: when its door opens (check-in and the answers given at the session), and
the record that it was held.

Check-in opens at 00:00 of the session's date and closes at 24:00 that day, local time; the
issuing office may open it up to 72 hours earlier (the evening before) or keep it open later.
Answers given at the session are recorded in the same window, or later once the session has been
recorded as held (the secretary copies the minutes the next day). A session counts as held only
by its `HeldRecord`, never by a check-in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.vietnamese import short_date

from .models import MAX_CHECKIN_WIDENING_HOURS, HeldRecord, Session
from .rules import can_change_checkin_window, can_record_held


class SessionDayError(Exception):
    """An action outside the session's day, or a held record that cannot be saved; the message
    is for the user, in Vietnamese."""


@dataclass(frozen=True)
class CheckinWindow:
    opens: datetime.datetime
    closes: datetime.datetime

    def is_open(self, now: datetime.datetime) -> bool:
        return self.opens <= now < self.closes

    @property
    def label(self) -> str:
        """ "từ 00:00 ngày 29/12/2026 đến 24:00 ngày 29/12/2026" (24:00 rather than 00:00 next day)."""
        return f"từ {_moment(self.opens, end=False)} đến {_moment(self.closes, end=True)}"


def _moment(value: datetime.datetime, *, end: bool) -> str:
    local = timezone.localtime(value)
    if end and local.time() == datetime.time(0, 0):
        return f"24:00 ngày {short_date(local.date() - datetime.timedelta(days=1))}"
    return f"{local:%H:%M} ngày {short_date(local.date())}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))


def checkin_window(session: Session) -> CheckinWindow | None:
    """When the session's door is open; None while the session has no fixed date."""
    if not session.has_fixed_date:
        return None
    opens = _midnight(session.date) - datetime.timedelta(hours=session.checkin_hours_before)
    closes = _midnight(session.date + datetime.timedelta(days=1)) + datetime.timedelta(
        hours=session.checkin_hours_after
    )
    return CheckinWindow(opens=opens, closes=closes)


def checkin_closed_message(session: Session, now: datetime.datetime | None = None) -> str:
    """Why the door is shut at `now`, in Vietnamese; "" while it is open."""
    now = now or timezone.now()
    window = checkin_window(session)
    if window is None:
        return "Phiên chưa có ngày tổ chức cụ thể nên chưa mở điểm danh; hãy ghi ngày hội nghị trước."
    if now < window.opens:
        return (
            f"Chưa đến giờ điểm danh: điểm danh phiên này mở {window.label}. "
            "Cơ quan ban hành kế hoạch có thể cho mở sớm hơn ở trang phiên đối thoại."
        )
    if now >= window.closes:
        return f"Đã hết giờ điểm danh: điểm danh phiên này chỉ mở {window.label}."
    return ""


def check_checkin_open(session: Session, now: datetime.datetime | None = None) -> None:
    """Raise SessionDayError unless check-in is open at `now`."""
    message = checkin_closed_message(session, now)
    if message:
        raise SessionDayError(message)


def check_at_session_open(session: Session, now: datetime.datetime | None = None) -> None:
    """Raise SessionDayError unless what happened at the session may be recorded at `now`: in the
    check-in window, or afterwards once the session is recorded as held."""
    now = now or timezone.now()
    window = checkin_window(session)
    if window is not None and window.is_open(now):
        return
    held = HeldRecord.objects.filter(session=session).first()
    if held is not None and timezone.localtime(now).date() >= held.held_on:
        return
    if window is not None and now < window.opens:
        raise SessionDayError(
            f"Hội nghị chưa diễn ra: kết quả tại hội nghị chỉ ghi nhận được {window.label} "
            "hoặc sau khi phiên được ghi nhận là đã tổ chức."
        )
    raise SessionDayError(
        "Phiên chưa được ghi nhận là đã tổ chức: hãy ghi nhận ngày, địa điểm và người chủ trì ở trang "
        "phiên đối thoại trước khi ghi kết quả tại hội nghị."
    )


# ---------------------------------------------------------------- writes


def set_checkin_window(*, user, session: Session, hours_before: int, hours_after: int) -> Session:
    """District staff of the issuing territory widen (or narrow back) the check-in window.
    Side effects: updates the session's two window fields."""
    for value in (hours_before, hours_after):
        if value is None or not 0 <= value <= MAX_CHECKIN_WIDENING_HOURS:
            raise SessionDayError(
                f"Số giờ mở sớm hoặc giữ mở thêm phải từ 0 đến {MAX_CHECKIN_WIDENING_HOURS}."
            )
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",)).select_related("plan__issuer").get(pk=session.pk)
        )
        if not can_change_checkin_window(user, session):
            raise SessionDayError("Chỉ chuyên viên của cơ quan ban hành kế hoạch mới đổi giờ mở điểm danh.")
        session.checkin_hours_before, session.checkin_hours_after = hours_before, hours_after
        session.save(update_fields=["checkin_hours_before", "checkin_hours_after"])
        return session


def held_defaults(session: Session, today: datetime.date | None = None) -> dict:
    """What the held form starts from: the record when there is one, else the planned day,
    venue and chair."""
    record = HeldRecord.objects.filter(session=session).first()
    if record is not None:
        return {"held_on": record.held_on, "venue": record.venue, "chair": record.chair}
    today = today or timezone.localdate()
    planned = session.date if session.has_fixed_date and session.date <= today else today
    venue = ", ".join(part for part in (session.venue_name, session.venue_address) if part)
    return {"held_on": planned, "venue": venue, "chair": session.chair}


def record_held(
    *, user, session: Session, held_on: datetime.date | None, venue: str, chair: str
) -> HeldRecord:
    """The secretary or the office record that the session was held: its date, venue and chair.
    Side effects: creates the session's HeldRecord, or corrects it (who and when are the last
    writer's)."""
    venue, chair = " ".join((venue or "").split()), " ".join((chair or "").split())
    if held_on is None:
        raise SessionDayError("Hãy ghi ngày tổ chức hội nghị.")
    if not venue:
        raise SessionDayError("Hãy ghi địa điểm tổ chức hội nghị.")
    if not chair:
        raise SessionDayError("Hãy ghi người chủ trì hội nghị.")
    today = timezone.localdate()
    if held_on > today:
        raise SessionDayError(
            f"Ngày tổ chức ({short_date(held_on)}) sau ngày hôm nay: chỉ ghi nhận hội nghị đã diễn ra."
        )
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",)).select_related("plan__issuer").get(pk=session.pk)
        )
        if not can_record_held(user, session):
            raise SessionDayError(
                "Chỉ thư ký của phiên, chuyên viên hoặc lãnh đạo của cơ quan ban hành kế hoạch "
                "mới ghi nhận được hội nghị đã tổ chức."
            )
        if session.has_fixed_date and held_on < session.date:
            raise SessionDayError(
                f"Ngày tổ chức ({short_date(held_on)}) trước ngày hội nghị theo kế hoạch "
                f"({short_date(session.date)}); nếu hội nghị được dời sớm, hãy sửa ngày của phiên trước."
            )
        record, _ = HeldRecord.objects.update_or_create(
            session=session,
            defaults={
                "held_on": held_on,
                "venue": venue,
                "chair": chair,
                "recorded_by": user,
                "recorded_at": timezone.now(),
            },
        )
        return record


def clear_held(*, user, session: Session) -> None:
    """Take back a held record entered by mistake (the wrong session). Side effects: deletes it."""
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",)).select_related("plan__issuer").get(pk=session.pk)
        )
        if not can_record_held(user, session):
            raise SessionDayError("Bạn không được sửa ghi nhận hội nghị đã tổ chức của phiên này.")
        deleted, _ = HeldRecord.objects.filter(session=session).delete()
        if not deleted:
            raise SessionDayError("Phiên này chưa được ghi nhận là đã tổ chức.")
