"""Undoing a mistaken check-in (with a log), and walk-ins matched against the session's list and
earlier walk-ins: the existing person is offered instead of a second row."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from feedback.models import SessionConclusion
from feedback.notice import build_notice
from notifications.models import Attendance, CancelledCheckin
from notifications.services.checkin import (
    CheckinError,
    SamePersonFound,
    WalkIn,
    add_walk_in,
    check_in_participant,
    undo_checkin,
)
from sessions.models import Participant, ParticipantCategory

from .conftest import add_participants, make_session


def _session(world):
    return make_session(world, secretary=world.users["secretary"], date=timezone.localdate())


def _url(name, session):
    return reverse(f"notifications:{name}", args=[session.pk])


def _invited(world, session, **fields):
    values = {
        "session": session,
        "commune": world.commune,
        "hamlet": world.hamlet,
        "full_name": "Nguyễn Văn An",
        "birth_year": 1970,
        "category": ParticipantCategory.objects.get(code="ho-ngheo"),
        "row_number": 1,
    }
    values.update(fields)
    return Participant.objects.create(**values)


def _conclusion(session):
    return SessionConclusion.objects.create(
        session=session,
        chair="Phó Chủ tịch UBND huyện",
        opening="Mở đầu.",
        summary="Tóm tắt.",
        closing="Kết.",
        recipients="Như trên",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn Bình",
    )


# ---------------------------------------------------------------- undo


def test_undo_checkin_deletes_it_and_logs_who_and_when(world):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    attendance, _ = check_in_participant(
        session=session, participant=person, user=world.users["district_staff"]
    )

    log = undo_checkin(session=session, attendance_id=attendance.pk, user=world.users["secretary"])

    assert Attendance.objects.count() == 0
    assert (log.session, log.participant, log.full_name, log.commune, log.walk_in) == (
        session,
        person,
        "Trần Thị Hương 1",
        world.commune,
        False,
    )
    assert (log.checked_in_at, log.checked_in_by, log.cancelled_by) == (
        attendance.checked_in_at,
        world.users["district_staff"],
        world.users["secretary"],
    )
    assert log.cancelled_at >= log.checked_in_at
    with pytest.raises(CheckinError):
        undo_checkin(session=session, attendance_id=attendance.pk, user=world.users["secretary"])
    # Checked in again afterwards, as a new row.
    check_in_participant(session=session, participant=person, user=world.users["secretary"])
    assert Attendance.objects.count() == 1


def test_undo_checkin_page_button_and_log_shown(world, login):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    client = login(world.users["secretary"])
    client.post(_url("checkin.mark", session), {"participant": person.pk})
    attendance = Attendance.objects.get()

    page = client.get(_url("checkin", session))
    response = client.post(_url("checkin.undo", session), {"attendance": attendance.pk}, follow=True)
    other = make_session(world, date=timezone.localdate(), plan=session.plan)

    assert [row.pk for row in page.context["recent_checkins"]] == [attendance.pk]
    at = timezone.localtime(attendance.checked_in_at).strftime("%H:%M ngày %d/%m/%Y")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Đã hủy điểm danh của Trần Thị Hương 1 (điểm danh lúc {at})."
    ]
    assert [row.full_name for row in response.context["cancelled_checkins"]] == ["Trần Thị Hương 1"]
    assert response.context["recent_checkins"] == []
    # Another session's check-in cannot be undone from this one.
    check_in_participant(session=session, participant=person, user=world.users["secretary"])
    client.post(_url("checkin.undo", other), {"attendance": Attendance.objects.get().pk})
    assert Attendance.objects.count() == 1
    assert CancelledCheckin.objects.count() == 1


# ---------------------------------------------------------------- walk-ins


def test_walkin_who_is_invited_offered_instead_and_counted_once(world, login):
    session = _session(world)
    invited = _invited(world, session)
    client = login(world.users["secretary"])

    offered = client.post(
        _url("checkin.walkin", session), {"full_name": "nguyen van  an", "commune": world.commune.pk}
    )

    assert offered.status_code == 409
    assert [(m.participant, m.certain, m.checked_in) for m in offered.context["same_people"]] == [
        (invited, False, False)
    ]
    assert offered.context["may_add_anyway"] is True
    assert Attendance.objects.count() == 0
    # The desk checks in the person offered.
    client.post(_url("checkin.mark", session), {"participant": invited.pk})
    again = client.post(
        _url("checkin.walkin", session), {"full_name": "Nguyễn Văn An", "commune": world.commune.pk}
    )
    assert again.status_code == 409
    assert [m.checked_in for m in again.context["same_people"]] == [True]

    _conclusion(session)
    figures = build_notice(session).figures
    assert (figures.attended, figures.walk_ins) == (1, 0)


def test_walkin_written_twice_offered_the_first(world):
    session = _session(world)
    secretary = world.users["secretary"]
    first = add_walk_in(
        session=session,
        walk_in=WalkIn(full_name="Võ Văn Ba", commune=world.other_commune, birth_year=1980),
        user=secretary,
    )

    with pytest.raises(SamePersonFound) as found:
        add_walk_in(
            session=session,
            walk_in=WalkIn(full_name="VÕ VĂN BA", commune=world.other_commune),
            user=secretary,
        )

    assert [(m.attendance, m.participant, m.checked_in) for m in found.value.matches] == [(first, None, True)]
    assert Attendance.objects.count() == 1


def test_walkin_same_cccd_is_the_same_person_even_with_another_name(world, login):
    session = _session(world)
    invited = _invited(world, session, national_id="052080001234")
    client = login(world.users["secretary"])
    data = {
        "full_name": "Nguyễn V. An",
        "commune": world.other_commune.pk,
        "national_id": "052 080 001 234",
        "different_person": "1",
    }

    response = client.post(_url("checkin.walkin", session), data)

    assert response.status_code == 409
    assert [(m.participant, m.certain) for m in response.context["same_people"]] == [(invited, True)]
    assert response.context["may_add_anyway"] is False
    assert Attendance.objects.count() == 0


def test_walkin_told_apart_by_birth_year_hamlet_or_cccd(world):
    session = _session(world)
    _invited(world, session, national_id="052080001234")
    secretary = world.users["secretary"]
    others = [
        WalkIn(full_name="Nguyễn Văn An", commune=world.commune, birth_year=1999),
        # Born the same year as the invited one, but another CCCD.
        WalkIn(full_name="Nguyễn Văn An", commune=world.commune, birth_year=1970, national_id="052080009999"),
        WalkIn(full_name="Nguyễn Văn An", commune=world.other_commune),
    ]

    for walk_in in others:
        add_walk_in(session=session, walk_in=walk_in, user=secretary)

    assert Attendance.objects.filter(walk_in=True).count() == 3


def test_walkin_different_person_confirmed_by_the_desk_is_added(world, login):
    session = _session(world)
    _invited(world, session)
    client = login(world.users["secretary"])
    data = {"full_name": "Nguyễn Văn An", "commune": world.commune.pk, "hamlet": "lộc thượng"}

    offered = client.post(_url("checkin.walkin", session), data)
    added = client.post(_url("checkin.walkin", session), {**data, "birth_year": "", "different_person": "1"})

    assert offered.status_code == 409
    assert added.status_code == 302
    walk_in = Attendance.objects.get()
    assert (walk_in.full_name, walk_in.hamlet, walk_in.walk_in) == ("Nguyễn Văn An", world.hamlet, True)


def test_walkin_unknown_hamlet_and_bad_cccd_named(world, login):
    session = _session(world)
    client = login(world.users["secretary"])

    response = client.post(
        _url("checkin.walkin", session),
        {
            "full_name": "Võ Văn Ba",
            "commune": world.commune.pk,
            "hamlet": "Quảng Tín",
            "national_id": "12345",
        },
    )

    assert response.status_code == 400
    assert response.context["walkin_form"].errors == {
        "hamlet": ["Xã Phước Hòa không có thôn, ấp «Quảng Tín» (Lộc Thượng)."],
        "national_id": ["Số CCCD gồm đúng 12 chữ số."],
    }
    assert Attendance.objects.count() == 0
