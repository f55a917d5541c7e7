"""iCalendar files (RFC 5545) for sessions with a fixed date, written by hand: the format is small
and a dependency would not spare us the escaping rules that matter here.

Times are written in UTC (``…Z``): a ``TZID`` parameter would oblige us to ship a VTIMEZONE
component. A session without hours is an all-day event (``VALUE=DATE``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sessions.models import Session

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//UBND//Cong thong tin hoi nghi doi thoai//VI"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character;
    each continuation starts with one space (RFC 5545 3.1)."""
    parts: list[str] = []
    current, size = "", 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(date, time, tzinfo=LOCAL_TZ)


def session_summary(session: Session) -> str:
    return f"Hội nghị đối thoại: {session}"


def session_location(session: Session) -> str:
    return ", ".join(part for part in (session.venue_name, session.venue_address) if part)


def session_description(session: Session) -> str:
    plan = session.plan
    lines = [f"Kế hoạch {plan.number_label}: {plan.summary_one_line}", f"Thời gian: {session.time_label}"]
    if session.chair:
        lines.append(f"Chủ trì: {session.chair}")
    return "\n".join(lines)


def event_lines(session: Session, *, dtstamp: datetime.datetime) -> list[str]:
    """The VEVENT of a session with a fixed date (the caller checks ``has_fixed_date``)."""
    lines = ["BEGIN:VEVENT", f"UID:session-{session.pk}@doithoai", f"DTSTAMP:{_utc(dtstamp)}"]
    if session.start_time:
        lines.append(f"DTSTART:{_utc(_local(session.date, session.start_time))}")
        if session.end_time and session.end_time > session.start_time:
            lines.append(f"DTEND:{_utc(_local(session.date, session.end_time))}")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{session.date:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{session.date + datetime.timedelta(days=1):%Y%m%d}")
    lines += [
        f"SUMMARY:{escape_text(session_summary(session))}",
        f"LOCATION:{escape_text(session_location(session))}",
        f"DESCRIPTION:{escape_text(session_description(session))}",
        "END:VEVENT",
    ]
    return lines


def render_calendar(sessions: Iterable[Session], *, name: str, dtstamp: datetime.datetime) -> str:
    """A VCALENDAR with one VEVENT per session, CRLF line endings and folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for session in sessions:
        lines += event_lines(session, dtstamp=dtstamp)
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)
