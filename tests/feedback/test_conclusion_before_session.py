"""A conclusion notice concludes a session that has been held: before its date (or while it has
none) the leader is not offered «Ban hành», the issue page says from when, and the service
refuses in Vietnamese; from the session's day on it is issued as before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import ConclusionStatus, SessionConclusion
from feedback.services import FeedbackError
from feedback.services.conclusions import issue_conclusion, save_conclusion
from sessions.models import HeldRecord

from .feedback_data import make_session
from .test_conclusion import DRAFT

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def drafted(world, date):
    session = make_session(world, date=date)
    save_conclusion(user=world.users["district_staff"], session=session, **DRAFT)
    return session


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (
            TOMORROW,
            f"Hội nghị diễn ra ngày {TOMORROW:%d/%m/%Y}; chỉ ban hành thông báo kết luận từ ngày đó trở về sau.",
        ),
        (None, "Phiên chưa có ngày tổ chức; chỉ ban hành thông báo kết luận sau khi hội nghị đã diễn ra."),
    ],
)
def test_notice_of_a_session_not_held_yet_is_neither_offered_nor_issued(world, login, date, message):
    session = drafted(world, date)
    client = login(world.users["leader"])

    detail = client.get(reverse("feedback:conclusion.detail", args=[session.pk]))
    html = detail.content.decode()
    assert reverse("feedback:conclusion.issue", args=[session.pk]) not in html
    assert message in html

    page = client.get(reverse("feedback:conclusion.issue", args=[session.pk]))
    assert message in page.content.decode()
    response = client.post(
        reverse("feedback:conclusion.issue", args=[session.pk]),
        {"number": "4", "issued_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [message]

    with pytest.raises(FeedbackError) as error:
        issue_conclusion(user=world.users["leader"], session=session, number=4, issued_on=TODAY)
    assert error.value.message == message
    assert SessionConclusion.objects.get(session=session).status == ConclusionStatus.DRAFT


def test_notice_is_offered_and_issued_on_the_session_day(world, login):
    session = drafted(world, TODAY)
    HeldRecord.objects.create(
        session=session,
        held_on=TODAY,
        venue=session.venue_name,
        chair="Chủ tịch UBND",
        recorded_at=timezone.now(),
    )
    client = login(world.users["leader"])

    detail = client.get(reverse("feedback:conclusion.detail", args=[session.pk]))
    assert reverse("feedback:conclusion.issue", args=[session.pk]) in detail.content.decode()
    assert 'id="not-held-yet"' not in detail.content.decode()
    response = client.post(
        reverse("feedback:conclusion.issue", args=[session.pk]),
        {"number": "4", "issued_on": TODAY.isoformat()},
    )

    assert response.status_code == 302
    conclusion = SessionConclusion.objects.get(session=session)
    assert conclusion.status == ConclusionStatus.ISSUED
    conclusion.issued_pdf.delete(save=False)
