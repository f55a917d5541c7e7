"""Session pages and a commune's participant list: permissions, upload with preview and confirm,
bad files, and query counts that do not grow with the number of participants."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.forms import MAX_UPLOAD_BYTES
from core.models import UploadReceipt
from directory.models import Place
from plans.models import Plan, PlanStatus
from sessions.models import Participant, ParticipantCategory, Quota
from sessions.views import UPLOADS_KEY

from .participant_data import make_session, people, person, xlsx_bytes

LIST_PAGES = ("participants.list", "participants.export", "participants.signin")
CHANGE_PAGES = ("participants.template", "participants.upload")


def published_session(world, **kwargs):
    session = make_session(world, **kwargs)
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    session.plan.status = PlanStatus.APPROVED
    return session


def list_url(name, session, code):
    return reverse(f"sessions:{name}", args=[session.pk, code])


def upload(client, session, code, content, *, filename="danh-sach.xlsx", replace=False):
    data = {"file": SimpleUploadedFile(filename, content)}
    if replace:
        data["replace"] = "on"
    return client.post(list_url("participants.upload", session, code), data)


def add_participants(session, commune, hamlet, count, *, start=0):
    category = ParticipantCategory.objects.get(code="ho-ngheo")
    Participant.objects.bulk_create(
        Participant(
            session=session,
            commune=commune,
            hamlet=hamlet,
            full_name=f"Trần Thị Bình {number}",
            birth_year=1980,
            category=category,
            national_id=f"{number:012d}",
            row_number=number,
        )
        for number in range(start + 1, start + count + 1)
    )


@pytest.fixture
def session(world):
    return published_session(world)


@pytest.fixture
def official(world, login):
    return login(world.users["commune_official"])


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("name", LIST_PAGES + CHANGE_PAGES)
def test_commune_page_other_commune_official_is_forbidden(world, login, session, name):
    client = login(world.users["other_commune_official"])
    assert client.get(list_url(name, session, world.commune.code)).status_code == 403


def test_upload_post_other_commune_official_is_forbidden_and_saves_nothing(world, login, session):
    client = login(world.users["other_commune_official"])
    response = upload(client, session, world.commune.code, xlsx_bytes(people(2)))
    assert response.status_code == 403
    assert Participant.objects.count() == 0


def test_confirm_other_commune_official_is_forbidden(world, login, session):
    token = _preview_token(login(world.users["commune_official"]), session, world.commune.code, people(2))
    client = login(world.users["other_commune_official"])
    response = client.post(list_url("participants.confirm", session, world.commune.code), {"token": token})
    assert response.status_code == 403
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("name", LIST_PAGES + CHANGE_PAGES)
def test_commune_page_department_officer_is_forbidden(world, login, session, name):
    client = login(world.users["department_officer"])
    assert client.get(list_url(name, session, world.commune.code)).status_code == 403


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_change_page_leader_is_forbidden(world, login, session, name):
    client = login(world.users["leader"])
    assert client.get(list_url(name, session, world.commune.code)).status_code == 403


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_page_leader_may_view(world, login, session, name):
    client = login(world.users["leader"])
    assert client.get(list_url(name, session, world.commune.code)).status_code == 200


@pytest.mark.parametrize("name", LIST_PAGES + CHANGE_PAGES)
def test_commune_page_forged_session_is_not_found(world, official, name):
    url = reverse(f"sessions:{name}", args=[987654, world.commune.code])
    assert official.get(url).status_code == 404


@pytest.mark.parametrize("code", ["52-550-99", "52-550", "52-550-03-01", "52-550-08"])
def test_commune_page_commune_outside_session_is_not_found(world, login, session, code):
    client = login(world.users["district_staff"])
    assert client.get(list_url("participants.list", session, code)).status_code == 404


def test_session_detail_forged_id_is_not_found(world, official):
    assert official.get(reverse("sessions:session.detail", args=[987654])).status_code == 404


def test_session_detail_other_commune_official_is_forbidden(world, login, session):
    client = login(world.users["other_commune_official"])
    assert client.get(reverse("sessions:session.detail", args=[session.pk])).status_code == 403


def test_session_of_draft_plan_is_hidden_from_commune_official(world, official):
    draft = make_session(world)
    assert official.get(reverse("sessions:session.detail", args=[draft.pk])).status_code == 403
    assert list(official.get(reverse("sessions:session.list")).context["sessions"]) == []


# ---------------------------------------------------------------- lists and fill rates


def test_session_list_commune_official_sees_only_own_quota(world, login, session):
    Quota.objects.create(session=session, place=world.other_commune, count=40, position=1)
    add_participants(session, world.commune, world.hamlet, 3)
    client = login(world.users["commune_official"])
    rows = list(client.get(reverse("sessions:session.list")).context["sessions"])
    assert [(row.pk, row.quota, row.registered, row.percent) for row in rows] == [(session.pk, 150, 3, 2)]


def test_session_list_office_sees_session_totals(world, login, session):
    Quota.objects.create(session=session, place=world.other_commune, count=40, position=1)
    add_participants(session, world.commune, world.hamlet, 3)
    client = login(world.users["district_staff"])
    rows = list(client.get(reverse("sessions:session.list")).context["sessions"])
    assert [(row.pk, row.quota, row.registered) for row in rows] == [(session.pk, 190, 3)]


def test_session_list_other_commune_without_quota_sees_nothing(world, login, session):
    client = login(world.users["other_commune_official"])
    assert list(client.get(reverse("sessions:session.list")).context["sessions"]) == []


def test_session_list_department_officer_sees_published_sessions(world, login, session):
    make_session(world)  # a draft plan's session stays hidden
    client = login(world.users["department_officer"])
    assert [row.pk for row in client.get(reverse("sessions:session.list")).context["sessions"]] == [
        session.pk
    ]


def test_session_detail_office_sees_fill_rate_of_every_commune(world, login, session):
    Quota.objects.create(session=session, place=world.other_hamlet, count=40, position=1)
    add_participants(session, world.commune, world.hamlet, 30)
    client = login(world.users["leader"])
    response = client.get(reverse("sessions:session.detail", args=[session.pk]))
    rows = [(row.code, row.quota, row.registered, row.percent) for row in response.context["fill_rates"]]
    assert rows == [("52-550-03", 150, 30, 20), ("52-550-08", 40, 0, 0)]
    assert response.context["can_open_lists"] is True


def test_session_detail_commune_official_sees_only_own_commune(world, official, session):
    Quota.objects.create(session=session, place=world.other_commune, count=40, position=1)
    response = official.get(reverse("sessions:session.detail", args=[session.pk]))
    assert [row.code for row in response.context["fill_rates"]] == ["52-550-03"]


def test_participant_list_masks_national_id_for_commune_official(world, official, session):
    add_participants(session, world.commune, world.hamlet, 1)
    content = official.get(list_url("participants.list", session, world.commune.code)).content.decode()
    assert "********0001" in content
    assert "000000000001" not in content


# ---------------------------------------------------------------- upload, preview, confirm


def _preview_token(client, session, code, rows) -> str:
    response = upload(client, session, code, xlsx_bytes(rows))
    assert response.status_code == 200
    return response.context["token"]


def test_upload_preview_then_confirm_saves_participants(world, official, session):
    response = upload(official, session, world.commune.code, xlsx_bytes(people(3)))
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.status for row in report.rows] == ["new", "new", "new"]
    assert report.can_commit is True
    assert 'id="confirm-import"' in response.content.decode()
    assert Participant.objects.count() == 0

    token = response.context["token"]
    response = official.post(
        list_url("participants.confirm", session, world.commune.code), {"token": token}, follow=True
    )
    assert response.redirect_chain == [(list_url("participants.list", session, world.commune.code), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Đã nhập 3 người vào danh sách xã Phước Hòa."]
    saved = list(Participant.objects.filter(session=session, commune=world.commune).order_by("row_number"))
    assert [p.full_name for p in saved] == ["Nguyễn Văn An", "Nguyễn Văn An 2", "Nguyễn Văn An 3"]
    assert {p.imported_by_id for p in saved} == {world.users["commune_official"].pk}
    assert official.session[UPLOADS_KEY] == {}


def test_upload_confirm_token_works_once(world, official, session):
    token = _preview_token(official, session, world.commune.code, people(2))
    url = list_url("participants.confirm", session, world.commune.code)
    assert official.post(url, {"token": token}, follow=True).status_code == 200
    response = official.post(url, {"token": token}, follow=True)
    # The token is spent: the second click is told the file is in, not asked to upload it again.
    assert response.redirect_chain == [(list_url("participants.list", session, world.commune.code), 302)]
    when = timezone.localtime(UploadReceipt.objects.get(token=token).imported_at)
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", f"Tệp này đã được nhập lúc {when:%H:%M ngày %d/%m/%Y} bởi Nguyễn Văn An; không nhập lại.")
    ]
    assert Participant.objects.count() == 2
    response = official.post(url, {"token": "khong-co"}, follow=True)
    assert response.redirect_chain == [(list_url("participants.upload", session, world.commune.code), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Tệp đã kiểm tra không còn được lưu tạm; hãy tải tệp lên lại."
    ]


def test_upload_district_staff_replaces_list(world, login, session):
    add_participants(session, world.commune, world.hamlet, 5)
    client = login(world.users["district_staff"])
    response = upload(client, session, world.commune.code, xlsx_bytes(people(2)), replace=True)
    token = response.context["token"]
    client.post(list_url("participants.confirm", session, world.commune.code), {"token": token})
    assert sorted(Participant.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Văn An",
        "Nguyễn Văn An 2",
    ]


def test_upload_bad_row_shows_row_error_and_no_confirm(world, official, session):
    rows = [person(1), person(2, **{"Số CCCD": "12345"}), person(3)]
    response = upload(official, session, world.commune.code, xlsx_bytes(rows))
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.status for row in report.rows] == ["new", "error", "new"]
    message = report.rows[1].messages[0]
    assert message.startswith("Dòng 3, cột «Số CCCD»: ")
    content = response.content.decode()
    assert message in content
    assert 'id="confirm-import"' not in content
    assert response.context["token"] == ""
    assert Participant.objects.count() == 0
    assert official.session.get(UPLOADS_KEY, {}) == {}


def test_upload_preview_of_a_long_file_shows_every_problem_row_and_200_plain_ones(world, login, session):
    Quota.objects.filter(session=session).update(count=1000)
    rows = people(300)
    rows[279] = person(280, **{"Số CCCD": "12345"})
    client = login(world.users["district_staff"])

    response = upload(client, session, world.commune.code, xlsx_bytes(rows))

    shown = response.context["preview_rows"]
    assert len(response.context["report"].rows) == 300
    # Data start on file row 2: the 200 plain rows are rows 2-201, then the bad one (person 280).
    assert [row.number for row in shown][-2:] == [201, 281]
    assert len(shown) == 201 and response.context["rows_left_out"] == 99
    content = response.content.decode()
    assert content.count("<tr data-row=") == 201
    assert "Không hiện 99 dòng hợp lệ khác" in content


def test_upload_over_quota_is_refused_with_numbers(world, login):
    session = published_session(world, quota=2)
    client = login(world.users["commune_official"])
    response = upload(client, session, world.commune.code, xlsx_bytes(people(3)))
    assert response.context["report"].errors == [
        "Danh sách có 3 người, vượt chỉ tiêu 2 người của xã Phước Hòa cho phiên này (đã có 0)."
    ]
    assert "vượt chỉ tiêu 2 người của xã Phước Hòa" in response.content.decode()
    assert 'id="confirm-import"' not in response.content.decode()
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        (
            "danh-sach.pdf",
            b"%PDF-1.7",
            "Tệp «danh-sach.pdf» không phải tệp .xlsx hoặc .csv. Hãy dùng tệp mẫu (.xlsx).",
        ),
        ("danh-sach.xlsx", b"", "Tệp tải lên rỗng, không có dữ liệu."),
        (
            "danh-sach.csv",
            b"x" * (MAX_UPLOAD_BYTES + 1),
            "Tệp quá lớn (tối đa 5 MB). Hãy chia danh sách thành nhiều tệp.",
        ),
    ],
)
def test_upload_bad_file_is_refused_in_vietnamese(world, official, session, filename, content, message):
    response = upload(official, session, world.commune.code, content, filename=filename)
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert "report" not in response.context
    assert Participant.objects.count() == 0
    assert official.session.get(UPLOADS_KEY, {}) == {}


def test_upload_unreadable_workbook_shows_file_error(world, official, session):
    response = upload(official, session, world.commune.code, b"not a workbook")
    report = response.context["report"]
    assert report.errors == [
        "Tệp «danh-sach.xlsx» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng. "
        "Hãy mở tệp bằng Excel và lưu lại dưới dạng «Sổ làm việc Excel (*.xlsx)», hoặc dùng tệp mẫu."
    ]
    assert 'id="confirm-import"' not in response.content.decode()
    assert Participant.objects.count() == 0


def test_template_and_export_are_xlsx(world, official, session):
    add_participants(session, world.commune, world.hamlet, 2)
    template = official.get(list_url("participants.template", session, world.commune.code))
    export = official.get(list_url("participants.export", session, world.commune.code))
    for response, filename in (
        (template, f"mau-danh-sach-phien-{session.pk}-52-550-03.xlsx"),
        (export, f"danh-sach-phien-{session.pk}-52-550-03.xlsx"),
    ):
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response.content.startswith(b"PK")


# ---------------------------------------------------------------- query counts


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["district_staff", "commune_official"])
@pytest.mark.parametrize("page", ["session.list", "session.detail", "participants.list"])
def test_page_queries_do_not_grow_with_participants(world, login, session, role, page):
    Quota.objects.create(session=session, place=world.other_commune, count=2000, position=1)
    Quota.objects.filter(session=session, place=world.commune).update(count=2000)
    second = make_session(world, plan=session.plan, venue="Nhà văn hóa thôn Lộc Thượng", quota=500)
    urls = {
        "session.list": reverse("sessions:session.list"),
        "session.detail": reverse("sessions:session.detail", args=[session.pk]),
        "participants.list": list_url("participants.list", session, world.commune.code),
    }
    client = login(world.users[role])
    client.get(urls[page])  # warm caches (content types, the user's place)
    counts = []
    total = 0
    for wanted in (1, 10, 1000):
        add_participants(session, world.commune, world.hamlet, wanted - total, start=total)
        add_participants(second, world.commune, world.hamlet, wanted - total, start=total)
        total = wanted
        counts.append(_queries(client, urls[page]))
    assert counts[0] == counts[1] == counts[2], counts


def test_participant_list_fill_per_hamlet_against_minimum_or_hamlet_quota(world, official, session):
    second = Place.objects.create(
        code="52-550-03-02",
        kind="thon",
        level=4,
        name="Lộc Hạ",
        parent=world.commune,
        path=f"{world.commune.path}52-550-03-02/",
    )
    session.min_per_hamlet = 40
    session.save(update_fields=["min_per_hamlet"])
    Quota.objects.create(session=session, place=second, count=10, position=5)
    add_participants(session, world.commune, world.hamlet, 30)
    add_participants(session, world.commune, second, 5, start=30)
    add_participants(session, world.commune, None, 2, start=35)

    response = official.get(list_url("participants.list", session, world.commune.code))

    rows = [(h.name, h.quota, h.registered, h.percent) for h in response.context["hamlets"]]
    assert rows == [("Lộc Thượng", 40, 30, 75), ("Lộc Hạ", 10, 5, 50), ("Chưa ghi thôn, ấp", None, 2, None)]
    content = response.content.decode()
    assert "mỗi thôn ít nhất 40 người" in content
    assert 'data-hamlet="52-550-03-02"' in content
