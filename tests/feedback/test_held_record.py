"""The conclusion notice starts from the held record (day, venue, chair), not from the plan."""

import datetime

from django.utils import timezone

from core.vietnamese import short_date
from feedback.notice import conclusion_defaults
from sessions.session_day import record_held

from .feedback_data import make_session


def test_conclusion_defaults_from_the_held_record(world):
    planned = timezone.localdate() - datetime.timedelta(days=3)
    session = make_session(world, date=planned)
    session.chair = "Chủ tịch UBND huyện"
    session.save(update_fields=["chair"])
    before = conclusion_defaults(session)

    record_held(
        user=world.users["district_staff"],
        session=session,
        held_on=planned + datetime.timedelta(days=1),
        venue="Nhà văn hóa thôn Lộc Thượng",
        chair="Phó Chủ tịch UBND huyện",
    )
    after = conclusion_defaults(session)

    held_on = short_date(planned + datetime.timedelta(days=1))
    assert before["chair"] == "Chủ tịch UBND huyện"
    assert after["chair"] == "Phó Chủ tịch UBND huyện"
    assert after["opening"].startswith(f"Ngày {held_on}, tại Nhà văn hóa thôn Lộc Thượng, ")
    assert after["opening"].endswith("Phó Chủ tịch UBND huyện chủ trì hội nghị.")
