"""Editing the sessions of a draft plan through the services (sessions.editor.services)."""

import datetime

import pytest

from feedback.models import Channel, Question, Topic
from notifications.models import Attendance
from plans.models import Plan
from plans.planfile import import_plan
from plans.services.errors import PlanWorkflowError
from sessions.editor import services as session_editing
from sessions.models import Participant, ParticipantCategory, Session, TimeKind

from ..matrix_rows import plan_file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _plan(world, **overrides) -> Plan:
    keep = "status" in overrides
    return import_plan(
        data=plan_file(world, **overrides), user=world.users["district_staff"], keep_status=keep
    )


def _actions(plan) -> list[str]:
    return list(plan.events.order_by("at", "id").values_list("action", flat=True))


def test_save_sessions_keeps_quotas_of_kept_session(world):
    plan = _plan(world)
    session = plan.sessions.get()
    row = {
        "name": "",
        "venue_address": "",
        "host_commune": world.commune,
        "date": None,
        "start_time": None,
        "end_time": None,
        "month": None,
        "quarter": None,
        "year": None,
        "format": "in_person",
        "total_participants": None,
    }

    session_editing.save_sessions(
        plan=plan,
        user=world.users["district_staff"],
        rows=[
            {**row, "venue_name": "Hội trường UBND huyện", "time_kind": TimeKind.LATER},
            {
                **row,
                "id": session.pk,
                "venue_name": session.venue_name,
                "time_kind": TimeKind.QUARTER,
                "quarter": 2,
                "year": 2024,
                "month": 4,
            },
        ],
    )

    sessions = list(plan.sessions.order_by("position"))
    assert [(s.venue_name, s.time_label) for s in sessions] == [
        ("Hội trường UBND huyện", "Thông báo sau"),
        ("Nhà văn hóa xã Phước Hòa", "Quý II/2024"),
    ]
    assert sessions[1].pk == session.pk
    assert sessions[1].month is None
    assert [(q.place.code, q.count) for q in sessions[1].quotas.all()] == [("52-550-03", 150)]


def test_save_sessions_missing_month_is_refused(world):
    plan = _plan(world)

    with pytest.raises(PlanWorkflowError) as excinfo:
        session_editing.save_sessions(
            plan=plan,
            user=world.users["district_staff"],
            rows=[{"venue_name": "Hội trường", "time_kind": TimeKind.MONTH, "month": None, "year": 2024}],
        )

    assert excinfo.value.errors == ["Dòng 1: Chọn thời gian theo tháng thì phải nhập tháng (1–12) và năm."]
    assert Session.objects.filter(plan=plan).count() == 1


def test_save_sessions_refuses_to_delete_session_with_participants_or_questions(world):
    plan = _plan(world)
    session = plan.sessions.get()
    Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Nguyễn Thị Mai",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    Question.objects.create(
        session=session,
        commune=world.commune,
        text="Hỏi về đường giao thông",
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.first(),
    )

    with pytest.raises(session_editing.SessionInUseError) as excinfo:
        session_editing.save_sessions(
            plan=plan,
            user=world.users["district_staff"],
            rows=[{"venue_name": "Hội trường mới", "time_kind": TimeKind.LATER}],
        )

    assert excinfo.value.errors == [
        "Phiên «Nhà văn hóa xã Phước Hòa» đã có danh sách người tham dự và câu hỏi; không xóa được."
    ]
    assert excinfo.value.sessions == {session.pk: excinfo.value.errors[0]}
    assert list(plan.sessions.values_list("pk", flat=True)) == [session.pk]
    assert (session.participants.count(), session.questions.count()) == (1, 1)
    assert "edit_sessions" not in _actions(plan)


def test_save_sessions_refuses_to_delete_session_with_check_ins(world):
    plan = _plan(world)
    session = plan.sessions.get()
    Attendance.objects.create(
        session=session,
        full_name="Trần Văn Bình",
        commune=world.commune,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
        walk_in=True,
        checked_in_at=datetime.datetime(2024, 4, 20, 8, 0, tzinfo=datetime.UTC),
    )

    with pytest.raises(PlanWorkflowError) as excinfo:
        session_editing.save_sessions(plan=plan, user=world.users["district_staff"], rows=[])

    assert excinfo.value.errors == ["Phiên «Nhà văn hóa xã Phước Hòa» đã có người điểm danh; không xóa được."]
    assert plan.sessions.count() == 1


def test_save_sessions_deletes_session_without_participants_or_questions(world):
    plan = _plan(world)

    session_editing.save_sessions(
        plan=plan,
        user=world.users["district_staff"],
        rows=[{"venue_name": "Hội trường mới", "time_kind": TimeKind.LATER}],
    )

    assert [s.venue_name for s in plan.sessions.all()] == ["Hội trường mới"]


def test_save_session_details_replaces_quotas_composition_and_communes(world):
    plan = _plan(world)
    session = plan.sessions.get()

    session_editing.save_session_details(
        plan=plan,
        session=session,
        user=world.users["district_staff"],
        quotas=[{"place": world.other_commune, "count": 50}, {"place": world.hamlet, "count": 40}],
        composition=[
            {
                "label": "Tổ công tác huyện",
                "count": 7,
                "multiplier": None,
                "multiplier_label": "",
                "style": "plain",
            }
        ],
        communes=[world.commune, world.other_commune],
    )

    assert [(q.place.name, q.count) for q in session.quotas.all()] == [("Phước An", 50), ("Lộc Thượng", 40)]
    assert [(g.label, g.total) for g in session.composition.all()] == [("Tổ công tác huyện", 7)]
    assert sorted(p.name for p in session.communes.all()) == ["Phước An", "Phước Hòa"]


def test_save_session_details_duplicate_place_is_refused(world):
    plan = _plan(world)
    session = plan.sessions.get()

    with pytest.raises(PlanWorkflowError) as excinfo:
        session_editing.save_session_details(
            plan=plan,
            session=session,
            user=world.users["district_staff"],
            quotas=[{"place": world.commune, "count": 50}, {"place": world.commune, "count": 40}],
            composition=[],
            communes=[],
        )

    assert excinfo.value.errors == ["Dòng 2: xã Phước Hòa đã có ở dòng 1."]
    assert [q.count for q in session.quotas.all()] == [150]
