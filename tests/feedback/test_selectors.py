"""Who sees which questions, and the units' backlog (feedback.selectors)."""

import pytest

from feedback.models import QuestionStatus
from feedback.selectors import questions_for_user, unit_backlog

from ..factories import UserFactory
from .feedback_data import in_days, make_question, make_session

pytestmark = pytest.mark.django_db


def test_unit_sees_only_its_queue_and_commune_only_its_own(world):
    session = make_session(world, communes=[world.commune, world.other_commune])
    mine = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.unit)
    other_unit = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.other_unit)
    other_commune = make_question(world, session, commune=world.other_commune)
    assert list(questions_for_user(world.users["department_officer"])) == [mine]
    assert set(questions_for_user(world.users["commune_official"])) == {mine, other_unit}
    assert list(questions_for_user(world.users["other_commune_official"])) == [other_commune]
    assert set(questions_for_user(world.users["leader"])) == {mine, other_unit, other_commune}
    outsider = UserFactory(role="commune_official", place=world.hamlet)
    assert list(questions_for_user(outsider)) == []


def test_unit_backlog_counts_open_and_days_late(world):
    session = make_session(world)
    make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(-4))
    make_question(world, session, status=QuestionStatus.ASSIGNED, due=in_days(3))
    make_question(world, session)
    rows = unit_backlog(world.users["leader"])
    assert [(row.unit, row.open_count, row.overdue_count, row.days_late) for row in rows] == [
        (world.unit, 2, 1, 4),
        (None, 1, 0, 0),
    ]
