"""The check-in list and the letters to hand out (issue 14, point 9): every person of a long list reachable page by page,
in Vietnamese name order, with a constant number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.collation import sort_key
from notifications.models import Attendance
from notifications.selectors import CHECKIN_PAGE_SIZE, checkin_people, letters_to_hand_out
from sessions.models import Participant, ParticipantCategory

from .conftest import make_session

FAMILY = ["Lý", "Lương", "Nguyễn", "Ngô", "Đặng", "Dương", "Ưng", "Uông", "Âu", "An", "Trần", "Võ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc"]


def _eighty_five(world, session):
    category = ParticipantCategory.objects.get(code="ho-ngheo")
    names = [f"{FAMILY[n % len(FAMILY)]} {MIDDLE[n % len(MIDDLE)]} Số {n:02d}" for n in range(85)]
    Participant.objects.bulk_create(
        Participant(
            session=session,
            commune=world.commune,
            hamlet=world.hamlet,
            full_name=name,
            category=category,
            row_number=number + 2,
        )
        for number, name in enumerate(names)
    )
    return sorted(names, key=sort_key)


def _page(client, session, **params):
    return client.get(
        reverse("notifications:checkin", args=[session.pk]), params, headers={"HX-Request": "true"}
    )


def test_all_85_people_are_on_two_pages_in_vietnamese_order(world, login):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    names = _eighty_five(world, session)
    client = login(world.users["secretary"])

    first = _page(client, session)
    second = _page(client, session, page=2)

    shown = [p.full_name for p in first.context["people"]] + [p.full_name for p in second.context["people"]]
    assert len(first.context["people"]) == CHECKIN_PAGE_SIZE == 50
    assert shown == names  # nobody left out, nobody twice
    families = [name.split()[0] for name in shown]
    assert families.index("Lý") == len(families) - families[::-1].index("Lương")  # every Lương, then Lý
    assert families.index("Nguyễn") == len(families) - families[::-1].index("Ngô")
    page = first.content.decode()
    assert "85 người trong danh sách, xếp theo họ tên · trang 1/2 (người 1–50)." in page
    assert 'id="checkin-pages"' in page
    assert "page=2" in page


@pytest.mark.postgresql  # the database's order is compared with Python's: ICU on PostgreSQL
def test_checkin_order_is_the_databases_vietnamese_collation(world):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    names = _eighty_five(world, session)

    page = checkin_people(session, "", 1)
    rest = checkin_people(session, "", 2)

    assert [p.full_name for p in page] + [p.full_name for p in rest] == names


def test_searching_pages_the_matches_too(world, login):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    _eighty_five(world, session)
    client = login(world.users["secretary"])

    response = _page(client, session, q="so")

    assert response.context["people"].paginator.count == 85
    assert "85 người có tên «so» · trang 1/2" in response.content.decode()
    assert "q=so&amp;page=2" in response.content.decode()


def test_check_in_from_page_two_comes_back_to_page_two(world, login):
    # Check-in opens on the session's day.
    session = make_session(world, date=timezone.localdate(), secretary=world.users["secretary"], quota=100)
    names = _eighty_five(world, session)
    person = Participant.objects.get(full_name=names[-1])
    client = login(world.users["secretary"])

    response = client.post(
        reverse("notifications:checkin.mark", args=[session.pk]), {"participant": person.pk, "page": "2"}
    )

    assert Attendance.objects.filter(participant=person).exists()
    assert response["Location"] == reverse("notifications:checkin", args=[session.pk]) + "?page=2"


def test_checkin_pages_take_the_same_queries_whatever_the_page(world, login):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    _eighty_five(world, session)
    client = login(world.users["secretary"])
    counts = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("notifications:checkin", args=[session.pk]), {"page": page})
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.postgresql  # commune and name order through the database's collation
def test_letters_to_hand_out_are_listed_by_name_not_by_upload(world):
    session = make_session(world, secretary=world.users["secretary"], quota=100)
    names = _eighty_five(world, session)

    groups = letters_to_hand_out(session)

    assert [group.commune for group in groups] == [world.commune]
    assert [person.full_name for person in groups[0].participants] == names
