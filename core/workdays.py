"""Working days in Viet Nam: Monday to Friday, less public holidays (Tết included), plus
the Saturdays the government declares as make-up working days (the holidays package knows
both)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year: int):
    return holidays.country_holidays("VN", years=[year])


def is_working_day(day: datetime.date) -> bool:
    calendar = _calendar(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (before it when count is negative)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += datetime.timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def deadline_before(day: datetime.date, count: int, *, working_days: bool = True) -> datetime.date:
    """The last day to act "N (working) days before" an event on `day`."""
    if working_days:
        return add_working_days(day, -count)
    return day - datetime.timedelta(days=count)
