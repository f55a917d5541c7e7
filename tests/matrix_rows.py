"""The expected answer of each URL pattern for each role (see test_url_matrix.py)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session as LoginSession
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.jobs import JobStatus
from feedback.models import (
    Answer,
    ConclusionStatus,
    QuestionStatus,
    ReportJob,
    SessionConclusion,
    WrittenReply,
)
from feedback.views.session_questions import UploadView as QuestionUploadView
from notifications.models import Attendance, BatchJob, JobKind, OutboxMessage, OutboxStatus, Purpose
from notifications.services.checkin import checkin_token
from plans.models import Plan, PlanStatus
from plans.planfile import import_plan
from sessions.models import HeldRecord, Session
from sessions.views import ParticipantUploadView

from .factories import ParticipantFactory, PlanFactory, QuestionFactory, QuotaFactory, SessionFactory
from .feedback.feedback_data import row as question_row
from .feedback.feedback_data import xlsx_bytes as question_xlsx
from .sessions.participant_data import people as participant_rows
from .sessions.participant_data import xlsx_bytes as participant_xlsx

ROLES = [
    "anonymous",
    "district_staff",
    "leader",
    "secretary",
    "commune_official",
    "other_commune_official",
    "department_officer",
]


@dataclass
class Row:
    url: Callable[[dict], str]
    expected: dict[str, int]
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda objects: {})
    # What the request changes, read back from the database: a role that may act (not anonymous,
    # not 403) must change it, every other role must leave it as it was. A redirect alone does
    # not tell a done action from a refused one.
    state: Callable[[dict], Any] | None = None
    # The state an allowed request leaves, where it is known in advance.
    changed_to: Callable[[dict], Any] | None = None
    # Run for each role before its request, with its client (e.g. a pending upload in its session).
    prepare: Callable[[dict, Any], None] | None = None

    def may_act(self, role: str) -> bool:
        return role != "anonymous" and self.expected[role] != 403


def value_of(key: str, name: str = "status") -> Callable[[dict], Any]:
    """One field of objects[key], read again from the database."""
    return lambda o: type(o[key])._default_manager.values_list(name, flat=True).get(pk=o[key].pk)


def rows_of(label: str, **where: str) -> Callable[[dict], list]:
    """The primary keys of a model's rows pointing at objects (``where``: field → key in objects)."""
    return lambda o: sorted(
        apps.get_model(label)
        .objects.filter(**{name: o[key] for name, key in where.items()})
        .values_list("pk", flat=True)
    )


def pending_upload(uploads: Callable, session: str, content: Callable[[], bytes], **meta) -> Callable:
    """A ``prepare`` keeping a checked file of the world's commune in the role's pending uploads,
    as the preview does (``uploads`` is the view's PendingUploads); the confirmation posts
    objects["token"]."""

    def prepare(o, client):
        login_session = client.session
        o["token"] = uploads(SimpleNamespace(session=login_session)).store(
            content(), session=o[session].pk, commune=o["world"].commune.pk, filename="tep.xlsx", **meta
        )
        login_session.save()

    return prepare


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES}


def only(allowed: set[str], ok: int = 200, denied: int = 403) -> dict[str, int]:
    return {role: 302 if role == "anonymous" else (ok if role in allowed else denied) for role in ROLES}


def build_objects(world) -> dict:
    """Objects the URLs point at; features add theirs here."""
    objects = {"world": world}
    for builder in OBJECT_BUILDERS:
        objects.update(builder(world))
    return objects


OBJECT_BUILDERS: list[Callable] = []

