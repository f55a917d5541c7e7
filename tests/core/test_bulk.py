"""core.bulk.copy_insert writes what bulk_create would: every field, the automatic dates, text
with tabs, line breaks and backslashes as typed, NULLs; one logged statement however many rows."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.bulk import can_copy, copy_insert
from sessions.models import Participant

from ..factories import ParticipantFactory, SessionFactory, category

pytestmark = pytest.mark.postgresql


def people(session, count, **fields):
    return [
        ParticipantFactory.build(session=session, category=category(), row_number=number, **fields)
        for number in range(1, count + 1)
    ]


def columns(participant):
    return {
        field.attname: getattr(participant, field.attname)
        for field in Participant._meta.concrete_fields
        if field.attname not in ("id", "created_at")
    }


@pytest.mark.django_db
def test_copy_insert_writes_what_bulk_create_writes():
    assert can_copy(Participant)
    copied, created = SessionFactory(), SessionFactory()
    odd = {"full_name": "Lê Thị\tHoa \\ Nhung\nB", "email": "", "phone": "0905123456", "birth_year": None}
    for person in (rows := people(copied, 3, **odd)):
        person.fill_name_key()
    copy_insert(Participant, rows)
    Participant.objects.bulk_create(people(created, 3, **odd))

    copied_rows = list(Participant.objects.filter(session=copied).order_by("row_number"))
    created_rows = list(Participant.objects.filter(session=created).order_by("row_number"))
    assert len(copied_rows) == 3
    for mine, theirs in zip(copied_rows, created_rows, strict=True):
        assert {**columns(mine), "session_id": None, "commune_id": None} == {
            **columns(theirs),
            "session_id": None,
            "commune_id": None,
        }
        assert mine.full_name == "Lê Thị\tHoa \\ Nhung\nB" and mine.birth_year is None
        assert mine.created_at is not None


@pytest.mark.django_db
def test_copy_insert_is_one_logged_statement_and_refuses_what_the_database_refuses():
    session = SessionFactory()
    rows = people(session, 50)
    with CaptureQueriesContext(connection) as queries:
        copy_insert(Participant, rows)
    [query] = [query["sql"] for query in queries.captured_queries]
    assert query.startswith(f'COPY "{Participant._meta.db_table}" ("session_id", "commune_id", "hamlet_id",')
    assert query.endswith('"created_at") FROM STDIN')
    twins = people(session, 2, national_id="052075000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_insert(Participant, twins)
    assert Participant.objects.filter(session=session).count() == 50
