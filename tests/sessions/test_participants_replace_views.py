"""The replace flow in the browser's requests: the preview lists the people to remove and what
they already have, the confirmation refuses until its box is ticked, and printing letters is what
makes a person "invited"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import UploadReceipt
from notifications import jobs
from notifications.models import Attendance, BatchJob, JobKind
from sessions.models import Participant
from sessions.participants.services import import_participants

from .participant_data import check_in, people, person, xlsx_bytes
from .test_views import list_url, published_session, upload

CONFIRM_LABEL = (
    "Tôi xác nhận bỏ 1 người đã được mời hoặc đã điểm danh nêu trên khỏi danh sách: giấy mời của họ "
    "không còn giá trị và lượt điểm danh của họ (nếu có) bị xóa."
)


@pytest.fixture
def session(world):
    return published_session(world)


@pytest.fixture
def official(world, login):
    return login(world.users["commune_official"])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed_with_check_in(world, session, count):
    import_participants(
        session=session,
        commune=world.commune,
        filename="a.xlsx",
        content=xlsx_bytes(people(count)),
        user=None,
    )
    checked = Participant.objects.get(session=session, national_id=f"052085{count:06d}")
    check_in(session=session, participant=checked, user=world.users["secretary"])
    return checked


def test_replace_preview_lists_people_to_remove_and_asks_to_confirm_those_checked_in(
    world, official, session
):
    checked = listed_with_check_in(world, session, 3)

    response = upload(official, session, world.commune.code, xlsx_bytes([person(1), person(4)]), replace=True)

    html = response.content.decode()
    assert response.context["token"] != ""
    assert (
        "Danh sách sau khi thay thế: giữ <strong>1</strong> người đã có (giữ nguyên giấy mời, mã QR và điểm "
        "danh; thông tin sửa theo tệp), thêm <strong>1</strong> người mới, bỏ <strong>2</strong> người "
        "không còn trong tệp."
    ) in html
    assert [(r.full_name, r.history) for r in response.context["removal_rows"]] == [
        ("Nguyễn Văn An 3", (False, False, True)),
        ("Nguyễn Văn An 2", (False, False, False)),
    ]
    assert f'<tr data-participant="{checked.pk}" class="table-warning" data-history="1">' in html
    assert response.context["confirm_removal_ids"] == str(checked.pk)
    assert f'name="confirm_removal" value="{checked.pk}" id="confirm-removal"' in html
    assert CONFIRM_LABEL in html


def test_replace_confirm_without_the_box_saves_nothing_and_asks_again(world, official, session):
    checked = listed_with_check_in(world, session, 3)
    token = upload(official, session, world.commune.code, xlsx_bytes([person(1)]), replace=True).context[
        "token"
    ]
    url = list_url("participants.confirm", session, world.commune.code)

    response = official.post(url, {"token": token})

    assert response.status_code == 200
    assert response.context["token"] == token
    assert response.context["report"].removal_refused.startswith(
        "Danh sách mới bỏ 1 người đã được mời hoặc đã điểm danh (Nguyễn Văn An 3); chưa lưu gì."
    )
    assert 'id="removal-refused"' in response.content.decode()
    # The first list's receipt only: the refused confirmation left none, so its token still works.
    assert (Participant.objects.count(), Attendance.objects.count(), UploadReceipt.objects.count()) == (
        3,
        1,
        1,
    )

    # A forged confirmation that names someone else does not cover the checked-in person.
    refused = official.post(url, {"token": token, "confirm_removal": f"{checked.pk + 1000},x"})
    assert refused.context["report"].committed is False

    done = official.post(url, {"token": token, "confirm_removal": str(checked.pk)}, follow=True)

    assert done.redirect_chain == [(list_url("participants.list", session, world.commune.code), 302)]
    assert messages_of(done) == [
        "Đã cập nhật danh sách xã Phước Hòa theo tệp: giữ 1 người đã có (giấy mời và điểm danh của họ vẫn "
        "giữ nguyên), thêm 0 người mới, bỏ 2 người."
    ]
    assert list(Participant.objects.values_list("national_id", flat=True)) == ["052085000001"]

    again = official.post(url, {"token": token, "confirm_removal": str(checked.pk)}, follow=True)
    assert again.redirect_chain == [(list_url("participants.list", session, world.commune.code), 302)]
    assert Participant.objects.count() == 1


def test_replace_without_anyone_invited_to_remove_has_no_confirmation_box(world, official, session):
    listed_with_check_in(world, session, 2)

    response = upload(official, session, world.commune.code, xlsx_bytes(people(3)), replace=True)

    assert response.context["confirm_removal_ids"] == ""
    assert 'id="confirm-removal"' not in response.content.decode()
    assert 'id="removals"' not in response.content.decode()


def test_printing_a_communes_letters_marks_them_invited(world, official, session):
    import_participants(
        session=session, commune=world.commune, filename="a.xlsx", content=xlsx_bytes(people(2)), user=None
    )
    url = reverse("notifications:invitations.pdf", args=[session.pk]) + f"?commune={world.commune.code}"

    assert official.get(url).status_code == 200

    assert Participant.objects.filter(letter_printed_at__isnull=True).count() == 0


def test_a_letters_job_marks_its_people_invited(world, session):
    import_participants(
        session=session, commune=world.commune, filename="a.xlsx", content=xlsx_bytes(people(2)), user=None
    )
    job = BatchJob.objects.create(kind=JobKind.LETTERS, session=session, total=2)

    jobs.build_letters(job_id=job.pk)

    assert Participant.objects.filter(letter_printed_at__isnull=False).count() == 2
