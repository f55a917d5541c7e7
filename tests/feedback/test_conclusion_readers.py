"""Who reads what on an issued conclusion page: a unit's officer sees the askers of the
questions given to their unit, and only the commune of the others (issue 15, item 8)."""

import datetime
import io

import pdfplumber
from django.urls import reverse

from feedback.models import ConclusionStatus, QuestionStatus, SessionConclusion
from feedback.services.conclusions import save_conclusion

from .feedback_data import in_days, make_question, make_session
from .test_conclusion import DRAFT


def _issued_session(world):
    session = make_session(world, date=datetime.date(2024, 5, 10))
    own = make_question(world, session, status=QuestionStatus.ASSIGNED, unit=world.unit, due=in_days(5))
    other = make_question(
        world, session, status=QuestionStatus.ASSIGNED, unit=world.other_unit, due=in_days(6)
    )
    own.asker_name, other.asker_name = "Trần Thị Bích", "Lê Văn Cường"
    own.save(update_fields=["asker_name"])
    other.save(update_fields=["asker_name"])
    save_conclusion(user=world.users["district_staff"], session=session, **DRAFT)
    SessionConclusion.objects.filter(session=session).update(
        status=ConclusionStatus.ISSUED, number=9, issued_on=datetime.date(2024, 5, 12)
    )
    return session


def _asker_column(response) -> list[str]:
    table = next(line for line in response.context["notice"].body if line.style == "table")
    return [row[2] for row in table.rows]


def test_department_officer_sees_askers_of_own_unit_only(world, login):
    session = _issued_session(world)
    response = login(world.users["department_officer"]).get(
        reverse("feedback:conclusion.detail", args=[session.pk])
    )
    assert response.status_code == 200
    assert _asker_column(response) == ["Trần Thị Bích, xã Phước Hòa", "xã Phước Hòa"]
    assert "Lê Văn Cường" not in response.content.decode()


def test_office_sees_every_asker_on_the_conclusion_page(world, login):
    session = _issued_session(world)
    response = login(world.users["district_staff"]).get(
        reverse("feedback:conclusion.detail", args=[session.pk])
    )
    assert _asker_column(response) == ["Trần Thị Bích, xã Phước Hòa", "Lê Văn Cường, xã Phước Hòa"]


def _pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_department_officer_pdf_names_askers_of_own_unit_only(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = _issued_session(world)
    url = reverse("feedback:conclusion.pdf", args=[session.pk])

    officer_text = _pdf_text(login(world.users["department_officer"]).get(url))
    office_text = _pdf_text(login(world.users["district_staff"]).get(url))

    assert "Trần Thị Bích" in officer_text
    assert "Lê Văn Cường" not in officer_text
    assert "Lê Văn Cường" in office_text