ROWS: dict[str, Row] = {
    "home": Row(lambda o: reverse("home"), everyone(200)),
    "accounts:login": Row(lambda o: reverse("accounts:login"), everyone(302, anonymous=200)),
    "directory:place.detail": Row(
        lambda o: reverse("directory:place.detail", args=[o["world"].commune.code]),
        only({"district_staff", "leader", "secretary", "department_officer", "commune_official"}),
    ),
    "accounts:logout": Row(
        lambda o: reverse("accounts:logout"),
        everyone(302, anonymous=302),
        method="post",
        state=lambda o: LoginSession.objects.count(),
    ),
    # Changing one's own password needs a login; asking for a reset link does not.
    "accounts:password.change": Row(lambda o: reverse("accounts:password.change"), everyone(200)),
    # Everyone's own profile: whoever is logged in sees and edits their own, nobody else's.
    "accounts:profile": Row(lambda o: reverse("accounts:profile"), everyone(200)),
    "accounts:password.change.done": Row(lambda o: reverse("accounts:password.change.done"), everyone(200)),
    "accounts:password.reset": Row(
        lambda o: reverse("accounts:password.reset"), everyone(200, anonymous=200)
    ),
    "accounts:password.reset.done": Row(
        lambda o: reverse("accounts:password.reset.done"), everyone(200, anonymous=200)
    ),
    # A made-up link: the page says it is not valid, to anyone.
    "accounts:password.reset.confirm": Row(
        lambda o: reverse("accounts:password.reset.confirm", args=["MQ", "khong-hop-le"]),
        everyone(200, anonymous=200),
    ),
    "accounts:password.reset.complete": Row(
        lambda o: reverse("accounts:password.reset.complete"), everyone(200, anonymous=200)
    ),
}


# ---------------------------------------------------------------- plans


def plan_file(world, **overrides) -> dict:
    """A small but complete plan file (docs/plan-format.md) for the world's district.

    Plan tests build their plans from this dict with plans.planfile.import_plan."""
    commune = world.commune.code
    data = {
        "file": "dialogue-plan",
        "version": 1,
        "issuer": world.district.code,
        "kind": "poverty",
        "year": 2024,
        "summary": "Tổ chức các hội nghị đối thoại chính sách giảm nghèo năm 2024",
        "place_name": "Tuy Phước",
        "preamble": "UBND huyện xây dựng Kế hoạch, cụ thể như sau:",
        "closing": "Trên đây là Kế hoạch tổ chức hội nghị đối thoại năm 2024.",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_delegation": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Hùng",
        "legal_bases": [
            {
                "kind": "trien_khai",
                "doc_type": "Kế hoạch",
                "number": "40/KH-UBND",
                "date": "2024-03-15",
                "issuer": "UBND huyện",
                "title": "về việc thực hiện Chương trình giảm nghèo năm 2024",
                "separator": ".",
            }
        ],
        "blocks": [
            {
                "kind": "section",
                "title": "Mục đích, yêu cầu",
                "role": "purposes",
                "children": [
                    {
                        "kind": "heading",
                        "title": "Mục đích",
                        "children": [{"kind": "bullet", "text": "Tuyên truyền chính sách giảm nghèo."}],
                    }
                ],
            },
            {
                "kind": "section",
                "title": "Thời gian, địa điểm",
                "role": "schedule",
                "children": [{"kind": "sessions_table"}],
            },
            {
                "kind": "section",
                "title": "Kinh phí thực hiện",
                "role": "budget",
                "children": [{"kind": "budget"}],
            },
        ],
        "budget_lines": [
            {
                "source": "Kinh phí thực hiện Tiểu dự án 2, Dự án 6",
                "amount": 64500000,
                "decision_type": "Quyết định",
                "decision_number": "1638/QĐ-UBND",
                "decision_date": "2024-03-29",
            }
        ],
        "sessions": [
            {
                "venue_name": "Nhà văn hóa xã Phước Hòa",
                "host_commune": commune,
                "communes": [commune],
                "time_kind": "month",
                "month": 4,
                "year": 2024,
                "total_participants": 200,
                "quotas": [{"place": commune, "count": 150}],
                "composition": [{"label": "Cấp xã", "count": 7, "multiplier": 3, "multiplier_label": "xã"}],
            }
        ],
        "recipients": [
            {"name": "Sở Lao động - TB&XH", "suffix": ""},
            {"name": "UBND các xã", "suffix": "(t/hiện)"},
        ],
        "archive": "VT",
        "appendices": [
            {
                "title": "CHƯƠNG TRÌNH",
                "rows": [{"time": "8h00 - 8h30", "content": "Đón tiếp đại biểu", "performer": "Văn phòng"}],
            }
        ],
    }
    data.update(overrides)
    return data


