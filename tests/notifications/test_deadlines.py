import datetime
import io

from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import Role
from notifications.deadlines import question_deadline, reminder_days
from notifications.models import OutboxMessage, OutboxStatus, Purpose
from notifications.services import reminders
from notifications.services.reminders import queue_reminders
from notifications.tasks import scan_reminders
from tests.factories import UserFactory

from .conftest import add_participants, make_plan, make_session

D = datetime.date


def test_question_deadline_default_five_working_days_crosses_tet_2024(world):
    # Tết 2024: 8–14/02 off; five working days before Monday 19/02 are 16, 15, 7, 6 and 5/02.
    session = make_session(world, date=D(2024, 2, 19))

    deadline = question_deadline(session)

    assert deadline == D(2024, 2, 5)
    assert reminder_days(deadline) == {3: D(2024, 1, 31), 1: D(2024, 2, 2)}


def test_question_deadline_after_tet_reminder_falls_before_it(world):
    session = make_session(world, date=D(2024, 2, 20))

    deadline = question_deadline(session)

    assert deadline == D(2024, 2, 6)
    assert reminder_days(deadline) == {3: D(2024, 2, 1), 1: D(2024, 2, 5)}


def test_question_deadline_crosses_30_4_and_1_5_2024(world):
    # 27/04–01/05/2024 off (29/04 swapped for the make-up Saturday 04/05, a working day).
    session = make_session(world, date=D(2024, 5, 6))

    deadline = question_deadline(session)

    assert deadline == D(2024, 4, 25)
    assert reminder_days(deadline) == {3: D(2024, 4, 22), 1: D(2024, 4, 24)}


def test_question_deadline_plan_lead_fifteen_working_days(world):
    plan = make_plan(world, question_lead_days=15)
    session = make_session(world, date=D(2024, 5, 20), plan=plan)

    # 17…13/05, 10…6/05, the make-up Saturday 04/05, 3 and 2/05, then 26 and 25/04.
    assert question_deadline(session) == D(2024, 4, 25)


def test_question_deadline_plan_calendar_days(world):
    plan = make_plan(world, question_lead_days=7, question_lead_working_days=False)
    session = make_session(world, date=D(2024, 5, 6), plan=plan)

    assert question_deadline(session) == D(2024, 4, 29)


def _official(world, email="canbo.phuochoa@example.gov.vn"):
    official = world.users["commune_official"]
    official.email = email
    official.save()
    return official


def test_queue_reminders_session_without_fixed_date_sends_nothing(world):
    _official(world)
    session = make_session(world, date=None, quota=30)

    assert question_deadline(session) is None
    assert queue_reminders(today=D(2024, 4, 22)) == []


def test_queue_reminders_reminds_commune_without_list(world):
    official = _official(world)
    session = make_session(world, date=D(2024, 5, 6))

    rows = queue_reminders(today=D(2024, 4, 22))

    assert [(r.purpose, r.user_id, r.dedupe_key) for r in rows] == [
        (Purpose.REMINDER, official.pk, f"reminder:questions:s{session.pk}:c52-550-03:d-3:u{official.pk}")
    ]
    assert rows[0].subject == (
        "Nhắc hạn: Xã Phước Hòa gửi danh sách người tham dự và câu hỏi trước ngày 25/04/2024"
    )
    assert queue_reminders(today=D(2024, 4, 23)) == []  # stage 3 already sent, stage 1 not yet due
    assert [r.dedupe_key for r in queue_reminders(today=D(2024, 4, 24))] == [
        f"reminder:questions:s{session.pk}:c52-550-03:d-1:u{official.pk}"
    ]


def test_queue_reminders_commune_with_list_is_not_reminded(world):
    _official(world)
    session = make_session(world, date=D(2024, 5, 6))
    add_participants(world, session, 3)

    assert queue_reminders(today=D(2024, 4, 22)) == []
    assert queue_reminders(today=D(2024, 4, 26)) == []


def test_queue_reminders_missed_deadline_escalates_to_district_staff(world):
    staff = world.users["district_staff"]
    staff.email = "chuyenvien@example.gov.vn"
    staff.save()
    UserFactory(username="khac", role=Role.DISTRICT_STAFF, place=world.province, email="tinh@example.gov.vn")
    session = make_session(world, date=D(2024, 5, 6))

    assert queue_reminders(today=D(2024, 4, 25)) == []  # deadline day itself: no reminder stage, not late
    rows = queue_reminders(today=D(2024, 4, 26))

    assert [(r.purpose, r.to_email, r.dedupe_key) for r in rows] == [
        (
            Purpose.ESCALATION,
            "chuyenvien@example.gov.vn",
            f"escalation:questions:s{session.pk}:c52-550-03:missed:u{staff.pk}",
        )
    ]
    assert queue_reminders(today=D(2024, 4, 29)) == []


def test_send_reminders_command_twice_queues_nothing_second_time(world, django_capture_on_commit_callbacks):
    _official(world)
    make_session(world, date=D(2024, 5, 6))

    first, second = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", "2024-04-22", stdout=first)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("send_reminders", "--today", "2024-04-22", stdout=second)

    assert first.getvalue().splitlines()[-1] == "Ngày 22/04/2024: đã xếp 1 thư vào hộp thư đi."
    assert second.getvalue() == "Ngày 22/04/2024: đã xếp 0 thư vào hộp thư đi.\n"
    assert callbacks == []
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SENT  # eager in tests: the send ran on commit
    assert [m.to for m in mail.outbox] == [["canbo.phuochoa@example.gov.vn"]]


def test_daily_scan_registered_with_celery_beat(db):
    task = PeriodicTask.objects.get(task="notifications.tasks.scan_reminders")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "6",
        "0",
        "Asia/Ho_Chi_Minh",
    )


def test_scan_run_again_after_a_crash_sends_the_rows_the_first_run_wrote(world):
    """A worker that died after writing the day's rows and before queueing them: the redelivered
    scan writes nothing new but still sends them."""
    _official(world)
    make_session(world, date=D(2024, 5, 6))
    written = reminders.queue_reminders(today=D(2024, 4, 22))  # the crashed run: written, not sent
    assert [row.status for row in written] == [OutboxStatus.QUEUED]

    assert scan_reminders("2024-04-22") == 0  # nothing new

    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["canbo.phuochoa@example.gov.vn"]]
