from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.jobs import JobStatus
from notifications.models import BatchJob, JobKind, OutboxMessage, OutboxStatus, Purpose
from notifications.services.invitations import queue_invitations
from sessions.models import Quota

from ..factories import PlaceFactory, UserFactory
from .conftest import add_participants, make_session


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _detail(session):
    return reverse("notifications:invitations.detail", args=[session.pk])


def _with_outbox(world, count: int):
    session = make_session(world)
    add_participants(world, session, count)
    queue_invitations(session_id=session.pk)
    return session


def test_invitations_detail_counts_and_rows(world, login):
    session = _with_outbox(world, 3)
    first, second, _ = OutboxMessage.objects.order_by("id")
    OutboxMessage.objects.filter(pk=first.pk).update(
        status=OutboxStatus.FAILED, attempts=5, last_error="550 5.1.1 Không có hộp thư này"
    )
    OutboxMessage.objects.filter(pk=second.pk).update(status=OutboxStatus.SENDING, attempts=1)
    client = login(world.users["leader"])

    response = client.get(_detail(session))

    assert response.status_code == 200
    assert [(status, count) for status, _, count in response.context["status_counts"]] == [
        ("queued", 1),
        ("sending", 1),
        ("sent", 0),
        ("failed", 1),
    ]
    rows = list(response.context["outbox"])
    assert [row.to_email for row in rows] == [
        "nguoidan1@example.vn",
        "nguoidan2@example.vn",
        "nguoidan3@example.vn",
    ]
    html = response.content.decode()
    assert "550 5.1.1 Không có hộp thư này" in html
    assert html.count("Gửi lại</button>") == 1


def test_invitations_detail_shows_the_newest_whole_session_letters_job(world, login):
    session = _with_outbox(world, 1)
    done = {"kind": JobKind.LETTERS, "status": JobStatus.DONE, "total": 1, "done": 1}
    BatchJob.objects.create(session=session, finished_at=timezone.now(), **done)
    newest = BatchJob.objects.create(session=session, finished_at=timezone.now(), **done)
    BatchJob.objects.create(session=session, kind=JobKind.LETTERS, commune=world.commune, total=1)

    response = login(world.users["district_staff"]).get(_detail(session))

    assert response.context["letters_job"] == newest
    progress = reverse("notifications:job.progress", args=[session.pk, newest.pk])
    assert f'<div id="letters-job"><div hx-get="{progress}" hx-trigger="load"' in response.content.decode()


def test_invitations_detail_queries_constant_1_vs_50_rows(world, login):
    client = login(world.users["district_staff"])
    counts = []
    for number in (1, 50):
        session = _with_outbox(world, number)
        add_participants(world, session, number, email=False, start=number + 1)
        add_participants(world, session, number, email=False, commune=world.other_commune, start=200)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_detail(session))
        assert response.status_code == 200
        assert len(response.context["outbox"]) == number
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_invitations_detail_without_email_grouped_by_commune(world, login):
    session = make_session(world)
    add_participants(world, session, 2, email=False)
    add_participants(world, session, 1, email=False, commune=world.other_commune, start=3)
    add_participants(world, session, 1, start=4)
    client = login(world.users["secretary"])

    response = client.get(_detail(session))

    groups = [
        (group.commune.code, [person.full_name for person in group.participants])
        for group in response.context["hand_out"]
    ]
    assert groups == [
        ("52-550-08", ["Trần Thị Hương 3"]),
        ("52-550-03", ["Trần Thị Hương 1", "Trần Thị Hương 2"]),
    ]
    assert "cần in giấy mời để xã phát tận tay" in response.content.decode()


def test_invitations_detail_commune_official_and_department_officer_403(world, login):
    session = make_session(world)
    for role in ("commune_official", "department_officer"):
        assert login(world.users[role]).get(_detail(session)).status_code == 403


def test_invitations_detail_staff_of_another_district_403(world, login):
    district = PlaceFactory(code="52-551", kind="huyen", name="An Nhơn", parent=world.province)
    staff = UserFactory(username="chuyenvien-annhon", role=Role.DISTRICT_STAFF, place=district)
    session = make_session(world)

    assert login(staff).get(_detail(session)).status_code == 403


def test_invitations_detail_unknown_session_404(world, login):
    client = login(world.users["district_staff"])

    assert client.get(reverse("notifications:invitations.detail", args=[999999])).status_code == 404


def test_invitations_send_queues_on_commit(world, login, django_capture_on_commit_callbacks):
    session = make_session(world)
    add_participants(world, session, 3)
    add_participants(world, session, 1, email=False, start=4)
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("notifications:invitations.send", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"] == _detail(session)
    assert _messages(response) == ["Đã xếp 3 thư vào hàng gửi."]
    assert len(callbacks) == 1


def test_invitations_send_counts_failed_rows_again(world, login, django_capture_on_commit_callbacks):
    session = _with_outbox(world, 3)
    OutboxMessage.objects.filter(session=session).update(
        status=OutboxStatus.SENT, sent_at="2024-05-01T08:00Z"
    )
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.order_by("id").first().pk).update(
        status=OutboxStatus.FAILED
    )
    add_participants(world, session, 1, start=10)
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks():
        response = client.post(reverse("notifications:invitations.send", args=[session.pk]))

    assert _messages(response) == ["Đã xếp 2 thư vào hàng gửi."]


