"""List replacement, for random old lists, histories and new files (hypothesis): nobody invited
or checked in disappears without the confirmation, and people the new file names as they were
keep their row, hence the code printed on their letter."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import PlaceKind
from notifications.forms import ScanForm
from notifications.models import Attendance
from notifications.services.checkin import checkin_token
from notifications.services.invitations import queue_invitations
from sessions.models import Participant
from sessions.participants.history import mark_letters_printed
from sessions.participants.services import import_participants, preview_participants

from ..factories import PlaceFactory
from .participant_data import HEADER, check_in, csv_text, make_session

NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
HAMLETS = ("Lộc Thượng", "Mỹ Cang")
CCCDS = ("052085000001", "052085000002", "052085000003", "052085000004")

people = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from((None, 1960, 1985)),
    st.sampled_from(HAMLETS),
    st.one_of(st.none(), st.sampled_from(CCCDS)),
)
# What happened to each old person: (letter printed, e-mailed, checked in).
histories = st.tuples(st.booleans(), st.booleans(), st.booleans())


def content(rows) -> bytes:
    cells = [
        [number, name, year, hamlet, "Hộ nghèo", "", cccd, ""]
        for number, (name, year, hamlet, cccd) in enumerate(rows, start=1)
    ]
    return csv_text(cells, header=HEADER).encode()


def replace(world, session, rows, confirmed=()):
    return import_participants(
        session=session,
        commune=world.commune,
        filename="ds.csv",
        content=content(rows),
        user=None,
        replace=True,
        confirmed_removals=confirmed,
    )


def state(session):
    """Everyone listed with every detail, and who is checked in."""
    listed = {
        p.pk: (p.full_name, p.birth_year, p.hamlet_id, p.national_id, p.category_id, p.row_number)
        for p in Participant.objects.filter(session=session)
    }
    return listed, set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))


def token_finds(session, pk) -> bool:
    form = ScanForm({"token": checkin_token(session_id=session.pk, participant_id=pk)}, session=session)
    return form.is_valid() and form.participant.pk == pk


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    old=st.lists(people, max_size=6),
    happened=st.lists(histories, min_size=6, max_size=6),
    new=st.lists(people, min_size=1, max_size=6),
)
def test_replace_never_drops_invited_people_silently_and_keeps_tokens(world, old, happened, new):
    with transaction.atomic():
        check_replacement(world, old, happened, new)
        transaction.set_rollback(True)


def check_replacement(world, old, happened, new):
    session = make_session(world, quota=50)
    PlaceFactory(code="52-550-03-02", kind=PlaceKind.THON, name="Mỹ Cang", parent=world.commune)
    import_participants(
        session=session, commune=world.commune, filename="cu.csv", content=content(old), user=None
    )
    participants = list(Participant.objects.filter(session=session).order_by("row_number"))
    invited = set()
    for participant, (letter, email, checked_in) in zip(participants, happened, strict=False):
        if letter:
            mark_letters_printed(session_id=session.pk, participant_ids=[participant.pk])
        if email:
            Participant.objects.filter(pk=participant.pk).update(email=f"p{participant.pk}@example.vn")
        if checked_in:
            check_in(session=session, participant=participant, user=None)
        if letter or email or checked_in:
            invited.add(participant.pk)
    queue_invitations(session_id=session.pk)
    before, checked_in = state(session)
    old_keys = {pk: (name, year, hamlet, cccd) for pk, (name, year, hamlet, cccd, *_rest) in before.items()}

    report = replace(world, session, new)

    after, still_checked_in = state(session)
    if report.committed:
        # Nobody with a history is gone, nor their check-in.
        assert invited <= set(after)
        assert still_checked_in == checked_in
        # Each row that is someone listed updated that person's row, whose letter code still works.
        for row in report.rows:
            if row.match is not None:
                assert row.match in before
                assert after[row.match][:4] == (row.full_name, row.birth_year, row.hamlet.pk, row.national_id)
        # An old person the file names with every detail as listed is such a row.
        saved = set(saved_rows_of(report))
        for pk, details in old_keys.items():
            if details in saved:
                assert pk in after
    else:
        # Refused as a whole: nothing half-saved. Only the confirmation was missing (the file is valid).
        assert (after, still_checked_in) == (before, checked_in)
        assert report.removal_refused or not report.can_commit
    for pk in set(before) & set(after):
        assert token_finds(session, pk)

    # With the confirmation of the people the preview lists, the list becomes the file.
    preview = preview_participants(
        session=session, commune=world.commune, filename="ds.csv", content=content(new), replace=True
    )
    confirmed = [removal.pk for removal in preview.removals_to_confirm]
    final = replace(world, session, new, confirmed=confirmed)
    if not preview.can_commit:
        return
    assert final.committed is True
    listed, _ = state(session)
    assert sorted(
        (name, year or 0, hamlet, cccd) for name, year, hamlet, cccd, *_rest in listed.values()
    ) == sorted((name, year or 0, hamlet, cccd) for name, year, hamlet, cccd in saved_rows_of(final))
    # Whoever stayed from the old list stayed with their row: the old letter's code still finds them.
    for pk in set(before) & set(listed):
        assert token_finds(session, pk)


def saved_rows_of(report):
    return [
        (row.full_name, row.birth_year, row.hamlet.pk, row.national_id)
        for row in report.rows
        if row.will_be_saved
    ]
