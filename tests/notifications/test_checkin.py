import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from notifications.models import Attendance
from notifications.services.checkin import checkin_token
from sessions.models import Participant, ParticipantCategory

from ..factories import PlaceFactory, UserFactory
from .conftest import add_participants, make_session


def _messages(response) -> list[str]:
    """The messages shown after the redirect (posts are followed, so each shows only its own)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def _post(client, url, data):
    return client.post(url, data, follow=True)


def _url(name, session):
    return reverse(f"notifications:{name}", args=[session.pk])


def _session(world):
    # Dated today: check-in is open only on the session's day.
    return make_session(world, secretary=world.users["secretary"], date=timezone.localdate())


def test_checkin_scan_valid_token_marks_once(world, login):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    token = checkin_token(session_id=session.pk, participant_id=person.pk)
    client = login(world.users["secretary"])

    first = _post(client, _url("checkin.scan", session), {"token": token})
    second = _post(client, _url("checkin.scan", session), {"token": f"  {token} "})

    attendance = Attendance.objects.get()
    assert (attendance.participant, attendance.commune, attendance.walk_in) == (person, world.commune, False)
    assert attendance.checked_in_by == world.users["secretary"]
    assert first.redirect_chain == [(_url("checkin", session), 302)]
    assert _messages(first) == ["Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa)."]
    at = timezone.localtime(attendance.checked_in_at).strftime("%H:%M ngày %d/%m/%Y")
    assert _messages(second) == [f"Trần Thị Hương 1 đã điểm danh lúc {at}."]


def test_checkin_scan_token_of_another_session_nothing_saved(world, login):
    session = _session(world)
    other = make_session(world, plan=session.plan)
    person = add_participants(world, other, 1)[0]
    client = login(world.users["secretary"])

    response = _post(
        client,
        _url("checkin.scan", session),
        {"token": checkin_token(session_id=other.pk, participant_id=person.pk)},
    )

    assert _messages(response) == ["Giấy mời này dành cho một phiên đối thoại khác."]
    assert Attendance.objects.count() == 0


def test_checkin_scan_forged_token_nothing_saved(world, login):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    token = checkin_token(session_id=session.pk, participant_id=person.pk)
    client = login(world.users["secretary"])

    for forged in (token[:-2] + "xx", "abc", ""):
        response = _post(client, _url("checkin.scan", session), {"token": forged})
        assert response.redirect_chain == [(_url("checkin", session), 302)]
        assert _messages(response) == ["Mã giấy mời không hợp lệ." if forged else "Chưa có mã giấy mời."]
    assert Attendance.objects.count() == 0


def test_checkin_scan_token_of_deleted_participant(world, login):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    token = checkin_token(session_id=session.pk, participant_id=person.pk)
    person.delete()
    client = login(world.users["secretary"])

    response = _post(client, _url("checkin.scan", session), {"token": token})

    assert _messages(response) == ["Người có giấy mời này không còn trong danh sách của phiên."]
    assert Attendance.objects.count() == 0


def test_checkin_mark_idempotent(world, login):
    session = _session(world)
    person = add_participants(world, session, 1)[0]
    client = login(world.users["district_staff"])

    _post(client, _url("checkin.mark", session), {"participant": person.pk})
    second = _post(client, _url("checkin.mark", session), {"participant": person.pk, "q": "Hương"})

    assert Attendance.objects.count() == 1
    assert second.redirect_chain == [(_url("checkin", session) + "?q=H%C6%B0%C6%A1ng", 302)]
    assert _messages(second)[0].startswith("Trần Thị Hương 1 đã điểm danh lúc ")


def test_checkin_mark_participant_of_another_session_404(world, login):
    session = _session(world)
    other = make_session(world, plan=session.plan)
    person = add_participants(world, other, 1)[0]
    client = login(world.users["secretary"])

    assert client.post(_url("checkin.mark", session), {"participant": person.pk}).status_code == 404
    assert client.post(_url("checkin.mark", session), {"participant": "abc"}).status_code == 404
    assert client.post(_url("checkin.mark", session), {}).status_code == 404
    assert Attendance.objects.count() == 0


def test_checkin_walkin_saved(world, login):
    session = _session(world)
    category = ParticipantCategory.objects.get(code="ho-ngheo")
    client = login(world.users["secretary"])

    response = _post(
        client,
        _url("checkin.walkin", session),
        {"full_name": "  Võ   Văn Ba ", "commune": world.other_commune.pk, "category": category.pk},
    )

    attendance = Attendance.objects.get()
    assert (attendance.full_name, attendance.commune, attendance.category, attendance.walk_in) == (
        "Võ Văn Ba",
        world.other_commune,
        category,
        True,
    )
    assert attendance.participant is None
    assert _messages(response) == ["Đã ghi nhận Võ Văn Ba (Xã Phước An) đến dự không có giấy mời."]


def test_checkin_walkin_commune_outside_territory_rejected(world, login):
    session = _session(world)
    district = PlaceFactory(code="52-551", kind="huyen", name="An Nhơn", parent=world.province)
    elsewhere = PlaceFactory(code="52-551-01", kind="xa", name="Nhơn Hưng", parent=district)
    client = login(world.users["secretary"])

    response = client.post(
        _url("checkin.walkin", session), {"full_name": "Võ Văn Ba", "commune": elsewhere.pk}
    )

    assert response.status_code == 400
    assert list(response.context["walkin_form"].errors) == ["commune"]
    assert Attendance.objects.count() == 0


def test_checkin_page_who_may(world, login):
    session = _session(world)
    other_secretary = UserFactory(username="thuky2", role=Role.SECRETARY, place=world.district)
    expected = {
        "district_staff": 200,
        "leader": 200,
        "secretary": 200,
        "commune_official": 403,
        "other_commune_official": 403,
        "department_officer": 403,
    }

    got = {role: login(world.users[role]).get(_url("checkin", session)).status_code for role in expected}

    assert got == expected
    assert login(other_secretary).get(_url("checkin", session)).status_code == 403
    assert login(other_secretary).post(_url("checkin.walkin", session), {}).status_code == 403


def test_checkin_search_htmx_returns_filtered_list(world, login):
    session = _session(world)
    add_participants(world, session, 12)
    client = login(world.users["secretary"])

    response = client.get(_url("checkin", session), {"q": "hương 1"}, headers={"HX-Request": "true"})

    assert [template.name for template in response.templates] == ["notifications/_checkin_people.html"]
    assert [person.full_name for person in response.context["people"]] == [
        "Trần Thị Hương 1",
        "Trần Thị Hương 10",
        "Trần Thị Hương 11",
        "Trần Thị Hương 12",
    ]


@pytest.mark.postgresql  # the Vietnamese order is PostgreSQL's ICU collation
def test_checkin_search_finds_names_typed_without_accents(world, login):
    session = _session(world)
    add_participants(world, session, 2)
    Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Đặng Văn Hưởng",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    client = login(world.users["secretary"])

    def names(query):
        response = client.get(_url("checkin", session), {"q": query}, headers={"HX-Request": "true"})
        return [person.full_name for person in response.context["people"]]

    # Vietnamese order: Đ after D, before T.
    assert names("huong") == ["Đặng Văn Hưởng", "Trần Thị Hương 1", "Trần Thị Hương 2"]
    assert names("DANG VAN") == ["Đặng Văn Hưởng"]
    assert names("dặng văn huong") == ["Đặng Văn Hưởng"]
    # Typed with the exact accents, the exact spelling comes before the accent-less matches.
    assert names("Hưởng") == ["Đặng Văn Hưởng", "Trần Thị Hương 1", "Trần Thị Hương 2"]
    assert names("thi   hương 2") == ["Trần Thị Hương 2"]
    assert names("nguyen") == []


def test_participant_name_key_kept_by_save_and_bulk_create(world):
    session = _session(world)
    bulk = add_participants(world, session, 1)[0]
    bulk.refresh_from_db()
    assert bulk.name_key == "tran thi huong 1"
    bulk.full_name = "Lê Thị Ánh"
    bulk.save(update_fields=["full_name"])
    bulk.refresh_from_db()
    assert bulk.name_key == "le thi anh"


def test_checkin_page_queries_constant_1_vs_50_participants(world, login):
    client = login(world.users["secretary"])
    counts = []
    for number in (1, 50):
        session = _session(world)
        people = add_participants(world, session, number)
        add_participants(world, session, number, commune=world.other_commune, start=100)
        for person in people[::2]:
            client.post(_url("checkin.mark", session), {"participant": person.pk})
        client.post(
            _url("checkin.walkin", session), {"full_name": "Võ Văn Ba", "commune": world.other_commune.pk}
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("checkin", session))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_checkin_attendance_per_commune_against_quota(world, login):
    session = _session(world)
    people = add_participants(world, session, 4)
    client = login(world.users["secretary"])
    for person in people[:3]:
        client.post(_url("checkin.mark", session), {"participant": person.pk})
    client.post(_url("checkin.walkin", session), {"full_name": "Võ Văn Ba", "commune": world.commune.pk})
    client.post(
        _url("checkin.walkin", session), {"full_name": "Đặng Thị Cúc", "commune": world.other_commune.pk}
    )

    response = client.get(_url("checkin", session))

    rows = [
        (row.commune.code, row.quota, row.registered, row.attended, row.walk_ins, row.percent)
        for row in response.context["attendance"]
    ]
    assert rows == [("52-550-03", 30, 4, 4, 1, 13), ("52-550-08", None, 0, 1, 1, None)]
