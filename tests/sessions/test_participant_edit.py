"""Correcting or removing one person of a commune's list by hand, with the upload's checks."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Attendance
from plans.models import PlanStatus
from sessions.models import Participant, ParticipantCategory, Quota

from .participant_data import make_session


@pytest.fixture
def session(world):
    session = make_session(world)
    session.plan.status = PlanStatus.APPROVED
    session.plan.save(update_fields=["status"])
    return session


def _person(world, session, name, national_id="", commune=None, **fields):
    return Participant.objects.create(
        session=session,
        commune=commune or world.commune,
        hamlet=world.hamlet if commune is None else None,
        full_name=name,
        birth_year=1980,
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
        national_id=national_id,
        row_number=1,
        **fields,
    )


def _url(name, session, person, code="52-550-03"):
    return reverse(f"sessions:participants.{name}", args=[session.pk, code, person.pk])


def _data(**overrides):
    data = {
        "full_name": "Nguyễn Thị Mai",
        "birth_year": "1978",
        "hamlet": "Lộc Thượng",
        "category": "Hộ cận nghèo",
        "phone": "0912 345 678",
        "national_id": "052178000111",
        "email": "mai@example.vn",
    }
    data.update(overrides)
    return data


def test_official_corrects_one_person(world, session, login):
    person = _person(world, session, "Nguyen Thi Mai")
    client = login(world.users["commune_official"])

    assert client.get(_url("edit", session, person)).context["form"].initial["full_name"] == "Nguyen Thi Mai"
    response = client.post(_url("edit", session, person), _data(), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Đã sửa thông tin của Nguyễn Thị Mai."]
    person.refresh_from_db()
    assert (person.full_name, person.name_key, person.birth_year, person.category.name) == (
        "Nguyễn Thị Mai",
        "nguyen thi mai",
        1978,
        "Hộ cận nghèo",
    )
    assert (person.phone, person.national_id, person.email) == (
        "0912345678",
        "052178000111",
        "mai@example.vn",
    )


def test_bad_values_are_refused_naming_the_field_and_nothing_changes(world, session, login):
    person = _person(world, session, "Lê Văn Tám", national_id="052090000333")
    _person(world, session, "Trần Văn Hùng", national_id="052065000222")
    client = login(world.users["commune_official"])

    response = client.post(_url("edit", session, person), _data(national_id="05209", email="khong-hop-le"))
    errors = response.context["form"].non_field_errors()
    assert any(e.startswith("Cột «Số CCCD»: ") for e in errors)
    assert any(e.startswith("Cột «Email»: ") or e.startswith("Cột «Thư điện tử»: ") for e in errors)

    response = client.post(_url("edit", session, person), _data(national_id="052065000222"))
    assert any(
        "052065000222" in e and "đã có trong danh sách" in e
        for e in response.context["form"].non_field_errors()
    )

    person.refresh_from_db()
    assert (person.full_name, person.national_id) == ("Lê Văn Tám", "052090000333")


def test_keeping_ones_own_cccd_is_not_a_duplicate(world, session, login):
    person = _person(world, session, "Lê Văn Tám", national_id="052090000333")
    client = login(world.users["commune_official"])
    response = client.post(
        _url("edit", session, person), _data(full_name="Lê Văn Tám", national_id="052090000333")
    )
    assert response.status_code == 302

    person.refresh_from_db()
    assert (person.full_name, person.national_id, person.birth_year, person.phone, person.email) == (
        "Lê Văn Tám",
        "052090000333",
        1978,
        "0912345678",
        "mai@example.vn",
    )
    assert Participant.objects.filter(session=session).count() == 1


def test_delete_one_person_but_not_once_checked_in(world, session, login):
    gone = _person(world, session, "Lê Văn Tám")
    came = _person(world, session, "Trần Văn Hùng")
    Attendance.objects.create(
        session=session,
        participant=came,
        full_name=came.full_name,
        commune=world.commune,
        checked_in_at=timezone.now(),
    )
    client = login(world.users["commune_official"])

    response = client.post(_url("delete", session, gone), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Đã xóa Lê Văn Tám khỏi danh sách."]
    response = client.post(_url("delete", session, came), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Trần Văn Hùng đã điểm danh tại hội nghị; không xóa khỏi danh sách được."
    ]
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["Trần Văn Hùng"]


def test_forged_urls_are_404_or_403(world, session, login):
    Quota.objects.create(session=session, place=world.other_commune, count=20, position=1)
    other = _person(world, session, "Võ Văn Ba", commune=world.other_commune)
    mine = _person(world, session, "Lê Văn Tám")
    client = login(world.users["commune_official"])

    # Another commune's person through my commune's URL: not in this list.
    assert client.get(_url("edit", session, other)).status_code == 404
    # My person through the other commune's URL: that list is not mine.
    assert client.get(_url("edit", session, mine, code="52-550-08")).status_code == 403
    assert login(world.users["other_commune_official"]).post(_url("delete", session, mine)).status_code == 403
    assert Participant.objects.count() == 2


def test_control_character_typed_into_a_field_is_refused_and_nothing_changes(world, session, login):
    person = _person(world, session, "Lê Văn Tám")
    client = login(world.users["commune_official"])

    response = client.post(_url("edit", session, person), _data(full_name="Nguyễn\x1b Thị Mai"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Cột «Họ và tên»: có ký tự điều khiển U+001B (không nhìn thấy được, thường lẫn vào khi sao chép từ "
        "phần mềm khác); hãy gõ lại."
    ]
    person.refresh_from_db()
    assert person.full_name == "Lê Văn Tám"
