import pytest

from plans.planfile import PlanFileError, export_plan, import_plan
from sessions.models import Participant, ParticipantCategory
from sessions.participants.services import import_participants

from .participant_data import make_session, person, xlsx_bytes


def test_plan_file_carries_chair_and_target_categories(world):
    session = make_session(world)
    session.chair = "Phó Chủ tịch UBND huyện"
    session.save()
    session.target_categories.set(ParticipantCategory.objects.filter(code__in=["ho-ngheo", "ho-can-ngheo"]))

    data = export_plan(session.plan)

    assert data["sessions"][0]["chair"] == "Phó Chủ tịch UBND huyện"
    assert data["sessions"][0]["target_categories"] == ["ho-can-ngheo", "ho-ngheo"]
    copy = import_plan(data=data)
    assert sorted(c.code for c in copy.sessions.get().target_categories.all()) == ["ho-can-ngheo", "ho-ngheo"]


def test_plan_file_unknown_target_category_is_refused(world):
    data = export_plan(make_session(world).plan)
    data["sessions"][0]["target_categories"] = ["ho-giau"]

    with pytest.raises(PlanFileError) as exc:
        import_plan(data=data)

    assert exc.value.errors == [
        "sessions[0].target_categories[0]: không có đối tượng mời mã «ho-giau» trong danh mục."
    ]


def test_import_warns_for_a_category_the_session_does_not_target(world):
    session = make_session(world)
    session.target_categories.set(ParticipantCategory.objects.filter(code="ho-ngheo"))
    rows = [person(1), person(2, **{"Loại hộ": "Hội viên Hội Nông dân"})]

    report = import_participants(
        session=session,
        commune=world.commune,
        filename="ds.xlsx",
        content=xlsx_bytes(rows),
        user=world.users["commune_official"],
    )

    assert [row.status for row in report.rows] == ["new", "warning"]
    assert report.rows[1].messages == [
        "Dòng 3, cột «Loại hộ»: «Hội viên Hội Nông dân» không thuộc đối tượng mời của phiên này (Hộ nghèo)."
    ]
    assert Participant.objects.count() == 2
