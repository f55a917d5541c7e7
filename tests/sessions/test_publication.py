"""The public notice and the published results of a session: who publishes, when, and how the
session page shows the deadlines (2025 Law on Local Government, Art. 43)."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import PlanStatus
from sessions.models import HeldRecord
from sessions.services import PublicationError, publish_notice, publish_results, withdraw_results

from ..feedback.feedback_data import make_session

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _held(session):
    """The record that the session was held: results are published only after it."""
    HeldRecord.objects.create(
        session=session,
        held_on=session.date,
        venue=session.venue_name,
        chair="Chủ tịch",
        recorded_at=timezone.now(),
    )
    return session


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_publish_notice_keeps_time_venue_and_topics_as_announced(world):
    session = make_session(world, date=datetime.date(2024, 5, 6))
    session.start_time, session.end_time, session.venue_address = (
        datetime.time(7, 30),
        datetime.time(11),
        "thôn Lộc Thượng",
    )
    session.save()
    staff = world.users["district_staff"]

    publish_notice(user=staff, session=session, topics="  Chính sách giảm nghèo ")
    session.refresh_from_db()
    session.venue_name = "Nhà văn hóa thôn"
    session.save()
    session.refresh_from_db()

    assert (
        session.notice_time,
        session.notice_venue,
        session.notice_topics,
        session.notice_published_by,
    ) == (
        "7h30 - 11h00, 06/5/2024",
        "Hội trường UBND xã Phước Hòa, thôn Lộc Thượng",
        "Chính sách giảm nghèo",
        staff,
    )
    with pytest.raises(PublicationError, match="đã được thông báo"):
        publish_notice(user=staff, session=session, topics="Lần hai")


@pytest.mark.parametrize("role", ["leader", "secretary", "commune_official", "department_officer"])
def test_publish_notice_other_roles_refused(world, role):
    session = make_session(world, date=datetime.date(2024, 5, 6))

    with pytest.raises(PublicationError, match="Chỉ chuyên viên"):
        publish_notice(user=world.users[role], session=session, topics="Giảm nghèo")


def test_publish_notice_session_without_date_or_unapproved_plan_refused(world):
    staff = world.users["district_staff"]
    undated = make_session(world)
    dated = make_session(world, date=datetime.date(2024, 5, 6))
    dated.plan.status = PlanStatus.DRAFT
    dated.plan.save()

    with pytest.raises(PublicationError, match="chưa có ngày cụ thể"):
        publish_notice(user=staff, session=undated, topics="Giảm nghèo")
    with pytest.raises(PublicationError, match="chưa được duyệt"):
        publish_notice(user=staff, session=dated, topics="Giảm nghèo")
    with pytest.raises(PublicationError, match="chưa được duyệt"):
        publish_results(user=staff, session=dated)


def test_publish_results_only_once_the_session_is_held(world):
    staff = world.users["district_staff"]
    tomorrow = make_session(world, date=timezone.localdate() + datetime.timedelta(days=1))
    today = make_session(world, date=timezone.localdate())
    past = make_session(world, date=datetime.date(2024, 5, 6))

    with pytest.raises(PublicationError, match="chưa được ghi nhận là đã tổ chức"):
        publish_results(user=staff, session=tomorrow)
    # Neither the day nor a date gone by is enough: the session must be recorded as held.
    for session in (today, past):
        with pytest.raises(PublicationError, match="chưa được ghi nhận là đã tổ chức"):
            publish_results(user=staff, session=session)
    _held(today)
    publish_results(user=staff, session=today)
    today.refresh_from_db()

    assert today.results_published_by == staff
    with pytest.raises(PublicationError, match="đã được công khai"):
        publish_results(user=staff, session=today)


def test_session_page_shows_publication_deadlines_and_dates(world, login):
    session = make_session(world, date=datetime.date(2024, 5, 6))
    session.notice_published_at = datetime.datetime(2024, 4, 30, 9, 0, tzinfo=HCM)  # due 29/04: late
    session.notice_time, session.notice_venue = "06/05/2024", "Hội trường"
    session.results_published_at = datetime.datetime(
        2024, 5, 10, 23, 30, tzinfo=HCM
    )  # 16:30 UTC, still 10/05
    session.save()

    response = login(world.users["leader"]).get(reverse("sessions:session.detail", args=[session.pk]))

    text = _text(response)
    assert "Thông báo công khai: hạn 29/04/2024, đã công khai 30/04/2024 Chậm hạn" in text
    assert "Công khai kết quả: hạn 16/05/2024, đã công khai 10/05/2024 Đúng hạn" in text


def test_session_page_overdue_results_and_staff_buttons(world, login):
    session = _held(make_session(world, date=datetime.date(2024, 5, 6)))
    client = login(world.users["district_staff"])

    response = client.get(reverse("sessions:session.detail", args=[session.pk]))

    text = _text(response)
    assert "Công khai kết quả: hạn 16/05/2024, chưa công khai Quá hạn" in text
    assert reverse("sessions:notice.publish", args=[session.pk]) in response.content.decode()
    assert reverse("sessions:results.publish", args=[session.pk]) in response.content.decode()


def test_session_page_without_date_has_no_publications(world, login):
    session = make_session(world)

    response = login(world.users["district_staff"]).get(reverse("sessions:session.detail", args=[session.pk]))

    assert response.context["publications"] == []
    assert 'id="publications"' not in response.content.decode()


def test_notice_form_publishes_and_results_button_publishes(world, login):
    session = _held(make_session(world, date=datetime.date(2024, 5, 6)))
    client = login(world.users["district_staff"])

    response = client.post(reverse("sessions:notice.publish", args=[session.pk]), {"topics": "Việc làm"})
    assert response.status_code == 302
    response = client.post(reverse("sessions:results.publish", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()

    assert (session.notice_topics, session.results_published_by) == (
        "Việc làm",
        world.users["district_staff"],
    )
    assert client.get(reverse("public:session.detail", args=[session.pk])).status_code == 200
    # Once published, neither can be published again.
    assert client.get(reverse("sessions:notice.publish", args=[session.pk])).status_code == 403
    assert client.post(reverse("sessions:results.publish", args=[session.pk])).status_code == 403


def test_withdrawn_results_leave_the_public_page_and_can_be_published_again(world, login):
    staff = world.users["district_staff"]
    session = _held(make_session(world, date=timezone.localdate()))
    publish_results(user=staff, session=session)
    public = reverse("public:session.detail", args=[session.pk])
    client = login(staff)
    assert (
        client.get(reverse("sessions:session.detail", args=[session.pk]))
        .content.decode()
        .count("Gỡ công khai")
    )

    response = client.post(reverse("sessions:results.withdraw", args=[session.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Đã gỡ kết quả khỏi trang công khai; có thể công khai lại sau khi sửa."
    ]
    session.refresh_from_db()
    assert session.results_published_at is None
    assert login(None).get(public).status_code == 404
    assert (
        login(world.users["leader"]).post(reverse("sessions:results.withdraw", args=[session.pk])).status_code
        == 403
    )
    with pytest.raises(PublicationError, match="chưa được công khai"):
        withdraw_results(user=staff, session=session)
    publish_results(user=staff, session=session)
    assert login(None).get(public).status_code == 200


@pytest.mark.postgresql
def test_notice_of_a_venue_with_the_longest_name_and_address_is_published_whole(world, login):
    """Issue 15: a venue name and address the session form accepts (255 characters each) made
    publishing the notice fail on PostgreSQL; the announced venue holds both."""
    session = make_session(world, date=datetime.date(2024, 5, 6))
    session.venue_name, session.venue_address = "Hội trường " + "A" * 244, "thôn Lộc Thượng " + "B" * 239
    session.save()
    client = login(world.users["district_staff"])

    response = client.post(reverse("sessions:notice.publish", args=[session.pk]), {"topics": "Việc làm"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.notice_venue == f"Hội trường {'A' * 244}, thôn Lộc Thượng {'B' * 239}"
    assert len(session.notice_venue) == 512
    assert client.get(reverse("public:session.detail", args=[session.pk])).status_code == 200