def build_plans(world) -> dict:
    staff = world.users["district_staff"]
    draft = import_plan(data=plan_file(world), user=staff)
    submitted = import_plan(data=plan_file(world, status="submitted"), user=staff, keep_status=True)
    approved = import_plan(data=plan_file(world, status="approved"), user=staff, keep_status=True)
    issued = import_plan(
        data=plan_file(world, status="issued", number=7, issued_on="2024-04-10"), user=staff, keep_status=True
    )
    return {
        "plan": draft,
        "section": draft.blocks.filter(parent=None).order_by("position").first(),
        "session": draft.sessions.first(),
        "submitted_plan": submitted,
        "approved_plan": approved,
        "issued_plan": issued,
    }


OBJECT_BUILDERS.append(build_plans)

OFFICE = {"district_staff", "leader", "secretary"}
STAFF = {"district_staff"}


def _plan_url(name: str, key: str = "plan"):
    return lambda o: reverse(f"plans:{name}", args=[o[key].pk])


ROWS.update(
    {
        "plans:plan.list": Row(lambda o: reverse("plans:plan.list"), everyone(200)),
        "plans:plan.create": Row(lambda o: reverse("plans:plan.create"), only(STAFF)),
        "plans:plan.import": Row(lambda o: reverse("plans:plan.import"), only(STAFF)),
        "plans:plan.detail": Row(_plan_url("plan.detail"), only(OFFICE)),
        "plans:plan.copy": Row(
            _plan_url("plan.copy"),
            only(STAFF, ok=302),
            method="post",
            state=lambda o: Plan.objects.count(),
        ),
        "plans:plan.copy_across": Row(
            lambda o: reverse("plans:plan.copy_across", args=[o["issued_plan"].pk]) + "?nam=2027", only(STAFF)
        ),
        "plans:plan.edit": Row(_plan_url("plan.edit"), only(STAFF)),
        "plans:plan.legal_bases": Row(_plan_url("plan.legal_bases"), only(STAFF)),
        "plans:plan.sections": Row(_plan_url("plan.sections"), only(STAFF)),
        "plans:plan.section": Row(
            lambda o: reverse("plans:plan.section", args=[o["plan"].pk, o["section"].pk]), only(STAFF)
        ),
        "plans:plan.budget": Row(_plan_url("plan.budget"), only(STAFF)),
        "plans:plan.sessions": Row(_plan_url("plan.sessions"), only(STAFF)),
        "plans:plan.session": Row(
            lambda o: reverse("plans:plan.session", args=[o["plan"].pk, o["session"].pk]), only(STAFF)
        ),
        "plans:plan.recipients": Row(_plan_url("plan.recipients"), only(STAFF)),
        "plans:plan.appendices": Row(_plan_url("plan.appendices"), only(STAFF)),
        "plans:plan.submit": Row(
            _plan_url("plan.submit"),
            only(STAFF, ok=302),
            method="post",
            state=value_of("plan"),
            changed_to=lambda o: PlanStatus.SUBMITTED,
        ),
        "plans:plan.approve": Row(
            _plan_url("plan.approve", "submitted_plan"),
            only({"leader"}, ok=302),
            method="post",
            state=value_of("submitted_plan"),
            changed_to=lambda o: PlanStatus.APPROVED,
        ),
        "plans:plan.return": Row(
            _plan_url("plan.return", "submitted_plan"),
            only({"leader"}, ok=302),
            method="post",
            data=lambda o: {"reason": "Bổ sung thành phần tham dự."},
            state=value_of("submitted_plan"),
            changed_to=lambda o: PlanStatus.DRAFT,
        ),
        "plans:plan.issue": Row(_plan_url("plan.issue", "approved_plan"), only({"leader"})),
        "plans:plan.pdf": Row(_plan_url("plan.pdf", "issued_plan"), everyone(200)),
        "plans:plan.preview": Row(_plan_url("plan.preview"), only(OFFICE)),
        "plans:plan.export": Row(_plan_url("plan.export", "issued_plan"), everyone(200)),
        "feedback:report.pdf": Row(
            lambda o: reverse("feedback:report.pdf", args=[o["issued_plan"].pk]), only(OFFICE)
        ),
        "feedback:report.xlsx": Row(
            lambda o: reverse("feedback:report.xlsx", args=[o["issued_plan"].pk]), only(OFFICE)
        ),
    }
)