def test_invitations_send_get_sends_nothing_and_goes_to_the_invitations_page(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    response = client.get(reverse("notifications:invitations.send", args=[session.pk]))

    assert (response.status_code, response["Location"]) == (302, _detail(session))
    assert _messages(response) == [
        "«Gửi giấy mời qua thư điện tử» chỉ thực hiện khi bấm nút trên trang; mở đường dẫn trực tiếp "
        "không thay đổi gì."
    ]
    assert OutboxMessage.objects.filter(session=session).count() == 0


def _resend(session, message):
    return reverse("notifications:outbox.resend", args=[session.pk, message.pk])


def test_outbox_resend_failed_row_requeued_on_commit(world, login, django_capture_on_commit_callbacks):
    session = _with_outbox(world, 1)
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, last_error="421 Bận")
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(_resend(session, message))

    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert len(callbacks) == 1
    assert _messages(response) == ["Đã xếp lại thư gửi nguoidan1@example.vn vào hàng gửi."]


def test_outbox_resend_sent_row_unchanged_with_message(world, login, django_capture_on_commit_callbacks):
    session = _with_outbox(world, 1)
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT, sent_at="2024-05-01T08:00Z")
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(_resend(session, message))

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert callbacks == []
    assert _messages(response) == [
        "Thư gửi nguoidan1@example.vn đang ở trạng thái «Đã gửi»; chỉ gửi lại được thư bị lỗi."
    ]


def test_outbox_resend_message_of_another_session_404(world, login):
    session = _with_outbox(world, 1)
    other = make_session(world)
    message = OutboxMessage.objects.get()
    client = login(world.users["district_staff"])

    assert client.post(_resend(other, message)).status_code == 404
    assert client.post(reverse("notifications:outbox.resend", args=[session.pk, 999999])).status_code == 404


def test_outbox_resend_reminder_row_404(world, login):
    session = make_session(world)
    reminder = OutboxMessage.objects.create(
        purpose=Purpose.REMINDER,
        dedupe_key="reminder:x",
        session=session,
        to_email="xa@example.vn",
        subject="Nhắc hạn",
        body_text="Nhắc hạn",
        status=OutboxStatus.FAILED,
    )
    client = login(world.users["district_staff"])

    assert client.post(_resend(session, reminder)).status_code == 404


def _pdf(session, code=None):
    url = reverse("notifications:invitations.pdf", args=[session.pk])
    return f"{url}?commune={code}" if code else url


def test_invitations_pdf_commune_official_own_commune(world, login):
    session = make_session(world)
    session.plan.status = "approved"
    session.plan.save(update_fields=["status"])
    add_participants(world, session, 2, email=False)
    client = login(world.users["commune_official"])

    response = client.get(_pdf(session, world.commune.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="giay-moi-phien-{session.pk}-52-550-03.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_invitations_pdf_commune_official_other_commune_or_whole_session_403(world, login):
    session = make_session(world)
    session.plan.status = "approved"
    session.plan.save(update_fields=["status"])
    Quota.objects.create(session=session, place=world.other_commune, count=10, position=1)
    client = login(world.users["commune_official"])

    assert client.get(_pdf(session, world.other_commune.code)).status_code == 403
    assert client.get(_pdf(session)).status_code == 403


def test_invitations_pdf_forged_commune_code_404(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    assert client.get(_pdf(session, "99-999-99")).status_code == 404
    # A commune of the territory that the session does not concern is as unknown here.
    assert client.get(_pdf(session, world.other_commune.code)).status_code == 404


def test_invitations_pdf_department_officer_403(world, login):
    session = make_session(world)
    session.plan.status = "approved"
    session.plan.save(update_fields=["status"])
    client = login(world.users["department_officer"])

    assert client.get(_pdf(session, world.commune.code)).status_code == 403
    assert client.get(_pdf(session)).status_code == 403


def test_session_detail_links_for_office(world, login):
    session = make_session(world, secretary=world.users["secretary"])

    html = login(world.users["secretary"]).get(reverse("sessions:session.detail", args=[session.pk])).content
    html = html.decode()

    assert reverse("notifications:invitations.detail", args=[session.pk]) in html
    assert reverse("notifications:checkin", args=[session.pk]) in html
    assert reverse("notifications:session.ics", args=[session.pk]) in html


def test_invitations_pdf_of_the_whole_session_goes_to_the_letters_job(world, login):
    session = make_session(world)
    add_participants(world, session, 2)
    client = login(world.users["district_staff"])

    response = client.get(_pdf(session), follow=True)

    assert response.redirect_chain == [(reverse("notifications:invitations.detail", args=[session.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Giấy mời của cả phiên được in trong nền: bấm «Tạo tệp giấy mời để in»."
    ]
