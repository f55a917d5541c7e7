"""Replacing a commune's list is a merge: the people already listed keep their row (the code on
their letter, their check-in, their e-mails); people invited or checked in are removed only with
a confirmation naming them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import UploadReceipt
from core.uploads import UploadAlreadyImported
from notifications.forms import ScanForm
from notifications.models import Attendance, OutboxMessage
from notifications.services.checkin import checkin_token
from notifications.services.invitations import queue_invitations
from sessions.models import Participant
from sessions.participants.history import mark_letters_printed
from sessions.participants.services import import_participants, preview_participants
from sessions.participants.workbook import export_participants_xlsx

from .participant_data import check_in, make_session, people, person, xlsx_bytes


def run(world, session, rows=None, *, content=None, replace=True, confirmed=(), token=None):
    return import_participants(
        session=session,
        commune=world.commune,
        filename="danh-sach.xlsx",
        content=content if content is not None else xlsx_bytes(rows),
        user=world.users["commune_official"],
        replace=replace,
        confirmed_removals=confirmed,
        token=token,
    )


def preview(world, session, rows):
    return preview_participants(
        session=session,
        commune=world.commune,
        filename="danh-sach.xlsx",
        content=xlsx_bytes(rows),
        replace=True,
    )


def listed(session):
    return {p.national_id: p.pk for p in Participant.objects.filter(session=session)}


def token_reads_back(session, token) -> Participant | None:
    form = ScanForm({"token": token}, session=session)
    return form.participant if form.is_valid() else None


def with_emails(rows):
    return [person(n, **{"Email": f"nguoi{n}@example.vn"}) for n in range(1, len(rows) + 1)]


def test_replace_with_exported_list_after_check_in_keeps_check_ins_tokens_and_emails(world):
    session = make_session(world)
    run(world, session, with_emails(people(5)), replace=False)
    queue_invitations(session_id=session.pk)
    mark_letters_printed(session_id=session.pk, commune_id=world.commune.pk)
    for participant in Participant.objects.filter(session=session):
        check_in(session=session, participant=participant, user=world.users["secretary"])
    before = listed(session)
    tokens = {pk: checkin_token(session_id=session.pk, participant_id=pk) for pk in before.values()}
    outbox = dict(OutboxMessage.objects.values_list("pk", "participant_id"))
    exported = export_participants_xlsx(session=session, commune=world.commune)

    report = run(world, session, content=exported)

    assert report.committed is True
    assert (report.kept, report.added, report.removed, report.removals) == (5, 0, 0, [])
    assert report.summary == "Tổng 5 dòng — mới: 0, đã có: 5, trùng: 0, cảnh báo: 0, lỗi: 0."
    assert Attendance.objects.filter(session=session).count() == 5
    assert listed(session) == before
    assert {pk: token_reads_back(session, token).pk for pk, token in tokens.items()} == {
        pk: pk for pk in before.values()
    }
    assert dict(OutboxMessage.objects.values_list("pk", "participant_id")) == outbox
    assert len(outbox) == 5


def test_replace_updates_the_details_of_kept_people(world):
    session = make_session(world)
    run(world, session, people(2), replace=False)
    before = listed(session)
    rows = [
        person(1, **{"Số điện thoại": "0987 654 321", "Email": "an@example.vn", "STT": 7}),
        person(2, **{"Họ và tên": "Nguyễn Văn Bảo", "Năm sinh": 1990}),
    ]

    report = run(world, session, rows)

    assert listed(session) == before
    first, second = Participant.objects.filter(session=session).order_by("row_number")
    assert (first.phone, first.email, first.row_number) == ("0987654321", "an@example.vn", 2)
    assert (second.full_name, second.name_key, second.birth_year) == (
        "Nguyễn Văn Bảo",
        "nguyen van bao",
        1990,
    )
    # Found by the CCCD under another name: kept, and the preview says whose row it takes over.
    assert report.rows[1].warnings == [
        "Dòng 3, cột «Số CCCD»: «052085000002» là CCCD của «Nguyễn Văn An 2», sinh năm 1985 trong danh "
        "sách hiện có: coi là cùng một người (giữ giấy mời và điểm danh) và sửa họ tên, năm sinh theo tệp."
    ]


def test_replace_finds_people_without_cccd_by_name_birth_year_and_hamlet(world):
    session = make_session(world)
    rows = [person(1, **{"Số CCCD": None}), person(2, **{"Số CCCD": None, "Năm sinh": None})]
    run(world, session, rows, replace=False)
    before = set(Participant.objects.values_list("pk", flat=True))
    new_rows = [
        # The same name typed without accents and in capitals, the CCCD now known.
        person(1, **{"Họ và tên": "NGUYEN VAN  AN"}),
        # The birth year added.
        person(2, **{"Số CCCD": None, "Năm sinh": 1970}),
        # Another birth year: another person.
        person(1, **{"Số CCCD": None, "Năm sinh": 1950}),
    ]

    report = run(world, session, new_rows)

    assert (report.kept, report.added, report.removed) == (2, 1, 0)
    assert [row.match is not None for row in report.rows] == [True, True, False]
    kept = Participant.objects.filter(pk__in=before).order_by("row_number")
    assert len(kept) == 2
    assert [(p.full_name, p.birth_year, p.national_id) for p in kept] == [
        ("NGUYEN VAN AN", 1985, "052085000001"),
        ("Nguyễn Văn An 2", 1970, ""),
    ]


def test_replace_removes_people_without_history_without_asking(world):
    session = make_session(world)
    run(world, session, people(3), replace=False)

    report = run(world, session, [person(1), person(4)])

    assert report.committed is True
    assert [(removal.full_name, removal.history) for removal in report.removals] == [
        ("Nguyễn Văn An 2", (False, False, False)),
        ("Nguyễn Văn An 3", (False, False, False)),
    ]
    assert sorted(listed(session)) == ["052085000001", "052085000004"]


def test_preview_lists_the_people_to_remove_with_what_they_already_have(world):
    session = make_session(world)
    run(world, session, with_emails(people(4)), replace=False)
    ids = listed(session)
    mark_letters_printed(session_id=session.pk, participant_ids=[ids["052085000002"]])
    Participant.objects.filter(pk=ids["052085000003"]).update(email="")
    Participant.objects.filter(pk=ids["052085000004"]).update(email="")
    queue_invitations(session_id=session.pk)  # only the first two have an address now
    check_in(session=session, participant=Participant.objects.get(pk=ids["052085000003"]), user=None)

    report = preview(world, session, [person(1)])

    assert report.history_labels == ["Đã in giấy mời", "Đã gửi thư điện tử", "Đã điểm danh"]
    assert [(removal.pk, removal.history) for removal in report.removals] == [
        (ids["052085000002"], (True, True, False)),
        (ids["052085000003"], (False, False, True)),
        (ids["052085000004"], (False, False, False)),
    ]
    assert [removal.pk for removal in report.removals_to_confirm] == [
        ids["052085000002"],
        ids["052085000003"],
    ]
    assert report.can_commit is True


def test_replace_refuses_to_remove_checked_in_person_without_confirmation(world):
    session = make_session(world)
    run(world, session, people(3), replace=False)
    ids = listed(session)
    gone = Participant.objects.get(pk=ids["052085000003"])
    check_in(session=session, participant=gone, user=None)

    report = run(world, session, [person(1), person(4)], token="tok-1")

    assert report.committed is False
    assert report.removal_refused == (
        "Danh sách mới bỏ 1 người đã được mời hoặc đã điểm danh (Nguyễn Văn An 3); chưa lưu gì. Nếu đúng "
        "là họ không dự nữa, hãy đánh dấu ô xác nhận bên dưới (giấy mời của họ không còn giá trị); nếu "
        "không, hãy thêm họ vào tệp rồi tải lên lại."
    )
    # Nothing half-saved: the list, the check-in and the token are as they were.
    assert listed(session) == ids
    assert Attendance.objects.filter(participant=gone).count() == 1
    assert UploadReceipt.objects.count() == 1

    confirmed = run(world, session, [person(1), person(4)], token="tok-1", confirmed=[gone.pk])

    assert (confirmed.committed, confirmed.kept, confirmed.added, confirmed.removed) == (True, 1, 1, 2)
    assert sorted(listed(session)) == ["052085000001", "052085000004"]
    assert Attendance.objects.filter(session=session).count() == 0
    assert token_reads_back(session, checkin_token(session_id=session.pk, participant_id=gone.pk)) is None


def test_replace_refuses_to_remove_invited_people_until_each_is_confirmed(world):
    session = make_session(world)
    run(world, session, with_emails(people(3)), replace=False)
    ids = listed(session)
    mark_letters_printed(session_id=session.pk, participant_ids=[ids["052085000002"]])
    Participant.objects.filter(pk=ids["052085000002"]).update(email="")
    queue_invitations(session_id=session.pk)

    # Confirming the letter of one is not confirming the e-mail of the other.
    partly = run(world, session, [person(1)], confirmed=[ids["052085000002"]])
    assert partly.committed is False
    assert "(Nguyễn Văn An 3)" in partly.removal_refused
    assert len(listed(session)) == 3

    report = run(world, session, [person(1)], confirmed=[ids["052085000002"], ids["052085000003"]])

    assert report.committed is True
    assert list(listed(session)) == ["052085000001"]
    # The e-mail stays in the outbox, without its participant.
    assert list(OutboxMessage.objects.order_by("to_email").values_list("to_email", "participant_id")) == [
        ("nguoi1@example.vn", ids["052085000001"]),
        ("nguoi3@example.vn", None),
    ]


def test_replace_posted_twice_with_one_token_imports_once(world):
    session = make_session(world)
    run(world, session, people(2), replace=False)

    first = run(world, session, [person(1), person(3)], token="tok-2")

    with pytest.raises(UploadAlreadyImported):
        run(world, session, [person(1), person(3)], token="tok-2")
    assert (first.committed, sorted(listed(session))) == (True, ["052085000001", "052085000003"])


@pytest.mark.postgresql
def test_replace_query_count_same_for_10_and_200_rows(world):
    small_session = make_session(world, quota=500)
    large_session = make_session(world, quota=500, plan=small_session.plan)
    run(world, small_session, people(10), replace=False)
    run(
        world,
        large_session,
        [person(n, **{"Họ và tên": f"Trần Thị {n}"}) for n in range(11, 211)],
        replace=False,
    )
    for session in (small_session, large_session):
        for participant in Participant.objects.filter(session=session)[5:8]:
            check_in(session=session, participant=participant, user=None)
    # Every kept person changes (phone), two are removed (without history), two are added.
    small = [person(n, **{"Số điện thoại": "0987 654 321"}) for n in [*range(3, 11), 401, 402]]
    large = [
        person(n, **{"Họ và tên": f"Trần Thị {n}", "Số điện thoại": "0987 654 321"})
        for n in [*range(13, 211), 403, 404]
    ]

    with CaptureQueriesContext(connection) as small_queries:
        small_report = run(world, small_session, small)
    with CaptureQueriesContext(connection) as large_queries:
        large_report = run(world, large_session, large)

    assert (small_report.kept, small_report.added, small_report.removed) == (8, 2, 2)
    assert (large_report.kept, large_report.added, large_report.removed) == (198, 2, 2)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)