# ---------------------------------------------------------------- sessions and participant lists


def build_sessions(world) -> dict:
    """An approved plan whose session gives quotas to both communes of the world, and two people
    on the commune's list, one already checked in."""
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    session = SessionFactory(plan=plan, host_commune=world.commune, time_kind="month", month=4, year=2024)
    QuotaFactory(session=session, count=150)
    QuotaFactory(session=session, place=world.other_commune, count=50, position=1)
    person = ParticipantFactory(session=session, full_name="Ngô Thị Lựu", row_number=1)
    Attendance.objects.create(
        session=session,
        participant=person,
        full_name=person.full_name,
        commune=world.commune,
        checked_in_at=timezone.now(),
    )
    absent = ParticipantFactory(session=session, full_name="Đỗ Văn Hải", row_number=2)
    return {"quota_session": session, "listed_person": person, "absent_person": absent}


OBJECT_BUILDERS.append(build_sessions)

VIEWERS = OFFICE | {"commune_official"}
EDITORS = {"district_staff", "commune_official"}


def _list_url(name: str):
    return lambda o: reverse(f"sessions:{name}", args=[o["quota_session"].pk, o["world"].commune.code])


ROWS.update(
    {
        "sessions:session.list": Row(lambda o: reverse("sessions:session.list"), everyone(200)),
        "sessions:session.detail": Row(
            lambda o: reverse("sessions:session.detail", args=[o["quota_session"].pk]), everyone(200)
        ),
        "sessions:participants.list": Row(_list_url("participants.list"), only(VIEWERS)),
        "sessions:participants.template": Row(_list_url("participants.template"), only(EDITORS)),
        "sessions:participants.upload": Row(_list_url("participants.upload"), only(EDITORS)),
        # Every role holds a checked file of the commune; only the editors may save it.
        "sessions:participants.confirm": Row(
            _list_url("participants.confirm"),
            only(EDITORS, ok=302),
            method="post",
            prepare=pending_upload(
                ParticipantUploadView.pending_for,
                "quota_session",
                lambda: participant_xlsx(participant_rows(3)),
                replace=False,
            ),
            data=lambda o: {"token": o["token"]},
            state=rows_of("dialogue_sessions.Participant", session="quota_session"),
        ),
        "sessions:participants.edit": Row(
            lambda o: reverse(
                "sessions:participants.edit",
                args=[o["quota_session"].pk, o["world"].commune.code, o["listed_person"].pk],
            ),
            only(EDITORS),
        ),
        # (A person checked in at the door is kept: tests/sessions/test_participant_edit.py.)
        "sessions:participants.delete": Row(
            lambda o: reverse(
                "sessions:participants.delete",
                args=[o["quota_session"].pk, o["world"].commune.code, o["absent_person"].pk],
            ),
            only(EDITORS, ok=302),
            method="post",
            state=rows_of("dialogue_sessions.Participant", session="quota_session"),
        ),
        "sessions:participants.export": Row(_list_url("participants.export"), only(VIEWERS)),
        "sessions:participants.signin": Row(_list_url("participants.signin"), only(VIEWERS)),
    }
)


# ---------------------------------------------------------------- invitations, calendars, check-in


