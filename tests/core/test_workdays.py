import datetime

import pytest

from core.workdays import add_working_days, deadline_before, is_working_day

D = datetime.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 2, 7), True),  # Wednesday before Tết
        (D(2024, 2, 8), False),  # 29 Tết
        (D(2024, 2, 14), False),  # fifth day of Tết
        (D(2024, 2, 15), True),
        (D(2024, 4, 29), False),  # substituted day off
        (D(2024, 5, 4), True),  # make-up Saturday
        (D(2024, 5, 11), False),  # ordinary Saturday
        (D(2024, 9, 3), False),
    ],
)
def test_is_working_day_vietnamese_calendar(day, expected):
    assert is_working_day(day) is expected


def test_deadline_before_crosses_tet_2024():
    # A session on Monday 19/02/2024: five working days before skips 08–14/02.
    assert deadline_before(D(2024, 2, 19), 5) == D(2024, 2, 5)


def test_deadline_before_crosses_30_4_and_1_5_2024():
    # Saturday 04/05/2024 is a make-up working day; 29/04–01/05 are days off.
    assert deadline_before(D(2024, 5, 6), 5) == D(2024, 4, 25)


def test_deadline_before_calendar_days():
    assert deadline_before(D(2024, 3, 6), 15, working_days=False) == D(2024, 2, 20)


def test_add_working_days_forward_after_session():
    # Results published within 10 working days of a session on Friday 26/04/2024.
    assert add_working_days(D(2024, 4, 26), 10) == D(2024, 5, 14)
