"""A commune's own plan on today's map: its quotas are per hamlet (thôn), each hamlet's contact
(trưởng thôn, the commune-official role bound to the hamlet) sends that hamlet's list, and the
pages, reminders and walk-ins count per hamlet. A district's plan keeps its lists per commune."""

import datetime

import pytest

from accounts.models import Role
from directory.models import MapEra, PlaceKind, PlaceLevel
from notifications.deadlines import _missing_communes
from notifications.selectors import territory_communes
from plans.models import PlanStatus
from sessions import selectors
from sessions.editor.forms import SessionDetailsForm
from sessions.models import Participant, Quota, Session
from sessions.participants.checks import commune_quota
from sessions.participants.services import import_participants, preview_participants

from ..factories import PlaceFactory, PlanFactory, UserFactory
from .participant_data import person, xlsx_bytes


class HamletWorld:
    def __init__(self):
        self.province = PlaceFactory(era=MapEra.FROM_2025, code="52", kind=PlaceKind.TINH, name="Gia Lai")
        self.commune = PlaceFactory(code="21952", kind=PlaceKind.XA, name="Tuy Phước", parent=self.province)
        self.loc_thuan = PlaceFactory(
            code="21952-01", kind=PlaceKind.THON, name="Lộc Thuận", parent=self.commune
        )
        self.dai_tin = PlaceFactory(code="21952-04", kind=PlaceKind.THON, name="Đại Tín", parent=self.commune)
        self.staff = UserFactory(username="cv.tuyphuoc", role=Role.DISTRICT_STAFF, place=self.commune)
        self.contact = UserFactory(username="truongthon", role=Role.COMMUNE_OFFICIAL, place=self.loc_thuan)
        self.other_contact = UserFactory(
            username="truongthon2", role=Role.COMMUNE_OFFICIAL, place=self.dai_tin
        )
        self.plan = PlanFactory(issuer=self.commune, year=2027, status=PlanStatus.APPROVED)
        self.session = Session.objects.create(
            plan=self.plan,
            venue_name="Hội trường UBND xã Tuy Phước",
            time_kind="exact",
            date=datetime.date.today() + datetime.timedelta(days=20),
        )
        Quota.objects.create(session=self.session, place=self.loc_thuan, count=2, position=0)
        Quota.objects.create(session=self.session, place=self.dai_tin, count=5, position=1)


@pytest.fixture
def hw(db) -> HamletWorld:
    return HamletWorld()


def _upload(hw, rows, *, place=None, user=None, save=True):
    action = import_participants if save else preview_participants
    return action(
        session=hw.session,
        commune=place or hw.loc_thuan,
        filename="danh-sach.xlsx",
        content=xlsx_bytes(rows),
        user=user or hw.contact,
    )


def test_commune_plan_lists_are_the_hamlets_with_a_quota(hw):
    assert selectors.list_level(hw.session) == PlaceLevel.HAMLET
    assert list(selectors.session_communes(hw.session).order_by("code")) == [hw.loc_thuan, hw.dai_tin]
    rows = selectors.fill_rates(hw.session)
    assert [(r.code, r.quota, r.registered) for r in rows] == [("21952-01", 2, 0), ("21952-04", 5, 0)]
    assert commune_quota(session=hw.session, commune=hw.loc_thuan) == 2
    assert (hw.session.list_unit_label, hw.session.list_unit_word) == ("thôn, tổ dân phố", "thôn")


def test_district_plan_lists_stay_per_commune(world):
    session = Session.objects.create(
        plan=PlanFactory(issuer=world.district), venue_name="Nhà văn hóa", time_kind="later"
    )
    Quota.objects.create(session=session, place=world.hamlet, count=10)

    assert selectors.list_level(session) == PlaceLevel.COMMUNE
    assert list(selectors.session_communes(session)) == [world.commune]
    assert (session.list_unit_label, session.list_unit_word) == ("xã, phường", "xã")


def test_hamlet_contact_uploads_the_hamlets_list_the_hamlet_cell_may_be_empty(hw):
    report = _upload(hw, [person(1, **{"Thôn, ấp": ""}), person(2, **{"Thôn, ấp": "thôn Lộc Thuận"})])

    assert (report.errors, report.saved) == ([], 2)
    people = Participant.objects.filter(session=hw.session)
    assert {(p.commune_id, p.hamlet_id, p.imported_by_id) for p in people} == {
        (hw.loc_thuan.pk, hw.loc_thuan.pk, hw.contact.pk)
    }
    rows = selectors.fill_rates(hw.session)
    assert [(r.code, r.registered, r.percent) for r in rows] == [("21952-01", 2, 100), ("21952-04", 0, 0)]