def build_notifications(world) -> dict:
    """An approved plan with a dated session whose secretary is the world's secretary, a
    participant without email in the commune, one with email elsewhere and a failed email."""
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    session = SessionFactory(
        plan=plan,
        host_commune=world.commune,
        date=datetime.date(2024, 5, 6),
        start_time=datetime.time(7, 30),
        end_time=datetime.time(11, 0),
        secretary=world.users["secretary"],
    )
    QuotaFactory(session=session, count=20)
    QuotaFactory(session=session, place=world.other_commune, count=10, position=1)
    # Held on its day (recorded), so its results may be published.
    HeldRecord.objects.create(
        session=session,
        held_on=session.date,
        venue=session.venue_name,
        chair="Phó Chủ tịch UBND huyện",
        recorded_at=timezone.now(),
    )
    guest = ParticipantFactory(session=session, full_name="Lê Thị Mai", row_number=1)
    emailed = ParticipantFactory(
        session=session,
        commune=world.other_commune,
        full_name="Phạm Văn Tâm",
        email="tam@example.vn",
        row_number=1,
    )
    failed = OutboxMessage.objects.create(
        purpose=Purpose.INVITATION,
        dedupe_key=f"invitation:s{session.pk}:p{emailed.pk}",
        session=session,
        participant=emailed,
        to_email=emailed.email,
        subject="Giấy mời",
        body_text="Kính mời",
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="550 5.1.1 Không có hộp thư này",
    )
    # Check-in is open only on the session's day: the door's rows use a session held today, with
    # one person already checked in (to be undone).
    door = SessionFactory(
        plan=plan, host_commune=world.commune, date=timezone.localdate(), secretary=world.users["secretary"]
    )
    QuotaFactory(session=door, count=20)
    door_guest = ParticipantFactory(session=door, full_name="Lê Thị Mai", row_number=1)
    arrived = ParticipantFactory(session=door, full_name="Trần Văn Lợi", row_number=2)
    checked_in = Attendance.objects.create(
        session=door,
        participant=arrived,
        full_name=arrived.full_name,
        commune=arrived.commune,
        category=arrived.category,
        checked_in_at=timezone.now(),
    )
    return {
        "dated_session": session,
        "dated_plan": plan,
        "guest": guest,
        "guest_token": checkin_token(session_id=session.pk, participant_id=guest.pk),
        "failed_message": failed,
        "door_session": door,
        "door_guest": door_guest,
        "door_token": checkin_token(session_id=door.pk, participant_id=door_guest.pk),
        "checked_in": checked_in,
    }


OBJECT_BUILDERS.append(build_notifications)


def _dated_url(name: str):
    return lambda o: reverse(f"notifications:{name}", args=[o["dated_session"].pk])


def _door_url(name: str):
    return lambda o: reverse(f"notifications:{name}", args=[o["door_session"].pk])


ROWS.update(
    {
        "notifications:invitations.detail": Row(_dated_url("invitations.detail"), only(OFFICE)),
        # The worker sends the failed letter again with the others.
        "notifications:invitations.send": Row(
            _dated_url("invitations.send"),
            only(OFFICE, ok=302),
            method="post",
            state=value_of("failed_message"),
            changed_to=lambda o: OutboxStatus.SENT,
        ),
        "notifications:outbox.resend": Row(
            lambda o: reverse(
                "notifications:outbox.resend", args=[o["dated_session"].pk, o["failed_message"].pk]
            ),
            only(OFFICE, ok=302),
            method="post",
            state=value_of("failed_message"),
            changed_to=lambda o: OutboxStatus.SENT,
        ),
        "notifications:invitations.pdf": Row(
            lambda o: (
                reverse("notifications:invitations.pdf", args=[o["dated_session"].pk])
                + f"?commune={o['world'].commune.code}"
            ),
            only(VIEWERS),
        ),
        "notifications:session.ics": Row(_dated_url("session.ics"), everyone(200)),
        "notifications:plan.ics": Row(
            lambda o: reverse("notifications:plan.ics", args=[o["dated_plan"].pk]), everyone(200)
        ),
        "notifications:checkin": Row(_door_url("checkin"), only(OFFICE)),
        "notifications:checkin.scan": Row(
            _door_url("checkin.scan"),
            only(OFFICE, ok=302),
            method="post",
            data=lambda o: {"token": o["door_token"]},
            state=rows_of("notifications.Attendance", participant="door_guest"),
        ),
        "notifications:checkin.mark": Row(
            _door_url("checkin.mark"),
            only(OFFICE, ok=302),
            method="post",
            data=lambda o: {"participant": o["door_guest"].pk},
            state=rows_of("notifications.Attendance", participant="door_guest"),
        ),
        "notifications:checkin.walkin": Row(
            _door_url("checkin.walkin"),
            only(OFFICE, ok=302),
            method="post",
            data=lambda o: {"full_name": "Võ Văn Ba", "commune": o["world"].other_commune.pk},
            state=rows_of("notifications.Attendance", session="door_session"),
        ),
        "notifications:checkin.undo": Row(
            _door_url("checkin.undo"),
            only(OFFICE, ok=302),
            method="post",
            data=lambda o: {"attendance": o["checked_in"].pk},
            state=rows_of("notifications.Attendance", session="door_session"),
        ),
        "sessions:held.record": Row(
            lambda o: reverse("sessions:held.record", args=[o["door_session"].pk]), only(OFFICE)
        ),
        "sessions:checkin_window.edit": Row(
            lambda o: reverse("sessions:checkin_window.edit", args=[o["door_session"].pk]),
            only({"district_staff"}),
        ),
    }
)


