"""A question list confirmed once: two clicks on «Xác nhận nhập» with one token import it once; a
question already in the session (same text, hamlet and asker) or twice in a file is a duplicate,
and the same file uploaded again is recognised."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import UploadReceipt
from feedback.models import Channel, Question
from feedback.services.upload import import_questions, preview_questions

from ..concurrent import messages_after, post_together, restore_migration_data, twin_of
from .feedback_data import make_session, row, topic, xlsx_bytes


def imported_when(receipt: UploadReceipt) -> str:
    return timezone.localtime(receipt.imported_at).strftime("%H:%M ngày %d/%m/%Y")


def upload(client, session, content, *, filename="cau-hoi.xlsx"):
    file = SimpleUploadedFile(filename, content)
    return client.post(reverse("feedback:question.upload", args=[session.pk]), {"file": file})


def run_import(world, session, content, *, filename="cau-hoi.xlsx"):
    return import_questions(
        user=world.users["commune_official"],
        session=session,
        commune=world.commune,
        filename=filename,
        content=content,
    )


def list_url(session) -> str:
    return f"{reverse('feedback:question.list')}?session={session.pk}"


# ---------------------------------------------------------------- one token, two clicks


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_with_one_token_import_the_questions_once(world, client):
    restore_migration_data()
    session = make_session(world)
    client.force_login(world.users["commune_official"])
    token = upload(client, session, xlsx_bytes([row(1), row(2)])).context["token"]
    url = reverse("feedback:question.confirm", args=[session.pk])

    clients = [client, twin_of(client)]
    responses = post_together(clients, url, {"token": token})

    assert Question.objects.filter(session=session).count() == 2
    receipt = UploadReceipt.objects.get()
    assert (receipt.token, receipt.kind) == (token, "questions")
    assert [(r.status_code, r.url) for r in responses] == [(302, list_url(session))] * 2
    messages = [messages_after(c, r) for c, r in zip(clients, responses, strict=True)]
    assert sorted(messages) == sorted(
        [
            ["Đã nhận 2 câu hỏi của xã Phước Hòa."],
            [f"Tệp này đã được nhập lúc {imported_when(receipt)} bởi Nguyễn Văn An; không nhập lại."],
        ]
    )


def test_confirm_again_after_import_says_it_was_imported(world, login):
    session = make_session(world)
    client = login(world.users["commune_official"])
    token = upload(client, session, xlsx_bytes([row(1)])).context["token"]
    url = reverse("feedback:question.confirm", args=[session.pk])
    client.post(url, {"token": token}, follow=True)

    response = client.post(url, {"token": token}, follow=True)

    receipt = UploadReceipt.objects.get()
    assert response.redirect_chain == [(list_url(session), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Tệp này đã được nhập lúc {imported_when(receipt)} bởi Nguyễn Văn An; không nhập lại."
    ]
    assert Question.objects.count() == 1


# ---------------------------------------------------------------- duplicates and repeated files


def test_same_question_file_uploaded_again_is_flagged_and_its_rows_are_duplicates(world, login):
    session = make_session(world)
    client = login(world.users["commune_official"])
    content = xlsx_bytes([row(1), row(2)])
    token = upload(client, session, content).context["token"]
    client.post(reverse("feedback:question.confirm", args=[session.pk]), {"token": token})
    first, second = Question.objects.order_by("pk")
    receipt = UploadReceipt.objects.get()

    response = upload(client, session, content)

    report = response.context["report"]
    flagged = f"Tệp này đã được nhập lúc {imported_when(receipt)} bởi Nguyễn Văn An (tệp «cau-hoi.xlsx»)."
    assert report.notices == [flagged]
    assert [(r.status_label, r.duplicates) for r in report.rows] == [
        ("trùng", [f"Dòng 3: câu hỏi này đã có trong phiên (câu hỏi số {first.pk})."]),
        ("trùng", [f"Dòng 4: câu hỏi này đã có trong phiên (câu hỏi số {second.pk})."]),
    ]
    assert (report.can_commit, response.context["token"]) == (False, "")
    page = response.content.decode()
    assert flagged in page
    assert f"Dòng 3: câu hỏi này đã có trong phiên (câu hỏi số {first.pk})." in page
    assert Question.objects.count() == 2


def test_question_already_in_the_session_with_other_spacing_and_case_is_a_duplicate(world):
    session = make_session(world)
    existing = Question.objects.create(
        session=session,
        commune=world.commune,
        text="Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?",
        asker_name="Trần Thị Bích",
        asker_hamlet=world.hamlet,
        channel=Channel.SPOKEN,
        topic=topic(),
    )
    content = xlsx_bytes(
        [
            row(
                1,
                **{
                    "Nội dung câu hỏi": "  câu hỏi số 1 về chính sách  HỖ TRỢ hộ nghèo? ",
                    "Họ tên người hỏi": "trần thị bích",
                },
            ),
            row(
                2,
                **{
                    "Nội dung câu hỏi": "Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?",
                    "Họ tên người hỏi": "Lê Văn Cường",
                },
            ),
            row(3, **{"Nội dung câu hỏi": "Câu hỏi số 1 về chính sách hỗ trợ hộ nghèo?", "Thôn, ấp": ""}),
            row(4),
        ]
    )

    report = run_import(world, session, content)

    assert [(r.number, r.status_label, r.duplicates) for r in report.rows] == [
        (3, "trùng", [f"Dòng 3: câu hỏi này đã có trong phiên (câu hỏi số {existing.pk})."]),
        (4, "mới", []),
        (5, "mới", []),
        (6, "mới", []),
    ]
    assert (report.committed, report.saved, Question.objects.count()) == (True, 3, 4)


def test_question_twice_in_one_file_is_saved_once(world):
    session = make_session(world)
    content = xlsx_bytes([row(1), row(2), row(1, **{"STT": 3})])

    report = run_import(world, session, content)

    assert [(r.status_label, r.duplicates) for r in report.rows] == [
        ("mới", []),
        ("mới", []),
        ("trùng", ["Dòng 5: câu hỏi này trùng với dòng 3 của tệp."]),
    ]
    assert (report.committed, report.saved, Question.objects.count()) == (True, 2, 2)


def test_same_question_file_again_after_a_question_was_removed_brings_only_that_one_back(world):
    session = make_session(world)
    content = xlsx_bytes([row(1), row(2)])
    run_import(world, session, content)
    Question.objects.filter(row_number=4).delete()

    report = run_import(world, session, content)

    assert [r.status_label for r in report.rows] == ["trùng", "mới"]
    assert (report.committed, report.saved, Question.objects.count()) == (True, 1, 2)
    assert len(report.notices) == 1


def test_same_question_file_for_another_commune_is_not_a_repeat(world):
    session = make_session(world, communes=[world.commune, world.other_commune])
    content = xlsx_bytes([row(1, **{"Thôn, ấp": ""})])
    run_import(world, session, content)

    report = preview_questions(
        session=session, commune=world.other_commune, filename="x.xlsx", content=content
    )

    assert (report.notices, [r.status_label for r in report.rows]) == ([], ["mới"])