def test_hamlet_list_refuses_another_hamlets_people_and_the_quota_over(hw):
    report = _upload(hw, [person(1, **{"Thôn, ấp": "Đại Tín"})], save=False)
    assert report.rows[0].errors == [
        "Dòng 2, cột «Thôn, ấp»: «Đại Tín» không phải thôn Lộc Thuận; "
        "danh sách này chỉ nhận người của thôn Lộc Thuận."
    ]

    report = _upload(hw, [person(n, **{"Thôn, ấp": ""}) for n in (1, 2, 3)], save=False)
    assert report.errors == [
        "Danh sách có 3 người, vượt chỉ tiêu 2 người của thôn Lộc Thuận cho phiên này (đã có 0)."
    ]


def test_hamlet_contact_may_send_only_the_own_hamlets_list(hw):
    own = selectors.CommuneList(hw.session, hw.loc_thuan)
    other = selectors.CommuneList(hw.session, hw.dai_tin)

    assert hw.contact.has_perm("dialogue_sessions.view_session", hw.session)
    assert hw.contact.has_perm("dialogue_sessions.change_participants", own)
    assert not hw.contact.has_perm("dialogue_sessions.view_participants", other)
    assert hw.other_contact.has_perm("dialogue_sessions.change_participants", other)
    assert hw.staff.has_perm("dialogue_sessions.change_participants", other)
    rows = list(selectors.session_list(hw.contact))
    assert [(s.pk, s.quota, s.registered) for s in rows] == [(hw.session.pk, 2, 0)]


def test_hamlet_contact_pages_say_thon(hw, client):
    client.force_login(hw.contact)

    detail = client.get(f"/phien/{hw.session.pk}/").content.decode()
    sessions = client.get("/phien/").content.decode()
    listing = client.get(f"/phien/{hw.session.pk}/xa/21952-01/")

    assert "Tỷ lệ đăng ký theo thôn" in detail and ">Thôn, tổ dân phố</th>" in detail
    assert "Đã đăng ký / chỉ tiêu của thôn" in sessions
    assert listing.status_code == 200
    assert "Thôn chưa gửi danh sách cho phiên này." in listing.content.decode()
    assert client.get(f"/phien/{hw.session.pk}/xa/21952-04/").status_code == 403
    assert client.get(f"/phien/{hw.session.pk}/xa/21952/").status_code == 404


def test_reminders_name_the_hamlets_that_have_not_sent_their_list(hw):
    report = _upload(hw, [person(1, **{"Thôn, ấp": "Lộc Thuận"})])

    assert report.saved == 1
    assert _missing_communes([hw.session]) == {hw.session.pk: {hw.dai_tin.pk}}


def test_walk_ins_of_a_commune_plan_come_from_its_hamlets(hw):
    assert list(territory_communes(hw.session)) == [hw.dai_tin, hw.loc_thuan]


def test_commune_plan_editor_offers_only_hamlets_for_quotas(hw):
    draft = PlanFactory(issuer=hw.commune, year=2027)
    session = Session.objects.create(plan=draft, venue_name="Hội trường", time_kind="later")

    form = SessionDetailsForm(plan=draft, session=session)

    places = form.quotas.form_kwargs["places"]
    assert sorted(p.code for p in places) == ["21952-01", "21952-04"]


def test_hamlet_list_person_corrected_by_hand_keeps_the_hamlet(hw, client):
    _upload(hw, [person(1, **{"Thôn, ấp": "Lộc Thuận"})])
    participant = Participant.objects.get(session=hw.session)
    client.force_login(hw.contact)
    url = f"/phien/{hw.session.pk}/xa/21952-01/nguoi/{participant.pk}/sua/"

    page = client.get(url).content.decode()
    values = {**client.get(url).context["form"].initial, "full_name": "Nguyễn Văn Bình"}
    response = client.post(url, {k: v for k, v in values.items() if v is not None})

    assert '<option value="Lộc Thuận" selected>Lộc Thuận</option>' in page
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.full_name, participant.hamlet_id) == ("Nguyễn Văn Bình", hw.loc_thuan.pk)
