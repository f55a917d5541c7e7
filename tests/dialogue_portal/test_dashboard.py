"""The home page's session and question panels: what each role has to do next."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.workdays import add_working_days
from feedback.models import Question, QuestionStatus, Topic, WrittenReply
from plans.models import PlanStatus
from sessions.models import Participant, ParticipantCategory, Quota, Session

from ..factories import PlanFactory


def _sessions(world, count: int, *, start: int = 10):
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    today = timezone.localdate()
    sessions = []
    for number in range(count):
        session = Session.objects.create(
            plan=plan,
            position=number,
            venue_name=f"Nhà văn hóa số {number + 1}",
            time_kind="exact",
            date=add_working_days(today, start + number),
        )
        Quota.objects.create(session=session, place=world.commune, count=40)
        sessions.append(session)
    return sessions


def _panel(response, title):
    return next(p for p in response.context["dashboard"].panels if p["title"] == title)


def test_commune_official_sees_next_sessions_with_deadline_and_own_fill(world, login):
    past = _sessions(world, 1, start=-10)[0]
    first, second = _sessions(world, 2)
    Participant.objects.create(
        session=first,
        commune=world.commune,
        full_name="Nguyễn Thị Mai",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )

    response = login(world.users["commune_official"]).get(reverse("home"))

    panel = _panel(response, "Phiên đối thoại sắp tới")
    assert [s.pk for s in panel["sessions"]] == [first.pk, second.pk]
    assert past.pk not in [s.pk for s in panel["sessions"]]
    row = panel["sessions"][0]
    assert (row.registered, row.quota, row.percent) == (1, 40, 2)
    assert row.lists_due == add_working_days(first.date, -5)
    content = response.content.decode()
    assert f"Hạn xã gửi danh sách, câu hỏi: {row.lists_due:%d/%m/%Y}" in content
    # The other commune has no quota in these sessions: nothing for its official.
    other = login(world.users["other_commune_official"]).get(reverse("home"))
    assert _panel(other, "Phiên đối thoại sắp tới")["sessions"] == []


def test_unit_queue_earliest_due_first_with_written_replies(world, login):
    session = _sessions(world, 1)[0]
    topic = Topic.objects.first()

    def question(text, status, due=None, unit=world.unit):
        return Question.objects.create(
            session=session,
            commune=world.commune,
            text=text,
            channel="before_session",
            topic=topic,
            status=status,
            assigned_unit=unit,
            due_date=due,
        )

    today = timezone.localdate()
    later = question("Hỏi về vay vốn", QuestionStatus.ASSIGNED, today + datetime.timedelta(days=9))
    writing = question("Hỏi về đất đai", QuestionStatus.TO_ANSWER_IN_WRITING)
    WrittenReply.objects.create(question=writing, due_date=today - datetime.timedelta(days=1))
    question("Đã xong", QuestionStatus.CLOSED, today)
    question("Của đơn vị khác", QuestionStatus.ASSIGNED, today, unit=world.other_unit)

    response = login(world.users["department_officer"]).get(reverse("home"))

    panel = _panel(response, "Câu hỏi đơn vị cần trả lời")
    assert [(q.pk, q.due) for q in panel["questions"]] == [
        (writing.pk, today - datetime.timedelta(days=1)),
        (later.pk, today + datetime.timedelta(days=9)),
    ]
    assert "text-danger fw-semibold" in response.content.decode()


def test_home_queries_constant_for_1_and_10_sessions(world, login):
    client = login(world.users["commune_official"])
    _sessions(world, 1)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    _sessions(world, 9, start=20)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("home"))
    assert len(ten) == len(one)
    assert len(_panel(response, "Phiên đối thoại sắp tới")["sessions"]) == 5


def test_sessions_of_a_past_month_or_quarter_are_not_upcoming(world, login):
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    today = timezone.localdate()
    past_year = today.year - 1

    def session(name, **fields):
        made = Session.objects.create(plan=plan, venue_name=name, **fields)
        Quota.objects.create(session=made, place=world.commune, count=10)
        return made

    session("Tháng trước", time_kind="month", month=12, year=past_year)
    session("Quý trước", time_kind="quarter", quarter=4, year=past_year)
    this_month = session("Tháng này", time_kind="month", month=today.month, year=today.year)
    this_quarter = session("Quý này", time_kind="quarter", quarter=(today.month + 2) // 3, year=today.year)
    later = session("Thông báo sau", time_kind="later")

    response = login(world.users["commune_official"]).get(reverse("home"))

    names = {s.venue_name for s in _panel(response, "Phiên đối thoại sắp tới")["sessions"]}
    assert names == {this_month.venue_name, this_quarter.venue_name, later.venue_name}
