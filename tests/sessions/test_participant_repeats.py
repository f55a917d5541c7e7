"""A participant list confirmed once: two clicks on «Xác nhận nhập» with one token import it once,
and the same file uploaded again is recognised and its people shown as already listed."""

import pytest
from django.utils import timezone

from core.models import UploadReceipt
from sessions.models import Participant, Quota
from sessions.participants.services import import_participants, preview_participants

from ..concurrent import messages_after, post_together, restore_migration_data, twin_of
from .participant_data import person, xlsx_bytes
from .test_views import list_url, published_session, upload


def keyless(count: int) -> list[list]:
    """People without birth year or CCCD: nothing but the file tells two uploads of them apart."""
    return [person(n, **{"Năm sinh": None, "Số CCCD": None}) for n in range(1, count + 1)]


def imported_when(receipt: UploadReceipt) -> str:
    return timezone.localtime(receipt.imported_at).strftime("%H:%M ngày %d/%m/%Y")


def already_imported(receipt: UploadReceipt) -> str:
    return f"Tệp này đã được nhập lúc {imported_when(receipt)} bởi Nguyễn Văn An; không nhập lại."


def names(session) -> list[str]:
    return sorted(Participant.objects.filter(session=session).values_list("full_name", flat=True))


# ---------------------------------------------------------------- one token, two clicks


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_with_one_token_import_the_list_once(world, client):
    restore_migration_data()
    session = published_session(world)
    client.force_login(world.users["commune_official"])
    token = upload(client, session, world.commune.code, xlsx_bytes(keyless(3))).context["token"]
    url = list_url("participants.confirm", session, world.commune.code)

    clients = [client, twin_of(client)]
    responses = post_together(clients, url, {"token": token})

    assert names(session) == ["Nguyễn Văn An", "Nguyễn Văn An 2", "Nguyễn Văn An 3"]
    receipt = UploadReceipt.objects.get()
    assert (receipt.token, receipt.kind, receipt.filename) == (token, "participants", "danh-sach.xlsx")
    assert [(r.status_code, r.url) for r in responses] == [
        (302, list_url("participants.list", session, world.commune.code))
    ] * 2
    messages = [messages_after(c, r) for c, r in zip(clients, responses, strict=True)]
    assert sorted(messages) == sorted(
        [["Đã nhập 3 người vào danh sách xã Phước Hòa."], [already_imported(receipt)]]
    )


def test_confirm_again_after_import_says_when_and_by_whom(world, official, session):
    token = upload(official, session, world.commune.code, xlsx_bytes(keyless(2))).context["token"]
    url = list_url("participants.confirm", session, world.commune.code)
    official.post(url, {"token": token}, follow=True)
    receipt = UploadReceipt.objects.get()

    response = official.post(url, {"token": token}, follow=True)

    assert response.redirect_chain == [(list_url("participants.list", session, world.commune.code), 302)]
    assert [str(m) for m in response.context["messages"]] == [already_imported(receipt)]
    assert Participant.objects.count() == 2


def test_confirm_that_fails_leaves_the_token_usable(world, official, session):
    token = upload(official, session, world.commune.code, xlsx_bytes(keyless(2))).context["token"]
    url = list_url("participants.confirm", session, world.commune.code)
    Quota.objects.filter(session=session).update(count=1)

    response = official.post(url, {"token": token})

    assert (response.status_code, response.context["report"].committed) == (200, False)
    assert UploadReceipt.objects.count() == 0
    Quota.objects.filter(session=session).update(count=10)
    response = official.post(url, {"token": token})
    assert response.status_code == 302
    assert Participant.objects.count() == 2


# ---------------------------------------------------------------- the same file again


def test_same_file_uploaded_again_is_flagged_and_its_rows_are_duplicates(world, official, session):
    content = xlsx_bytes(keyless(2))
    token = upload(official, session, world.commune.code, content).context["token"]
    official.post(list_url("participants.confirm", session, world.commune.code), {"token": token})
    receipt = UploadReceipt.objects.get()

    response = upload(official, session, world.commune.code, content, filename="gui-lai.xlsx")

    report = response.context["report"]
    flagged = f"Tệp này đã được nhập lúc {imported_when(receipt)} bởi Nguyễn Văn An (tệp «danh-sach.xlsx»)."
    assert report.notices == [flagged]
    assert [(row.status, row.duplicates) for row in report.rows] == [
        (
            "duplicate",
            [
                "Dòng 2, cột «Họ và tên»: «Nguyễn Văn An», thôn Lộc Thượng đã có trong danh sách phiên này (đã nhập từ chính tệp này)."
            ],
        ),
        (
            "duplicate",
            [
                "Dòng 3, cột «Họ và tên»: «Nguyễn Văn An 2», thôn Lộc Thượng đã có trong danh sách phiên này (đã nhập từ chính tệp này)."
            ],
        ),
    ]
    assert (report.can_commit, response.context["token"]) == (False, "")
    assert flagged in response.content.decode()
    assert Participant.objects.count() == 2


def test_same_file_again_after_a_person_was_removed_brings_only_that_person_back(world, session):
    content = xlsx_bytes(keyless(3))
    user = world.users["commune_official"]
    import_participants(session=session, commune=world.commune, filename="a.xlsx", content=content, user=user)
    Participant.objects.filter(full_name="Nguyễn Văn An 2").delete()

    report = import_participants(
        session=session, commune=world.commune, filename="a.xlsx", content=content, user=user
    )

    assert [row.status for row in report.rows] == ["duplicate", "new", "duplicate"]
    assert (report.committed, report.saved) == (True, 1)
    assert names(session) == ["Nguyễn Văn An", "Nguyễn Văn An 2", "Nguyễn Văn An 3"]


def test_two_previews_of_one_file_confirmed_one_after_the_other_import_it_once(world, official, session):
    content = xlsx_bytes(keyless(2))
    first = upload(official, session, world.commune.code, content).context["token"]
    second = upload(official, session, world.commune.code, content).context["token"]
    url = list_url("participants.confirm", session, world.commune.code)
    official.post(url, {"token": first})

    response = official.post(url, {"token": second})

    assert response.status_code == 200
    assert [row.status for row in response.context["report"].rows] == ["duplicate", "duplicate"]
    assert (response.context["report"].committed, Participant.objects.count()) == (False, 2)


def test_same_file_again_replacing_the_list_is_flagged_and_replaces(world, session):
    content = xlsx_bytes(keyless(2))
    user = world.users["commune_official"]
    import_participants(session=session, commune=world.commune, filename="a.xlsx", content=content, user=user)

    report = import_participants(
        session=session, commune=world.commune, filename="a.xlsx", content=content, user=user, replace=True
    )

    assert len(report.notices) == 1
    assert [row.status for row in report.rows] == ["new", "new"]
    assert (report.committed, report.removed, report.kept, report.saved) == (True, 0, 2, 2)
    assert UploadReceipt.objects.count() == 2


def test_same_file_for_another_session_is_not_a_repeat(world, session):
    content = xlsx_bytes(keyless(2))
    user = world.users["commune_official"]
    import_participants(session=session, commune=world.commune, filename="a.xlsx", content=content, user=user)
    other = published_session(world, plan=session.plan, venue="Nhà văn hóa thôn Lộc Thượng")

    report = preview_participants(session=other, commune=world.commune, filename="a.xlsx", content=content)

    assert (report.notices, [row.status for row in report.rows]) == ([], ["new", "new"])


@pytest.fixture
def session(world):
    return published_session(world)


@pytest.fixture
def official(world, login):
    return login(world.users["commune_official"])