# ---------------------------------------------------------------- questions and answers


def build_feedback(world) -> dict:
    """A session of an approved plan that concerns only the world's commune, with one question
    in each state a page needs: new, assigned to world.unit, answer drafted, awaiting a written reply."""
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    session = SessionFactory(plan=plan, venue_name="Nhà văn hóa xã Phước Hòa", host_commune=world.commune)
    QuotaFactory(session=session)
    due = datetime.date.today() + datetime.timedelta(days=10)

    def question(status, **fields):
        return QuestionFactory(session=session, status=status, **fields)

    assigned = {"assigned_unit": world.unit, "due_date": due}
    drafted = question(QuestionStatus.ANSWER_DRAFTED, **assigned)
    Answer.objects.create(question=drafted, unit=world.unit, text="Liên hệ Ngân hàng Chính sách xã hội.")
    writing = question(QuestionStatus.TO_ANSWER_IN_WRITING, **assigned)
    WrittenReply.objects.create(question=writing, due_date=due)
    closed = question(QuestionStatus.CLOSED, **assigned)
    reply = WrittenReply(question=closed, due_date=due, document_number="12/UBND", document_date=due)
    reply.closed_at = timezone.now()
    reply.file.save("tra-loi.pdf", ContentFile(b"%PDF-1.4 tra loi"), save=False)
    reply.save()
    return {
        "closed_question": closed,
        "feedback_session": session,
        "new_question": question(QuestionStatus.NEW),
        "assigned_question": question(QuestionStatus.ASSIGNED, **assigned),
        "drafted_question": drafted,
        "writing_question": writing,
    }


OBJECT_BUILDERS.append(build_feedback)


def _question_url(name: str, key: str = "new_question"):
    return lambda o: reverse(f"feedback:{name}", args=[o[key].pk])


def _feedback_session_url(name: str):
    return lambda o: reverse(f"feedback:{name}", args=[o["feedback_session"].pk])


