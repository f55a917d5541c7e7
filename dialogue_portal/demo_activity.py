"""A plan in progress for the demo, so that every demo account's first screen has work on it.

Seed 000 (Tuy Phước) copied to the coming year's plan, submitted, approved and issued; its first
two sessions get dates a few weeks ahead (the communes' deadline still to come), a secretary and
invited units; Phước Hòa has sent part of its list and a few questions, two of them already
given to the Agriculture office (the ``donvi`` account). Loaded by ``dialogue_portal.demo.load_demo``
after the seed plans; idempotent. It lives in the project package because it drives every app.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.workdays import add_working_days
from directory.models import Place, Unit
from feedback.models import Topic
from feedback.services.questions import assign_question, submit_question
from plans.models import Plan, PlanEvent
from plans.services.creation import copy_plan
from plans.services.workflow import approve_plan, issue_plan, submit_plan
from sessions.models import Participant, ParticipantCategory, Session

SEED_SUMMARY_YEAR = 2024
DEMO_EVENT = "demo"

PEOPLE = [
    ("Nguyễn Thị Mai", 1978, "ho-ngheo", "mai.nguyen@example.vn"),
    ("Trần Văn Hùng", 1965, "ho-can-ngheo", ""),
    ("Lê Thị Ánh", 1982, "ho-ngheo", "anh.le@example.vn"),
    ("Phạm Văn Đức", 1970, "ho-ngheo", ""),
    ("Võ Thị Hồng", 1988, "ho-can-ngheo", "hong.vo@example.vn"),
    ("Đặng Văn Hưởng", 1959, "ho-ngheo", ""),
    ("Huỳnh Thị Lan", 1991, "ho-moi-thoat-ngheo", ""),
    ("Bùi Văn Tâm", 1975, "ho-ngheo", "tam.bui@example.vn"),
]

QUESTIONS = [
    ("viec-lam", "Con em hộ nghèo muốn đi làm việc ở nước ngoài theo hợp đồng thì được hỗ trợ những gì?"),
    (
        "tin-dung-chinh-sach",
        "Hộ mới thoát nghèo còn được vay vốn Ngân hàng Chính sách xã hội không, mức bao nhiêu?",
    ),
    ("bao-hiem-y-te", "Thẻ bảo hiểm y tế của hộ cận nghèo năm nay khi nào được cấp?"),
    ("nha-o", "Hộ nghèo xây nhà ở được hỗ trợ bao nhiêu tiền và nộp hồ sơ ở đâu?"),
]
ASSIGNED_TO_UNIT = 2  # the first two questions go to the Agriculture office


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_demo_activity(*, stdout=None, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    staff, leader, secretary, commune_official = (
        _user(name) for name in ("chuyenvien", "lanhdao", "thuky", "canboxa")
    )
    seed = Plan.objects.filter(issuer__code="52-550", year=SEED_SUMMARY_YEAR, copied_from=None).first()
    if seed is None or None in (staff, leader, secretary, commune_official):
        return
    if PlanEvent.objects.filter(action=DEMO_EVENT).exists():
        if stdout is not None:
            stdout.write("Đã có kế hoạch đang triển khai cho bản dùng thử, bỏ qua.\n")
        return

    first_date = add_working_days(today, 15)
    plan = copy_plan(plan=seed, user=staff, year=first_date.year)
    sessions = list(plan.sessions.order_by("position", "pk"))
    for session, working_days in zip(sessions[:2], (15, 25), strict=False):
        session.time_kind = "exact"
        session.date = add_working_days(today, working_days)
        session.start_time, session.end_time = datetime.time(7, 30), datetime.time(11, 0)
        session.secretary = secretary
        session.chair = "Phó Chủ tịch UBND huyện"
        session.save()
    # The later sessions keep "in month N" as the seed writes them, in the months that follow.
    for offset, session in enumerate(sessions[2:], start=1):
        month = (first_date.month - 1 + offset) % 12 + 1
        session.time_kind, session.date = "month", None
        session.month, session.year = month, first_date.year + (first_date.month - 1 + offset) // 12
        session.save()
    submit_plan(plan=plan, user=staff)
    approve_plan(plan=plan, user=leader)
    plan = issue_plan(plan=plan, user=leader, issued_on=today)
    PlanEvent.objects.create(plan=plan, user=staff, action=DEMO_EVENT, description="Dữ liệu dùng thử.")

    session = Session.objects.select_related("plan__issuer").get(pk=sessions[0].pk)
    commune = Place.objects.get(code="52-550-03")
    hamlet = Place.objects.filter(parent=commune).order_by("code").first()
    categories = {c.code: c for c in ParticipantCategory.objects.all()}
    Participant.objects.bulk_create(
        [
            Participant(
                session=session,
                commune=commune,
                hamlet=hamlet,
                full_name=name,
                birth_year=born,
                category=categories.get(category) or next(iter(categories.values())),
                email=email,
                row_number=number,
                imported_by=commune_official,
            )
            for number, (name, born, category, email) in enumerate(PEOPLE, start=1)
        ]
    )
    topics = {t.code: t for t in Topic.objects.all()}
    unit = Unit.objects.filter(code="52-550-NNPTNT").first()
    due = add_working_days(session.date, -2)
    for number, (topic, text) in enumerate(QUESTIONS):
        question = submit_question(
            user=commune_official,
            session=session,
            text=text,
            topic=topics.get(topic) or next(iter(topics.values())),
            asker_hamlet=hamlet,
        )
        if unit is not None and number < ASSIGNED_TO_UNIT:
            assign_question(user=staff, question=question, unit=unit, due_date=due)
    if stdout is not None:
        stdout.write(f"Đã tạo kế hoạch đang triển khai cho bản dùng thử: {plan}.\n")
