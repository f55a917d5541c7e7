"""No page, e-mail or printed document of a plan issued by a commune of today's map (which has no
district above it) says "huyện", in any case. The plan is the demo's: xã Tuy Phước's plan with
quotas per hamlet, taken through its lists, questions, letters, check-in, notice and report."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo_today import load_today_directory, load_today_plans
from directory.models import MapEra, Place, Unit
from feedback.documents import render_notice, render_report
from feedback.models import Topic
from feedback.notice import conclusion_defaults
from feedback.services.conclusions import save_conclusion
from feedback.services.questions import assign_question, submit_question
from notifications.documents import render_invitations
from notifications.models import Attendance, OutboxMessage
from notifications.services.invitations import queue_invitations
from notifications.services.reminders import queue_reminders
from plans.documents import render_plan
from plans.models import Plan, PlanKind
from plans.services.creation import create_plan
from plans.wording import fit_text
from sessions.deadlines import question_deadline
from sessions.documents import render_signin_sheet
from sessions.models import Participant
from sessions.participants.services import import_participants
from sessions.services import publish_notice

from .. import pdfcheck
from ..sessions.participant_data import person, xlsx_bytes

HUYEN = re.compile("huyện", re.IGNORECASE)


def _say_no_huyen(where: str, text: str) -> None:
    found = HUYEN.search(text)
    assert found is None, f"{where}: «…{text[max(0, found.start() - 60) : found.end() + 60]}…»"


@pytest.fixture
def commune_plan(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_today_directory(password=DEMO_PASSWORD)
    User.objects.filter(place__era=MapEra.FROM_2025).update(email="canbo@example.gov.vn")
    load_today_plans()
    plan = Plan.objects.select_related("issuer").get(issuer__era=MapEra.FROM_2025, issuer__code="21952")
    session = plan.sessions.select_related("plan__issuer").get(position=0)
    users = {u.username: u for u in User.objects.filter(place__era=MapEra.FROM_2025)}
    hamlet = Place.objects.get(era=MapEra.FROM_2025, code="21952-01")
    rows = [person(1, **{"Thôn, ấp": "Lộc Thuận", "Email": "mai@example.vn"}), person(2, **{"Thôn, ấp": ""})]
    report = import_participants(
        session=session,
        commune=hamlet,
        filename="danh-sach.xlsx",
        content=xlsx_bytes(rows),
        user=users["truongthon"],
    )
    assert report.saved == 2, (report.errors, [r.errors for r in report.rows])
    question = submit_question(
        user=users["truongthon"],
        session=session,
        text="Hộ mới thoát nghèo còn được vay vốn không?",
        topic=Topic.objects.first(),
        asker_hamlet=hamlet,
    )
    assign_question(
        user=users["chuyenvien.tuyphuoc"],
        question=question,
        unit=Unit.objects.get(code="21952-VHXH"),
        due_date=session.date - datetime.timedelta(days=2),
    )
    # Marked present as the door would (not through the check-in service, whose window is the
    # session's day: the demo's session is weeks ahead).
    person_present = Participant.objects.filter(session=session).first()
    Attendance.objects.create(
        session=session,
        participant=person_present,
        full_name=person_present.full_name,
        commune_id=person_present.commune_id,
        category_id=person_present.category_id,
        checked_in_at=timezone.now(),
        checked_in_by=users["thuky.tuyphuoc"],
    )
    return plan, session, hamlet, question, users


def test_commune_plan_pages_never_say_huyen(commune_plan, client):
    plan, session, hamlet, question, users = commune_plan
    draft = create_plan(
        user=users["chuyenvien.tuyphuoc"], issuer=plan.issuer, kind=PlanKind.POVERTY, year=2028
    )
    section = draft.blocks.filter(parent=None).first()
    s, h = session.pk, hamlet.code
    pages = {
        "chuyenvien.tuyphuoc": [
            "/",
            "/ke-hoach/",
            f"/ke-hoach/{plan.pk}/",
            f"/ke-hoach/{draft.pk}/",
            reverse("plans:plan.create"),
            *[
                f"/ke-hoach/{draft.pk}/{route}"
                for route in (
                    "thong-tin-chung/",
                    "can-cu/",
                    "cac-muc/",
                    "kinh-phi/",
                    "phien/",
                    "noi-nhan/",
                    "phu-luc/",
                )
            ],
            f"/ke-hoach/{draft.pk}/cac-muc/{section.pk}/",
            "/phien/",
            f"/phien/{s}/",
            f"/phien/{s}/thong-bao-cong-khai/",
            f"/phien/{s}/xa/{h}/",
            f"/phien/{s}/xa/{h}/tai-len/",
            f"/thong-bao/phien/{s}/giay-moi/",
            f"/thong-bao/phien/{s}/diem-danh/",
            "/cau-hoi/",
            f"/cau-hoi/?session={s}",
            f"/cau-hoi/{question.pk}/",
            f"/cau-hoi/{question.pk}/giao/",
            f"/cau-hoi/phien/{s}/ket-luan/",
            f"/cau-hoi/phien/{s}/ket-luan/soan/",
            "/cau-hoi/tong-hop/",
        ],
        "lanhdao.tuyphuoc": ["/", f"/ke-hoach/{plan.pk}/", f"/phien/{s}/"],
        "thuky.tuyphuoc": [
            "/",
            f"/phien/{s}/",
            f"/thong-bao/phien/{s}/diem-danh/",
            f"/cau-hoi/phien/{s}/nhap-nhanh/",
        ],
        "truongthon": [
            "/",
            "/ke-hoach/",
            f"/ke-hoach/{plan.pk}/",
            "/phien/",
            f"/phien/{s}/",
            f"/phien/{s}/xa/{h}/",
            f"/phien/{s}/xa/{h}/tai-len/",
            f"/cau-hoi/phien/{s}/gui/",
            f"/cau-hoi/phien/{s}/tai-len/",
            "/cau-hoi/",
            f"/cau-hoi/{question.pk}/",
        ],
    }
    seen = 0
    for username, urls in pages.items():
        client.force_login(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            _say_no_huyen(f"{username} {url}", response.content.decode())
            seen += 1
    publish_notice(user=users["chuyenvien.tuyphuoc"], session=session, topics=plan.summary_one_line)
    client.logout()
    public = client.get(f"/cong-khai/phien/{s}/")
    assert public.status_code == 200
    _say_no_huyen("public", public.content.decode())
    assert seen >= 40


def test_commune_plan_emails_never_say_huyen(commune_plan):
    plan, session, hamlet, question, users = commune_plan
    User.objects.filter(username="truongthon2").update(email="")  # one hamlet is reminded, one is not
    queue_invitations(session_id=session.pk)
    due = question_deadline(session)
    queue_reminders(today=due - datetime.timedelta(days=1))
    queue_reminders(today=due + datetime.timedelta(days=1))
    messages = list(OutboxMessage.objects.all())
    purposes = {m.purpose for m in messages}

    assert {"invitation"} <= purposes and len(purposes) >= 2, purposes
    for message in messages:
        _say_no_huyen(
            f"{message.purpose} {message.to_email}", message.subject + message.body_text + message.body_html
        )
    escalations = [m for m in messages if "Quá hạn" in m.subject]
    assert escalations and all("thôn" in m.subject or "Thôn" in m.subject for m in escalations)


def test_commune_plan_documents_pass_nd30_and_never_say_huyen(commune_plan):
    plan, session, hamlet, question, users = commune_plan
    defaults = conclusion_defaults(session)
    save_conclusion(
        user=users["chuyenvien.tuyphuoc"],
        session=session,
        chair=defaults["chair"],
        opening=defaults["opening"],
        summary="Hội nghị đã nghe người dân các thôn phản ánh.",
        conclusions="Phòng Văn hóa - Xã hội rà soát hồ sơ vay vốn.",
        closing=defaults["closing"],
        recipients=defaults["recipients"],
        signer_title=defaults["signer_title"],
        signer_name=defaults["signer_name"],
    )
    documents = {
        "plan": render_plan(plan),
        "letters": render_invitations(session=session, commune=hamlet),
        "unit letters": render_invitations(session=session, units=True),
        "sign-in sheet": render_signin_sheet(session=session, commune=hamlet),
        "conclusion notice": render_notice(session),
        "report": render_report(plan),
    }
    for name, document in documents.items():
        assert pdfcheck.nd30_problems(document.content) == [], name
        _say_no_huyen(name, pdfcheck.pdf_text(document.content))
    letters = pdfcheck.squash(pdfcheck.pdf_text(documents["letters"].content))
    assert "thôn Lộc Thuận, xã Tuy Phước" in letters
    report = pdfcheck.squash(pdfcheck.pdf_text(documents["report"].content))
    assert "Thôn, tổ dân phố" in report and "Sở Nội vụ" in report
    notice = pdfcheck.squash(pdfcheck.pdf_text(documents["conclusion notice"].content))
    assert "Trưởng các thôn, tổ dân phố có người dân tham dự" in notice


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("21952", "UBND huyện giao Phòng Lao động - TB&XH huyện", "UBND xã giao Phòng Văn hóa - Xã hội xã"),
        (
            "21952",
            "3.1. Cấp huyện; 3.2. Cấp xã; Lãnh đạo UBND xã, thị trấn",
            "3.1. Cấp xã; 3.2. Cấp thôn, tổ dân phố; Trưởng các thôn, tổ dân phố",
        ),
        ("21952", "TT HU, HĐND huyện; Huyện ủy", "TT ĐU, HĐND xã; Đảng ủy xã"),
        ("52", "trên địa bàn huyện; Sở Lao động - TB&XH", "trên địa bàn tỉnh; Sở Nội vụ"),
        ("52", "UBND các xã, thị trấn; Phòng Lao động - TB&XH", "UBND các xã, phường; Sở Nội vụ"),
    ],
)
def test_standard_wording_fits_the_issuers_level(db, code, text, expected):
    load_today_directory(password=DEMO_PASSWORD)
    issuer = Place.objects.get(era=MapEra.FROM_2025, code=code)

    assert fit_text(text, issuer) == expected


def test_standard_wording_of_a_district_is_kept(world):
    text = "UBND huyện giao Phòng Lao động - TB&XH huyện; Cấp xã"

    assert fit_text(text, world.district) == text