COMMUNE = {"commune_official"}
ROWS.update(
    {
        "feedback:question.list": Row(lambda o: reverse("feedback:question.list"), everyone(200)),
        "feedback:dashboard": Row(
            lambda o: reverse("feedback:dashboard"), only({"district_staff", "leader"})
        ),
        "feedback:question.detail": Row(_question_url("question.detail"), only(OFFICE | COMMUNE)),
        # The unit it was assigned to may read it too; the other commune may not.
        "feedback:reply.file": Row(
            _question_url("reply.file", "closed_question"), only(OFFICE | COMMUNE | {"department_officer"})
        ),
        "feedback:question.assign": Row(_question_url("question.assign"), only(STAFF)),
        "feedback:question.merge": Row(_question_url("question.merge"), only(STAFF)),
        "feedback:answer.draft": Row(
            _question_url("answer.draft", "assigned_question"), only({"department_officer"})
        ),
        "feedback:answer.approve": Row(
            _question_url("answer.approve", "drafted_question"),
            only({"leader"}, ok=302),
            method="post",
            state=value_of("drafted_question"),
        ),
        # Returning a draft for changes: a leader of the territory, with a reason.
        "feedback:answer.return": Row(
            _question_url("answer.return", "drafted_question"),
            only({"leader"}, ok=302),
            method="post",
            data=lambda o: {"reason": "Bổ sung mức vay cụ thể."},
            state=value_of("drafted_question"),
            changed_to=lambda o: QuestionStatus.ASSIGNED,
        ),
        # Handing back a question that is not the unit's: only the unit it was given to.
        "feedback:question.hand_back": Row(
            _question_url("question.hand_back", "assigned_question"),
            only({"department_officer"}, ok=302),
            method="post",
            data=lambda o: {"reason": "Thuộc thẩm quyền của Bảo hiểm xã hội huyện."},
            state=value_of("assigned_question"),
            changed_to=lambda o: QuestionStatus.NEW,
        ),
        "feedback:question.answered": Row(_question_url("question.answered"), only({"secretary"})),
        "feedback:question.writing": Row(_question_url("question.writing"), only({"secretary"})),
        "feedback:reply.record": Row(
            _question_url("reply.record", "writing_question"), only({"district_staff", "department_officer"})
        ),
        "feedback:question.submit": Row(_feedback_session_url("question.submit"), only(COMMUNE)),
        "feedback:question.upload": Row(_feedback_session_url("question.upload"), only(COMMUNE)),
        "feedback:question.template": Row(_feedback_session_url("question.template"), only(COMMUNE)),
        # Every role holds a checked file of the commune; only its official may save it.
        "feedback:question.confirm": Row(
            _feedback_session_url("question.confirm"),
            only(COMMUNE, ok=302),
            method="post",
            prepare=pending_upload(
                QuestionUploadView.pending_for, "feedback_session", lambda: question_xlsx([question_row(1)])
            ),
            data=lambda o: {"token": o["token"]},
            state=rows_of("feedback.Question", session="feedback_session"),
        ),
        "feedback:question.record": Row(_feedback_session_url("question.record"), only({"secretary"})),
    }
)


# ---------------------------------------------------------------- long batches (letters, sending)


