"""The session's day: check-in and the answers given at the session open on the session's date
(a window the issuing office may widen), and a session is held only by its held record."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from feedback.models import QuestionStatus
from feedback.services import FeedbackError
from feedback.services.answers import mark_answered_at_session
from notifications.models import Attendance
from notifications.services.checkin import CheckinError, check_in_participant
from sessions.models import HeldRecord, Session
from sessions.session_day import (
    SessionDayError,
    check_at_session_open,
    checkin_window,
    record_held,
    set_checkin_window,
)

from ..feedback.feedback_data import make_question
from ..notifications.conftest import add_participants, make_session

SESSION_DAY = datetime.date(2026, 12, 29)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time (Asia/Ho_Chi_Minh) as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _session(world, date=SESSION_DAY) -> Session:
    return make_session(world, date=date, secretary=world.users["secretary"])


def test_checkin_three_weeks_early_refused_with_the_opening_time(world):
    session = _session(world)
    person = add_participants(world, session, 1)[0]

    with pytest.raises(CheckinError) as error:
        check_in_participant(
            session=session,
            participant=person,
            user=world.users["secretary"],
            now=_at(datetime.date(2026, 12, 8), 9),
        )

    assert str(error.value) == (
        "Chưa đến giờ điểm danh: điểm danh phiên này mở từ 00:00 ngày 29/12/2026 đến 24:00 ngày 29/12/2026. "
        "Cơ quan ban hành kế hoạch có thể cho mở sớm hơn ở trang phiên đối thoại."
    )
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (_at(SESSION_DAY - datetime.timedelta(days=1), 23, 59), False),
        (_at(SESSION_DAY, 0, 0), True),
        (_at(SESSION_DAY, 7, 15), True),
        (_at(SESSION_DAY, 23, 59), True),
        (_at(SESSION_DAY + datetime.timedelta(days=1), 0, 0), False),
    ],
)
def test_checkin_open_on_the_session_day_only(world, now, allowed):
    session = _session(world)
    person = add_participants(world, session, 1)[0]

    try:
        check_in_participant(session=session, participant=person, user=world.users["secretary"], now=now)
    except CheckinError:
        pass

    assert Attendance.objects.filter(participant=person).exists() is allowed


def test_checkin_widened_window_allows_the_evening_before_and_the_next_morning(world):
    session = _session(world)
    first, second, third = add_participants(world, session, 3)
    secretary = world.users["secretary"]
    evening_before = _at(SESSION_DAY - datetime.timedelta(days=1), 18, 30)
    with pytest.raises(CheckinError):
        check_in_participant(session=session, participant=first, user=secretary, now=evening_before)

    session = set_checkin_window(
        user=world.users["district_staff"], session=session, hours_before=6, hours_after=2
    )
    check_in_participant(session=session, participant=first, user=secretary, now=evening_before)
    check_in_participant(
        session=session,
        participant=second,
        user=secretary,
        now=_at(SESSION_DAY + datetime.timedelta(days=1), 1, 59),
    )
    with pytest.raises(CheckinError):
        check_in_participant(
            session=session,
            participant=third,
            user=secretary,
            now=_at(SESSION_DAY - datetime.timedelta(days=1), 17, 59),
        )

    assert checkin_window(session).label == "từ 18:00 ngày 28/12/2026 đến 02:00 ngày 30/12/2026"
    assert sorted(Attendance.objects.values_list("participant__full_name", flat=True)) == [
        "Trần Thị Hương 1",
        "Trần Thị Hương 2",
    ]


def test_checkin_window_changed_only_by_district_staff_within_bounds(world):
    session = _session(world)
    for role in ("secretary", "leader", "commune_official"):
        with pytest.raises(SessionDayError):
            set_checkin_window(user=world.users[role], session=session, hours_before=6, hours_after=0)
    with pytest.raises(SessionDayError) as error:
        set_checkin_window(
            user=world.users["district_staff"], session=session, hours_before=73, hours_after=0
        )
    assert str(error.value) == "Số giờ mở sớm hoặc giữ mở thêm phải từ 0 đến 72."
    session.refresh_from_db()
    assert (session.checkin_hours_before, session.checkin_hours_after) == (0, 0)


def test_checkin_session_without_a_date_stays_closed(world):
    session = make_session(world, date=None)
    person = add_participants(world, session, 1)[0]
    with pytest.raises(CheckinError) as error:
        check_in_participant(session=session, participant=person, user=world.users["secretary"])
    assert str(error.value) == (
        "Phiên chưa có ngày tổ chức cụ thể nên chưa mở điểm danh; hãy ghi ngày hội nghị trước."
    )


def test_checkin_page_shows_when_check_in_opens_and_refuses_a_mark(world, login):
    session = _session(world, date=timezone.localdate() + datetime.timedelta(days=21))
    person = add_participants(world, session, 1)[0]
    client = login(world.users["secretary"])
    url = reverse("notifications:checkin", args=[session.pk])

    page = client.get(url)
    response = client.post(
        reverse("notifications:checkin.mark", args=[session.pk]), {"participant": person.pk}, follow=True
    )

    day = session.date.strftime("%d/%m/%Y")
    assert page.context["checkin_closed"].startswith(
        f"Chưa đến giờ điểm danh: điểm danh phiên này mở từ 00:00 ngày {day}"
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [page.context["checkin_closed"]]
    assert Attendance.objects.count() == 0


# ---------------------------------------------------------------- answers given at the session


def test_answered_at_session_refused_before_the_session_day(world):
    session = make_session(world, date=timezone.localdate() + datetime.timedelta(days=21))
    question = make_question(world, session, status=QuestionStatus.ASSIGNED)

    with pytest.raises(FeedbackError) as error:
        mark_answered_at_session(
            user=world.users["secretary"], question=question, summary="Đã giải đáp.", given_by="Trưởng phòng"
        )

    assert error.value.message.startswith(
        "Hội nghị chưa diễn ra: kết quả tại hội nghị chỉ ghi nhận được từ 00:00 ngày"
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.ASSIGNED


def test_answered_at_session_on_the_day_and_after_once_held(world):
    today = timezone.localdate()
    on_the_day = make_question(world, make_session(world, date=today), status=QuestionStatus.ASSIGNED)
    past = make_session(world, date=today - datetime.timedelta(days=2))
    afterwards = make_question(world, past, status=QuestionStatus.ASSIGNED)
    secretary = world.users["secretary"]

    mark_answered_at_session(
        user=secretary, question=on_the_day, summary="Đã giải đáp.", given_by="Trưởng phòng"
    )
    with pytest.raises(FeedbackError) as error:
        mark_answered_at_session(
            user=secretary, question=afterwards, summary="Đã giải đáp.", given_by="Trưởng phòng"
        )
    assert error.value.message.startswith("Phiên chưa được ghi nhận là đã tổ chức")
    record_held(
        user=world.users["district_staff"],
        session=past,
        held_on=past.date,
        venue="Hội trường",
        chair="Chủ tịch",
    )
    mark_answered_at_session(
        user=secretary, question=afterwards, summary="Đã giải đáp.", given_by="Trưởng phòng"
    )

    for question in (on_the_day, afterwards):
        question.refresh_from_db()
        assert question.status == QuestionStatus.ANSWERED_AT_SESSION


# ---------------------------------------------------------------- the held record


def test_held_record_saved_with_who_and_when_and_corrected(world):
    today = timezone.localdate()
    session = make_session(world, date=today, secretary=world.users["secretary"])

    record = record_held(
        user=world.users["secretary"],
        session=session,
        held_on=today,
        venue="  Hội trường  xã ",
        chair="Chủ tịch UBND",
    )
    record_held(
        user=world.users["leader"], session=session, held_on=today, venue="Nhà văn hóa", chair="Phó Chủ tịch"
    )

    record = HeldRecord.objects.get()
    assert (record.session, record.held_on, record.venue, record.chair, record.recorded_by) == (
        session,
        today,
        "Nhà văn hóa",
        "Phó Chủ tịch",
        world.users["leader"],
    )
    check_at_session_open(session, now=timezone.now() + datetime.timedelta(days=5))


@pytest.mark.parametrize(
    ("role", "held_in_days", "message"),
    [
        ("district_staff", 1, "sau ngày hôm nay: chỉ ghi nhận hội nghị đã diễn ra."),
        ("commune_official", 0, "mới ghi nhận được hội nghị đã tổ chức."),
        ("department_officer", 0, "mới ghi nhận được hội nghị đã tổ chức."),
    ],
)
def test_held_record_refused(world, role, held_in_days, message):
    today = timezone.localdate()
    session = make_session(world, date=today)
    with pytest.raises(SessionDayError) as error:
        record_held(
            user=world.users[role],
            session=session,
            held_on=today + datetime.timedelta(days=held_in_days),
            venue="Hội trường",
            chair="Chủ tịch",
        )
    assert str(error.value).endswith(message)
    assert HeldRecord.objects.count() == 0


def test_held_record_before_the_planned_date_refused(world):
    session = make_session(world, date=timezone.localdate() + datetime.timedelta(days=21))
    with pytest.raises(SessionDayError) as error:
        record_held(
            user=world.users["district_staff"],
            session=session,
            held_on=timezone.localdate(),
            venue="Hội trường",
            chair="Chủ tịch",
        )
    assert "trước ngày hội nghị theo kế hoạch" in str(error.value)
    assert HeldRecord.objects.count() == 0


def test_held_record_page_saves_and_session_page_shows_it(world, login):
    today = timezone.localdate()
    session = make_session(
        world, date=today, secretary=world.users["secretary"], chair="Phó Chủ tịch UBND huyện"
    )
    client = login(world.users["secretary"])
    url = reverse("sessions:held.record", args=[session.pk])

    form = client.get(url)
    bad = client.post(
        url, {"held_on": (today + datetime.timedelta(days=1)).isoformat(), "venue": "X", "chair": "Y"}
    )
    saved = client.post(
        url, {"held_on": today.isoformat(), "venue": "Hội trường UBND xã", "chair": "Chủ tịch UBND huyện"}
    )
    detail = client.get(reverse("sessions:session.detail", args=[session.pk]))

    assert form.context["form"].initial["chair"] == "Phó Chủ tịch UBND huyện"
    assert bad.status_code == 200
    assert bad.context["form"].non_field_errors()[0].endswith("chỉ ghi nhận hội nghị đã diễn ra.")
    assert saved.status_code == 302
    assert detail.context["held"].venue == "Hội trường UBND xã"
    assert "Chưa ghi nhận đã tổ chức" not in detail.content.decode()


def test_answered_at_session_page_early_shows_the_reason(world, login):
    session = make_session(world, date=timezone.localdate() + datetime.timedelta(days=21))
    question = make_question(world, session, status=QuestionStatus.ASSIGNED)
    client = login(world.users["secretary"])

    response = client.post(
        reverse("feedback:question.answered", args=[question.pk]),
        {"summary": "Đã giải đáp.", "given_by": "Trưởng phòng"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith("Hội nghị chưa diễn ra:")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ASSIGNED
