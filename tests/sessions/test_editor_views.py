"""The sessions' pages of the plan editor (sessions.editor): the list of sessions and one
session's quotas, composition and cluster, under the plan's URLs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from directory.models import PlaceKind, Unit
from sessions.models import Participant, ParticipantCategory, Session

from ..factories import PlaceFactory
from ..plans.test_views import _formset, _plan, _staff, _url


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _session_row(**values):
    row = {
        "ref": "",
        "name": "",
        "venue_name": "Hội trường UBND xã Phước An",
        "venue_address": "",
        "host_commune": "",
        "time_kind": "later",
        "date": "",
        "start_time": "",
        "end_time": "",
        "month": "",
        "quarter": "",
        "year": "",
        "format": "in_person",
        "total_participants": "",
    }
    return row | values


def test_plan_sessions_post_updates_and_adds(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    data = _formset(
        "phien",
        [
            _session_row(
                ref=str(session.pk),
                venue_name=session.venue_name,
                host_commune=str(world.commune.pk),
                time_kind="exact",
                date="2024-04-20",
                start_time="08:00",
                end_time="11:00",
                total_participants="200",
            ),
            _session_row(
                host_commune=str(world.other_commune.pk), time_kind="quarter", quarter="2", year="2024"
            ),
        ],
        initial=1,
    )

    response = _staff(world, login).post(_url("plan.sessions", plan.pk), data)

    assert response.status_code == 302
    first, second = plan.sessions.order_by("position")
    assert (first.pk, first.time_label, first.quotas.count()) == (session.pk, "8h00 - 11h00, 20/4/2024", 1)
    assert (second.venue_name, second.host_commune, second.time_label) == (
        "Hội trường UBND xã Phước An",
        world.other_commune,
        "Quý II/2024",
    )


def test_plan_sessions_missing_date_shows_row_error(world, login):
    plan = _plan(world)
    data = _formset("phien", [_session_row(time_kind="exact")])

    response = _staff(world, login).post(_url("plan.sessions", plan.pk), data)

    assert response.context["form"].errors_list == [
        "Dòng 1: Chọn thời gian theo ngày cụ thể thì phải nhập ngày."
    ]
    assert plan.sessions.count() == 1


def test_plan_session_post_saves_quotas_composition_and_cluster(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    data = (
        _formset(
            "moi",
            [
                {"place": str(world.commune.pk), "count": "150"},
                {"place": str(world.hamlet.pk), "count": "50"},
            ],
        )
        | _formset(
            "thanhPhan",
            [{"label": "Cấp xã", "count": "7", "multiplier": "3", "multiplier_label": "xã", "style": "each"}],
        )
        | {"cum-communes": [str(world.commune.pk), str(world.other_commune.pk)]}
    )

    response = _staff(world, login).post(_url("plan.session", plan.pk, session.pk), data)

    assert response.status_code == 302
    assert [(q.place.name, q.count) for q in session.quotas.all()] == [("Phước Hòa", 150), ("Lộc Thượng", 50)]
    assert [(g.label, g.total) for g in session.composition.all()] == [("Cấp xã", 21)]
    assert sorted(p.name for p in session.communes.all()) == ["Phước An", "Phước Hòa"]


def test_plan_session_duplicate_commune_shows_row_error(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    place = str(world.commune.pk)
    data = _formset("moi", [{"place": place, "count": "150"}, {"place": place, "count": "50"}]) | _formset(
        "thanhPhan", []
    )

    response = _staff(world, login).post(_url("plan.session", plan.pk, session.pk), data)

    assert response.context["form"].errors_list == ["Dòng 2: Xã Phước Hòa đã có ở dòng 1."]
    assert [q.count for q in session.quotas.all()] == [150]


def test_plan_session_place_outside_territory_is_rejected(world, login):
    far = PlaceFactory(code="52-551", kind=PlaceKind.HUYEN, name="An Nhơn", parent=world.province)
    plan = _plan(world)
    session = plan.sessions.get()
    data = _formset("moi", [{"place": str(far.pk), "count": "10"}]) | _formset("thanhPhan", [])

    response = _staff(world, login).post(_url("plan.session", plan.pk, session.pk), data)

    assert response.context["form"].errors_list == ["Dòng 1: «Xã / thôn»: lựa chọn không hợp lệ."]


def test_plan_sessions_foreign_session_ref_shows_error_and_saves_nothing(world, login):
    plan = _plan(world)
    foreign = _plan(world).sessions.get()
    data = _formset("phien", [_session_row(ref=str(foreign.pk))], initial=1)

    response = _staff(world, login).post(_url("plan.sessions", plan.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors_list == [
        "Danh sách phiên không khớp với kế hoạch; hãy tải lại trang và sửa lại."
    ]
    assert [s.venue_name for s in plan.sessions.all()] == ["Nhà văn hóa xã Phước Hòa"]


def test_plan_sessions_removing_session_with_participants_shows_row_error_and_deletes_nothing(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    Participant.objects.create(
        session=session,
        commune=world.commune,
        full_name="Nguyễn Thị Mai",
        category=ParticipantCategory.objects.get(code="ho-ngheo"),
    )
    message = "Phiên «Nhà văn hóa xã Phước Hòa» đã có danh sách người tham dự; không xóa được."
    data = _formset(
        "phien",
        [_session_row(ref=str(session.pk), venue_name=session.venue_name, DELETE="on"), _session_row()],
        initial=1,
    )

    response = _staff(world, login).post(_url("plan.sessions", plan.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors_list == [
        "Không xóa được phiên đã có người tham dự, câu hỏi hoặc điểm danh.",
        message,
    ]
    assert form.formset.forms[0].non_field_errors() == [message]
    assert escape(message) in response.content.decode()
    assert list(plan.sessions.values_list("pk", flat=True)) == [session.pk]
    assert session.participants.count() == 1
    assert plan.events.filter(action="edit_sessions").count() == 0


def test_plan_session_sets_chair_secretary_and_target_categories(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    poor = ParticipantCategory.objects.get(code="ho-ngheo")
    data = (
        _formset("moi", [{"place": str(world.commune.pk), "count": "150"}])
        | _formset("thanhPhan", [])
        | {
            "cum-chair": "Phó Chủ tịch UBND huyện",
            "cum-secretary": str(world.users["secretary"].pk),
            "cum-target_categories": [str(poor.pk)],
        }
    )

    response = _staff(world, login).post(_url("plan.session", plan.pk, session.pk), data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.chair, session.secretary) == ("Phó Chủ tịch UBND huyện", world.users["secretary"])
    assert [c.name for c in session.target_categories.all()] == ["Hộ nghèo"]


def test_plan_session_editor_reads_invited_units_and_target_categories_once(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    session.invited_units.set([world.unit, world.other_unit])
    session.target_categories.set(ParticipantCategory.objects.all()[:2])
    client = _staff(world, login)
    client.get(_url("plan.session", plan.pk, session.pk))  # warm the session

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("plan.session", plan.pk, session.pk))

    assert response.status_code == 200
    for field in (Session.invited_units, Session.target_categories):
        table = field.through._meta.db_table
        assert len([q for q in queries if f'"{table}"' in q["sql"]]) == 1, table


def test_plan_session_invites_units_of_the_territory_only(world, login):
    plan = _plan(world)
    session = plan.sessions.get()
    foreign = Unit.objects.create(
        code="89-890-LDTBXH",
        name="Phòng Lao động huyện khác",
        short_name="Phòng LĐ",
        kind="phong_ban",
        place=PlaceFactory(code="89", kind="tinh", name="An Giang"),
    )
    base = _formset("moi", [{"place": str(world.commune.pk), "count": "150"}]) | _formset("thanhPhan", [])
    client = _staff(world, login)

    page = client.get(_url("plan.session", plan.pk, session.pk))
    assert world.unit.name in page.content.decode() and foreign.name not in page.content.decode()

    response = client.post(
        _url("plan.session", plan.pk, session.pk),
        base | {"cum-invited_units": [str(world.unit.pk), str(world.other_unit.pk)]},
    )
    assert response.status_code == 302
    assert {u.code for u in session.invited_units.all()} == {world.unit.code, world.other_unit.code}

    refused = client.post(
        _url("plan.session", plan.pk, session.pk), base | {"cum-invited_units": [str(foreign.pk)]}
    )
    assert refused.status_code == 200
    assert "invited_units" in refused.context["form"].cluster.errors
    assert {u.code for u in session.invited_units.all()} == {world.unit.code, world.other_unit.code}