def _finished_letters_job(o):
    """A finished letters job of the dated session, made once per matrix row."""
    if "letters_job" not in o:
        job = BatchJob(
            kind=JobKind.LETTERS,
            session=o["dated_session"],
            status=JobStatus.DONE,
            total=2,
            done=2,
            finished_at=timezone.now(),
        )
        job.result.save("giay-moi.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        job.save()
        o["letters_job"] = job
    return o["letters_job"]


def _job_url(name: str):
    return lambda o: reverse(
        f"notifications:{name}", args=[o["dated_session"].pk, _finished_letters_job(o).pk]
    )


ROWS.update(
    {
        "notifications:job.start_letters": Row(
            _dated_url("job.start_letters"),
            only(OFFICE, ok=302),
            method="post",
            state=rows_of("notifications.BatchJob", session="dated_session"),
        ),
        "notifications:job.progress": Row(_job_url("job.progress"), only(OFFICE)),
        "notifications:job.download": Row(_job_url("job.download"), only(OFFICE)),
        "notifications:job.sending": Row(_dated_url("job.sending"), only(OFFICE)),
    }
)


# ---------------------------------------------------------------- public notice and results


def build_public(world) -> dict:
    """A held session whose notice and results district staff have published."""
    plan = PlanFactory(issuer=world.district, status=PlanStatus.APPROVED)
    session = Session.objects.create(
        plan=plan,
        venue_name="Hội trường UBND xã Phước An",
        host_commune=world.other_commune,
        time_kind="exact",
        date=datetime.date(2024, 5, 6),
        notice_published_at=timezone.now(),
        notice_time="06/05/2024",
        notice_venue="Hội trường UBND xã Phước An",
        notice_topics="Chính sách giảm nghèo",
        results_published_at=timezone.now(),
    )
    return {"published_session": session}


OBJECT_BUILDERS.append(build_public)

ROWS.update(
    {
        # The notice form and the results button of the dated session (held on 06/05/2024).
        "sessions:notice.publish": Row(
            lambda o: reverse("sessions:notice.publish", args=[o["dated_session"].pk]),
            only({"district_staff"}),
        ),
        "sessions:results.publish": Row(
            lambda o: reverse("sessions:results.publish", args=[o["dated_session"].pk]),
            only({"district_staff"}, ok=302),
            method="post",
            state=lambda o: value_of("dated_session", "results_published_at")(o) is not None,
        ),
        "sessions:results.withdraw": Row(
            lambda o: reverse("sessions:results.withdraw", args=[o["published_session"].pk]),
            only({"district_staff"}, ok=302),
            method="post",
            state=lambda o: value_of("published_session", "results_published_at")(o) is not None,
        ),
        # Open to everyone, logged in or not, once published.
        "public:session.detail": Row(
            lambda o: reverse("public:session.detail", args=[o["published_session"].pk]),
            everyone(200, anonymous=200),
        ),
    }
)


# ---------------------------------------------------------------- conclusion notice of a session


def _conclusion_session(o, *, issued: bool = False):
    """The feedback session with its secretary and a draft (or issued) notice, made once per row."""
    session = o["feedback_session"]
    if "conclusion" not in o:
        session.secretary = o["world"].users["secretary"]
        session.save(update_fields=["secretary"])
        conclusion = SessionConclusion(
            session=session,
            chair="Phó Chủ tịch UBND huyện Tuy Phước",
            opening="Ủy ban nhân dân huyện Tuy Phước tổ chức hội nghị đối thoại.",
            summary="Người dân hỏi về vay vốn.",
            closing="Thông báo để các cơ quan, đơn vị biết, thực hiện./.",
            recipients="Các phòng, ban",
            signer_title="PHÓ CHỦ TỊCH",
            signer_name="Nguyễn Văn Bình",
        )
        if issued:
            conclusion.status, conclusion.number = ConclusionStatus.ISSUED, 1
            conclusion.issued_on = datetime.date(2024, 5, 12)
            conclusion.issued_pdf.save("tb.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        conclusion.save()
        o["conclusion"] = conclusion
    return session


def _conclusion_url(name: str, *, issued: bool = False):
    return lambda o: reverse(f"feedback:{name}", args=[_conclusion_session(o, issued=issued).pk])


ROWS.update(
    {
        "feedback:conclusion.detail": Row(_conclusion_url("conclusion.detail"), only(OFFICE)),
        "feedback:conclusion.edit": Row(
            _conclusion_url("conclusion.edit"), only({"district_staff", "secretary"})
        ),
        "feedback:conclusion.issue": Row(_conclusion_url("conclusion.issue"), only({"leader"})),
        # Once issued, the communes and units it concerns read it too.
        "feedback:conclusion.pdf": Row(
            _conclusion_url("conclusion.pdf", issued=True),
            only(OFFICE | COMMUNE | {"department_officer"}),
        ),
    }
)


# ---------------------------------------------------------------- results report printed in the worker


def _finished_report_job(o):
    """A finished report job of the issued plan, made once per matrix row."""
    if "report_job" not in o:
        job = ReportJob(
            plan=o["issued_plan"],
            status=JobStatus.DONE,
            done=100,
            finished_at=timezone.now(),
            filename="bc.pdf",
        )
        job.result.save("bc.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        job.save()
        o["report_job"] = job
    return o["report_job"]


def _report_job_url(name: str):
    return lambda o: reverse(f"feedback:{name}", args=[o["issued_plan"].pk, _finished_report_job(o).pk])


ROWS.update(
    {
        # Without htmx the start sends the user to the job's page.
        "feedback:report.start": Row(
            lambda o: reverse("feedback:report.start", args=[o["issued_plan"].pk]),
            only(OFFICE, ok=302),
            method="post",
            state=rows_of("feedback.ReportJob", plan="issued_plan"),
        ),
        "feedback:report.progress": Row(_report_job_url("report.progress"), only(OFFICE)),
        "feedback:report.download": Row(_report_job_url("report.download"), only(OFFICE)),
    }
)
