"""The deadline kinds beyond the communes' lists: units' answers, written replies, the public
notice and the results; one message per recipient and stage listing every open item."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from feedback.models import Channel, Question, QuestionStatus, Topic, WrittenReply
from notifications.deadlines import ESCALATION_CATCH_UP_DAYS, KINDS, reminder_days
from notifications.models import OutboxMessage, Purpose
from notifications.services.reminders import queue_reminders
from plans.models import PlanStatus
from tests.factories import UnitFactory, UserFactory

from .conftest import make_plan, make_session

D = datetime.date


def _email(user, address):
    user.email = address
    user.save()
    return user


@pytest.fixture
def people(world):
    return {
        "officer": _email(world.users["department_officer"], "donvi@example.gov.vn"),
        "staff": _email(world.users["district_staff"], "chuyenvien@example.gov.vn"),
        "leader": _email(world.users["leader"], "lanhdao@example.gov.vn"),
    }


def _session(world, date, *, status=PlanStatus.APPROVED, published=True, **fields):
    """A session without quota (the communes' list deadline stays out of these tests), its notice
    and results published unless ``published`` is False (then those deadlines are open)."""
    if published:
        now = timezone.now()
        fields = {
            "notice_published_at": now,
            "notice_time": "06/5/2024",
            "notice_venue": "Hội trường",
            "results_published_at": now,
            **fields,
        }
    return make_session(world, date=date, plan=make_plan(world, status=status), quota=0, **fields)


def _question(world, session, *, due, status=QuestionStatus.ASSIGNED, unit=None, text="Hỏi về vay vốn"):
    return Question.objects.create(
        session=session,
        commune=world.commune,
        text=text,
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.get(code="giam-ngheo"),
        status=status,
        assigned_unit=unit if unit is not None else world.unit,
        due_date=due,
    )


def _written(world, session, *, due, unit=None, closed=False, text="Hỏi về đất ở"):
    question = Question.objects.create(
        session=session,
        commune=world.commune,
        text=text,
        channel=Channel.SPOKEN,
        topic=Topic.objects.get(code="giam-ngheo"),
        status=QuestionStatus.CLOSED if closed else QuestionStatus.TO_ANSWER_IN_WRITING,
        assigned_unit=unit,
    )
    WrittenReply.objects.create(
        question=question,
        due_date=due,
        document_number="12/UBND" if closed else "",
        document_date=due if closed else None,
        closed_at=timezone.now() if closed else None,
    )
    return question


def _sent(rows):
    return [(row.purpose, row.to_email, row.dedupe_key) for row in rows]


# ---------------------------------------------------------------- units' answers before the session


def test_answers_reminders_across_tet_2024_one_message_per_unit_and_stage(world, people):
    # Session Monday 19/02/2024, answers due Friday 16/02: Tết (08–14/02) is skipped, so the
    # three-day reminder falls on 06/02 and the one-day reminder on 15/02.
    session = _session(world, D(2024, 2, 19))
    first = _question(world, session, due=D(2024, 2, 16), text="Hỏi về vay vốn")
    second = _question(world, session, due=D(2024, 2, 16), text="Hỏi về học phí")
    _question(world, session, due=D(2024, 2, 16), status=QuestionStatus.ANSWER_DRAFTED, text="Đã dự thảo")
    officer = people["officer"]
    key = f"s{session.pk}:n{world.unit.pk}:20240216"

    assert reminder_days(D(2024, 2, 16)) == {3: D(2024, 2, 6), 1: D(2024, 2, 15)}
    assert queue_reminders(today=D(2024, 2, 5)) == []
    rows = queue_reminders(today=D(2024, 2, 6))

    assert _sent(rows) == [
        (Purpose.REMINDER, "donvi@example.gov.vn", f"reminder:answers:{key}:d-3:u{officer.pk}")
    ]
    row = rows[0]
    assert row.unit == world.unit
    assert row.subject == (f"Nhắc hạn: 2 câu hỏi cần dự thảo trả lời trước ngày 16/02/2024 – {session}")
    assert f"- Câu hỏi số {first.pk}: Hỏi về vay vốn (Xã Phước Hòa, hạn 16/02/2024)\n" in row.body_text
    assert f"- Câu hỏi số {second.pk}: Hỏi về học phí (Xã Phước Hòa, hạn 16/02/2024)\n" in row.body_text
    assert "Đã dự thảo" not in row.body_text
    assert "còn 3 ngày làm việc" in row.body_text
    assert f"<li>Câu hỏi số {first.pk}: Hỏi về vay vốn (Xã Phước Hòa, hạn 16/02/2024)</li>" in row.body_html
    # Tết: no new stage until the one-day reminder, once.
    for day in (D(2024, 2, 7), D(2024, 2, 12), D(2024, 2, 14)):
        assert queue_reminders(today=day) == []
    assert _sent(queue_reminders(today=D(2024, 2, 15))) == [
        (Purpose.REMINDER, "donvi@example.gov.vn", f"reminder:answers:{key}:d-1:u{officer.pk}")
    ]
    assert queue_reminders(today=D(2024, 2, 15)) == []


def test_answers_overdue_escalate_once_to_district_staff_listing_every_unit(world, people):
    other_officer = UserFactory(
        username="donvi2", role=Role.DEPARTMENT_OFFICER, unit=world.other_unit, email="nn@example.gov.vn"
    )
    session = _session(world, D(2024, 5, 6))
    _question(world, session, due=D(2024, 4, 25), text="Hỏi về vay vốn")
    _question(world, session, due=D(2024, 4, 25), unit=world.other_unit, text="Hỏi về giống cây")
    staff = people["staff"]
    UserFactory(username="tinh", role=Role.DISTRICT_STAFF, place=world.province, email="tinh@example.gov.vn")

    rows = queue_reminders(today=D(2024, 4, 26))

    assert _sent(rows) == [
        (
            Purpose.ESCALATION,
            "chuyenvien@example.gov.vn",
            f"escalation:answers:s{session.pk}:20240425:missed:u{staff.pk}",
        )
    ]
    assert rows[0].subject == f"Quá hạn: 2 câu hỏi chưa có dự thảo trả lời (hạn 25/04/2024) – {session}"
    assert "Hỏi về vay vốn" in rows[0].body_text and "Hỏi về giống cây" in rows[0].body_text
    assert "(đã quá hạn)" in rows[0].body_text
    assert other_officer.pk not in [row.user_id for row in rows]
    assert queue_reminders(today=D(2024, 4, 29)) == []
    assert queue_reminders(today=D(2024, 5, 7)) == []  # after the session: no more


def test_answers_of_session_without_date_send_nothing(world, people):
    session = _session(world, None)
    _question(world, session, due=D(2024, 4, 25))

    assert [queue_reminders(today=D(2024, 4, day)) for day in (22, 24, 26)] == [[], [], []]


def test_answers_reminder_stages_follow_settings(world, people, settings):
    settings.DEADLINE_REMINDER_WORKING_DAYS = (5,)
    session = _session(world, D(2024, 5, 6))
    _question(world, session, due=D(2024, 4, 25))
    officer = people["officer"]

    # Five working days before 25/04/2024 skip the Hùng Kings' day, Thursday 18/04.
    assert reminder_days(D(2024, 4, 25)) == {5: D(2024, 4, 17)}
    assert queue_reminders(today=D(2024, 4, 16)) == []
    assert [row.dedupe_key for row in queue_reminders(today=D(2024, 4, 17))] == [
        f"reminder:answers:s{session.pk}:n{world.unit.pk}:20240425:d-5:u{officer.pk}"
    ]
    assert queue_reminders(today=D(2024, 4, 24)) == []


# ---------------------------------------------------------------- written replies after the session


def test_written_reply_reminders_across_30_4_and_make_up_saturday(world, people):
    # Due Monday 06/05/2024: 27/04–01/05 are off and Saturday 04/05 is a make-up working day.
    session = _session(world, D(2024, 4, 22))
    question = _written(world, session, due=D(2024, 5, 6), unit=world.unit)
    _written(world, session, due=D(2024, 5, 6), unit=world.unit, closed=True, text="Đã trả lời")
    officer, staff = people["officer"], people["staff"]
    key = f"s{session.pk}:n{world.unit.pk}:20240506"

    assert reminder_days(D(2024, 5, 6)) == {3: D(2024, 5, 2), 1: D(2024, 5, 4)}
    assert queue_reminders(today=D(2024, 5, 1)) == []
    rows = queue_reminders(today=D(2024, 5, 2))
    assert _sent(rows) == [
        (Purpose.REMINDER, "donvi@example.gov.vn", f"reminder:written:{key}:d-3:u{officer.pk}")
    ]
    assert f"Câu hỏi số {question.pk}: Hỏi về đất ở" in rows[0].body_text
    assert "Đã trả lời" not in rows[0].body_text
    assert [r.dedupe_key for r in queue_reminders(today=D(2024, 5, 4))] == [
        f"reminder:written:{key}:d-1:u{officer.pk}"
    ]
    assert _sent(queue_reminders(today=D(2024, 5, 7))) == [
        (
            Purpose.ESCALATION,
            "chuyenvien@example.gov.vn",
            f"escalation:written:s{session.pk}:20240506:missed:u{staff.pk}",
        )
    ]
    assert queue_reminders(today=D(2024, 5, 8)) == []


def test_written_reply_without_unit_reminds_district_staff(world, people):
    session = _session(world, D(2024, 4, 22))
    _written(world, session, due=D(2024, 5, 6))
    staff = people["staff"]

    assert [(r.to_email, r.dedupe_key) for r in queue_reminders(today=D(2024, 5, 2))] == [
        ("chuyenvien@example.gov.vn", f"reminder:written:s{session.pk}:20240506:d-3:u{staff.pk}")
    ]


def test_written_reply_long_overdue_is_not_escalated_for_the_first_time(world, people):
    session = _session(world, D(2024, 4, 22))
    _written(world, session, due=D(2024, 5, 6), unit=world.unit)
    late = D(2024, 5, 6) + datetime.timedelta(days=ESCALATION_CATCH_UP_DAYS + 1)

    assert queue_reminders(today=late) == []


# ---------------------------------------------------------------- public notice and results


def test_notice_reminds_staff_and_escalates_to_leaders(world, people):
    # Session 06/05/2024: the notice is due 29/04 (7 calendar days before, a public holiday).
    session = _session(world, D(2024, 5, 6), published=False)
    staff, leader = people["staff"], people["leader"]

    assert session.notice_due == D(2024, 4, 29)
    rows = queue_reminders(today=D(2024, 4, 24))
    assert _sent(rows) == [
        (Purpose.REMINDER, "chuyenvien@example.gov.vn", f"reminder:notice:s{session.pk}:d-3:u{staff.pk}")
    ]
    assert (
        rows[0].subject
        == f"Nhắc hạn: thông báo công khai hội nghị đối thoại trước ngày 29/04/2024 – {session}"
    )
    assert [r.dedupe_key for r in queue_reminders(today=D(2024, 4, 26))] == [
        f"reminder:notice:s{session.pk}:d-1:u{staff.pk}"
    ]
    assert queue_reminders(today=D(2024, 4, 29)) == []
    assert _sent(queue_reminders(today=D(2024, 4, 30))) == [
        (Purpose.ESCALATION, "lanhdao@example.gov.vn", f"escalation:notice:s{session.pk}:missed:u{leader.pk}")
    ]
    assert queue_reminders(today=D(2024, 5, 2)) == []


def test_notice_published_or_plan_not_approved_sends_nothing(world, people):
    _session(world, D(2024, 5, 6), results_published_at=None)
    _session(world, D(2024, 5, 6), status=PlanStatus.DRAFT, published=False)

    assert queue_reminders(today=D(2024, 4, 24)) == []
    assert queue_reminders(today=D(2024, 4, 30)) == []


def test_results_reminders_and_escalation_after_the_session(world, people):
    session = _session(world, D(2024, 5, 6), results_published_at=None)
    staff, leader = people["staff"], people["leader"]

    assert session.results_due == D(2024, 5, 16)
    assert queue_reminders(today=D(2024, 5, 10)) == []
    assert [r.dedupe_key for r in queue_reminders(today=D(2024, 5, 13))] == [
        f"reminder:results:s{session.pk}:d-3:u{staff.pk}"
    ]
    assert [r.dedupe_key for r in queue_reminders(today=D(2024, 5, 15))] == [
        f"reminder:results:s{session.pk}:d-1:u{staff.pk}"
    ]
    assert _sent(queue_reminders(today=D(2024, 5, 17))) == [
        (
            Purpose.ESCALATION,
            "lanhdao@example.gov.vn",
            f"escalation:results:s{session.pk}:missed:u{leader.pk}",
        )
    ]
    assert queue_reminders(today=D(2024, 5, 20)) == []


def test_results_published_sends_nothing(world, people):
    session = _session(world, D(2024, 5, 6))

    assert [queue_reminders(today=day) for day in (D(2024, 5, 13), D(2024, 5, 17))] == [[], []]
    assert session.results_due == D(2024, 5, 16)


# ---------------------------------------------------------------- all kinds together


def test_every_kind_has_a_label_and_subjects(world):
    # feedback registers the kinds about questions; the scan keeps the order work is due in.
    assert list(KINDS) == ["questions", "answers", "written", "notice", "results"]
    assert all(kind.label for kind in KINDS.values())


def test_send_reminders_twice_same_day_all_kinds_second_run_creates_nothing(
    world, people, django_capture_on_commit_callbacks
):
    # 22/04/2024: answers due 25/04 (d-3), written reply due 25/04 (d-3), notice due 29/04 is
    # not yet at d-3 (24/04), results of a session held 10/04 (due 20/04) are late.
    upcoming = _session(world, D(2024, 5, 6))
    _question(world, upcoming, due=D(2024, 4, 25))
    held = _session(world, D(2024, 4, 10), results_published_at=None)
    _written(world, held, due=D(2024, 4, 25), unit=world.unit)
    UnitFactory(code="52-550-TNMT", place=world.district)

    first, second = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", "2024-04-22", stdout=first)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("send_reminders", "--today", "2024-04-22", stdout=second)

    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == sorted(
        [
            f"reminder:answers:s{upcoming.pk}:n{world.unit.pk}:20240425:d-3:u{people['officer'].pk}",
            f"reminder:written:s{held.pk}:n{world.unit.pk}:20240425:d-3:u{people['officer'].pk}",
            f"escalation:results:s{held.pk}:missed:u{people['leader'].pk}",
        ]
    )
    assert first.getvalue().splitlines()[-1] == "Ngày 22/04/2024: đã xếp 3 thư vào hộp thư đi."
    assert second.getvalue() == "Ngày 22/04/2024: đã xếp 0 thư vào hộp thư đi.\n"
    assert callbacks == []


def test_queue_reminders_queries_constant_for_1_and_10_sessions(world, people, django_assert_num_queries):
    def build(count):
        for _ in range(count):
            upcoming = _session(world, D(2024, 5, 6), published=False)
            _question(world, upcoming, due=D(2024, 4, 29))
            held = _session(world, D(2024, 4, 15), results_published_at=None)
            _written(world, held, due=D(2024, 4, 29), unit=world.unit)

    build(1)
    with CaptureQueriesContext(connection) as captured:
        assert len(queue_reminders(today=D(2024, 4, 24))) == 4  # answers, written, notice, results
    OutboxMessage.objects.all().delete()
    build(9)
    with django_assert_num_queries(len(captured)):
        assert len(queue_reminders(today=D(2024, 4, 24))) == 40
