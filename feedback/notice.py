"""The conclusion notice of a dialogue session (Thông báo kết luận, TB-UBND): every printed line.

`build_notice(session)` reads the session, its conclusion (the chair's words as drafted), its
attendance and its questions in a fixed number of queries and returns a `NoticeDocument`: the
figures and the ordered lines of the notice. templates/feedback/document/notice.html only lays
them out. `conclusion_defaults(session)` gives the wording a new draft starts from.

Assignments list every question of the session still waiting for an answer that a unit (or, beyond
the district's powers, a competent authority) must answer in writing, and by when: the written
reply's due date set at the session; a question with no written reply decided has no deadline
in the notice ("Chưa định hạn": the date it was given to prepare an answer before the session is
not one). Questions given to no unit are named in a sentence after the table, not "given" to
"Chưa giao đơn vị".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from core.documents import Line, OfficialDocument, flat_text, number_line, signature_lines
from core.vietnamese import date_line, in_sentence, lines_of, office_in_sentence, roman, short_date
from directory.models import PlaceLevel
from notifications.models import Attendance
from plans.models import Plan
from sessions.models import HeldRecord, Participant, Session

from .models import OPEN_STATUSES, Channel, Question, QuestionStatus, SessionConclusion

DOC_TYPE = "THÔNG BÁO"
NO_UNIT = "Chưa giao đơn vị"
NO_DUE = "Chưa định hạn"
_DIALOGUE_LEADS = ("Tổ chức các hội nghị đối thoại", "Tổ chức hội nghị đối thoại", "Tổ chức đối thoại")


@dataclass
class Assignment:
    number: int
    question_id: int
    text: str
    asker: str
    unit: str
    due: datetime.date | None
    in_writing: bool
    # What a reader who may not see the asker's name reads instead, and what the rules
    # (feedback.view_asker) check: the same fields as on the question.
    place: str = ""
    commune_id: int | None = None
    assigned_unit_id: int | None = None

    @property
    def due_label(self) -> str:
        # No written reply decided yet: a unit's date to prepare an answer before the session is
        # no deadline of the notice.
        return short_date(self.due) if self.due else NO_DUE


@dataclass
class NoticeFigures:
    quota: int
    invited: int
    attended: int
    walk_ins: int
    questions: int
    before_session: int
    spoken: int
    written: int
    answered_at_session: int
    in_writing: int
    pending: int
    closed: int


@dataclass(kw_only=True)
class NoticeDocument(OfficialDocument):
    figures: NoticeFigures
    assignments: list[Assignment]
    body: list[Line]
    # Open questions no unit has been given: named after the table, not "given" to nobody.
    unassigned: list[Assignment] = field(default_factory=list)
    session_id: int = 0
    symbol: str = "TB-UBND"
    issued: bool = False

    def content_lines(self) -> list[str]:
        return flat_text(self.body)


def notice_symbol(plan: Plan) -> str:
    return plan.symbol_for("TB")


def meeting_name(plan: Plan) -> str:
    """ "Hội nghị đối thoại chính sách về giảm nghèo năm 2024", from the plan's summary."""
    text = plan.summary_one_line
    for lead in _DIALOGUE_LEADS:
        if text.lower().startswith(lead.lower()) and text[len(lead) :].strip():
            return f"Hội nghị đối thoại {text[len(lead) :].strip()}"
    kind = plan.get_kind_display()
    return f"Hội nghị {kind[:1].lower()}{kind[1:]} năm {plan.year}"


def _in_sentence(text: str) -> str:
    """ "Đồng chí Nguyễn Văn Bình, …" inside a sentence: "đồng chí Nguyễn Văn Bình, …"."""
    return "đồng chí" + text[len("Đồng chí") :] if text.startswith("Đồng chí") else text


def _attending_places(issuer) -> str:
    """The notice's recipients below the issuer: a commune's hamlets, else the communes."""
    if issuer.level == PlaceLevel.COMMUNE:
        return "Trưởng các thôn, tổ dân phố có người dân tham dự"
    return "UBND các xã, thị trấn có người dân tham dự"


def conclusion_defaults(session: Session) -> dict:
    """The wording a new draft starts from: the day, venue and chair the session was recorded as
    held with (the planned ones until it is), the plan's signer."""
    plan = session.plan
    issuer = plan.issuer
    held = HeldRecord.objects.filter(session=session).first()
    planned_chair = (
        session.chair.strip() or f"{office_in_sentence(plan.signer_title)} UBND {issuer.full_name}"
    )
    chair = held.chair if held is not None else planned_chair
    venue = session.venue_name + (f", {session.venue_address}" if session.venue_address else "")
    plan_ref = f"Kế hoạch số {plan.number_label}" if plan.number else "Kế hoạch"
    if plan.number and plan.issued_on:
        plan_ref += f" ngày {short_date(plan.issued_on)}"
    when = f"Ngày {short_date(session.date)}, tại" if session.has_fixed_date else "Tại"
    if held is not None:
        venue, when = held.venue, f"Ngày {short_date(held.held_on)}, tại"
    meeting = meeting_name(plan)
    return {
        "chair": chair,
        "opening": (
            f"{when} {venue}, Ủy ban nhân dân {issuer.full_name} tổ chức {meeting} theo {plan_ref} của "
            f"Ủy ban nhân dân {issuer.full_name}. {chair[:1].upper()}{chair[1:]} chủ trì hội nghị."
        ),
        "attendees": "",
        "summary": "",
        "closing": (
            f"Ủy ban nhân dân {issuer.full_name} thông báo để các cơ quan, đơn vị, địa phương "
            "biết, thực hiện./."
        ),
        "recipients": "\n".join(
            [
                f"Thường trực UBND {issuer.full_name}",
                "Các cơ quan, đơn vị được giao trả lời",
                _attending_places(issuer),
            ]
        ),
        "signer_authority": plan.signer_authority,
        "signer_delegation": plan.signer_delegation,
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
    }


def _ends_notice(text: str) -> str:
    text = text.rstrip()
    if text.endswith("./."):
        return text
    return (text[:-1] if text.endswith(".") else text) + "./."


def _figures(session: Session) -> NoticeFigures:
    attendance = Attendance.objects.filter(session=session).aggregate(
        n=Count("pk"), walk_ins=Count("pk", filter=Q(walk_in=True))
    )
    questions = Question.objects.filter(session=session, duplicate_of__isnull=True).aggregate(
        n=Count("pk"),
        before=Count("pk", filter=Q(channel=Channel.BEFORE_SESSION)),
        spoken=Count("pk", filter=Q(channel=Channel.SPOKEN)),
        written=Count("pk", filter=Q(channel=Channel.WRITTEN)),
        answered=Count("pk", filter=Q(status=QuestionStatus.ANSWERED_AT_SESSION)),
        in_writing=Count("pk", filter=Q(status=QuestionStatus.TO_ANSWER_IN_WRITING)),
        pending=Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES) & ~Q(status=QuestionStatus.TO_ANSWER_IN_WRITING),
        ),
        closed=Count("pk", filter=Q(status=QuestionStatus.CLOSED)),
    )
    quota = session.total_participants or sum(q.count for q in session.quotas.all())
    return NoticeFigures(
        quota=quota,
        invited=Participant.objects.filter(session=session).count(),
        attended=attendance["n"],
        walk_ins=attendance["walk_ins"],
        questions=questions["n"],
        before_session=questions["before"],
        spoken=questions["spoken"],
        written=questions["written"],
        answered_at_session=questions["answered"],
        in_writing=questions["in_writing"],
        pending=questions["pending"],
        closed=questions["closed"],
    )


def _assignments(session: Session) -> tuple[list[Assignment], list[Assignment]]:
    """Questions still waiting for an answer: those with a unit (or a competent authority) that
    must answer in writing, sent to a written reply first, then by due date; and those no one has
    been given yet, which the notice names apart rather than "giving" them to nobody.

    Only a written reply's due date is a deadline of the notice: the date a unit was given to
    prepare an answer before the session is over once the session is held."""
    rows, unassigned = [], []
    questions = Question.objects.filter(
        session=session, duplicate_of__isnull=True, status__in=OPEN_STATUSES
    ).select_related("assigned_unit", "written_reply", "commune")
    for question in questions:
        reply = getattr(question, "written_reply", None)
        if reply is not None and reply.beyond_district and reply.competent_authority:
            unit = reply.competent_authority
        elif question.assigned_unit is not None:
            unit = question.assigned_unit.name
        else:
            unit = NO_UNIT
        place = question.commune.full_name if question.commune else ""
        asker = question.asker_label + (f", {place}" if place else "")
        row = Assignment(
            number=0,
            question_id=question.pk,
            text=" ".join(question.text.split()),
            asker=asker,
            unit=unit,
            due=reply.due_date if reply is not None else None,
            in_writing=question.status == QuestionStatus.TO_ANSWER_IN_WRITING,
            place=place,
            commune_id=question.commune_id,
            assigned_unit_id=question.assigned_unit_id,
        )
        (unassigned if unit == NO_UNIT else rows).append(row)
    for group in (rows, unassigned):
        group.sort(key=lambda a: (not a.in_writing, a.due or datetime.date.max, a.question_id))
        for number, row in enumerate(group, start=1):
            row.number = number
    return rows, unassigned


def _unassigned_line(unassigned: list[Assignment], issuer) -> str:
    texts = "; ".join(f"«{in_sentence(row.text)}»" for row in unassigned)
    return (
        f"Còn {len(unassigned)} câu hỏi, kiến nghị chưa được giao cơ quan, đơn vị trả lời ({texts}); "
        f"Ủy ban nhân dân {issuer.full_name} sẽ giao cơ quan, đơn vị trả lời và thông báo hạn trả lời sau."
    )


def _people(figures: NoticeFigures) -> str:
    text = f"Số người dân tham dự hội nghị là {figures.attended} người"
    if figures.invited:
        text += f" trên tổng số {figures.invited} người được mời"
    elif figures.quota:
        text += f" trên chỉ tiêu {figures.quota} người"
    if figures.walk_ins:
        text += f", trong đó có {figures.walk_ins} người đến dự không có giấy mời"
    return text + "."


def _questions(figures: NoticeFigures) -> str:
    channels = [
        (figures.before_session, "câu do các xã gửi trước hội nghị"),
        (figures.spoken, "câu phát biểu tại hội nghị"),
        (figures.written, "câu viết tại hội nghị"),
    ]
    text = f"Hội nghị đã tiếp nhận {figures.questions} câu hỏi, kiến nghị của người dân"
    parts = [f"{n} {label}" for n, label in channels if n]
    if len(parts) > 1:
        text += f" ({', '.join(parts)})"
    outcomes = [
        (figures.answered_at_session, "đã được trả lời trực tiếp tại hội nghị"),
        (figures.closed, "đã được trả lời bằng văn bản"),
        (figures.in_writing, "sẽ được trả lời bằng văn bản sau hội nghị"),
        (figures.pending, "đang được các cơ quan, đơn vị xử lý"),
    ]
    said = [f"{n} câu {label}" for n, label in outcomes if n]
    if said:
        text += "; trong đó " + ", ".join(said)
    return text + "."


def build_notice(
    session: Session,
    *,
    today: datetime.date | None = None,
    asker_shown: Callable[[Assignment], bool] | None = None,
) -> NoticeDocument:
    """Every line of the notice of `session` from its saved conclusion (raises
    SessionConclusion.DoesNotExist without one). Reads only, in nine queries.

    `asker_shown` tells, for a page read by one person, whose askers' names they may read;
    the others' lines name only the commune. Without it (the printed notice) every name shows.
    """
    today = today or timezone.localdate()
    shown = asker_shown or (lambda assignment: True)
    session = Session.objects.select_related("plan__issuer").prefetch_related("quotas").get(pk=session.pk)
    plan = session.plan
    conclusion = SessionConclusion.objects.prefetch_related("items").get(session=session)
    items = [item.text for item in conclusion.items.all()]
    figures = _figures(session)
    assignments, unassigned = _assignments(session)
    symbol = notice_symbol(plan)
    issued = conclusion.is_issued and conclusion.number is not None and conclusion.issued_on is not None
    if issued:
        dated = date_line(plan.place_name, conclusion.issued_on)
    else:
        dated = date_line(plan.place_name, None, month=today.month, year=today.year)
    chair = _in_sentence(conclusion.chair.strip())
    body: list[Line] = [Line("paragraph", text=p) for p in lines_of(conclusion.opening)]
    attendees = lines_of(conclusion.attendees)
    if attendees:
        body.append(Line("paragraph", text=f"Tham dự hội nghị có: {' '.join(attendees)}"))
    body.append(Line("paragraph", text=_people(figures)))
    body += [
        Line("section", number=f"{roman(1)}.", lead="Ý KIẾN, KIẾN NGHỊ CỦA NGƯỜI DÂN"),
        Line("paragraph", text=_questions(figures)),
        *[Line("paragraph", text=p) for p in lines_of(conclusion.summary)],
        Line("section", number=f"{roman(2)}.", lead="KẾT LUẬN CỦA CHỦ TRÌ HỘI NGHỊ"),
        Line(
            "paragraph",
            text=f"Sau khi nghe ý kiến của người dân và giải đáp của các cơ quan, đơn vị, {chair} kết luận:",
        ),
        *[
            Line("paragraph", number=f"{i}.", text=" ".join(text.split()))
            for i, text in enumerate(items, start=1)
        ],
        Line("section", number=f"{roman(3)}.", lead="TỔ CHỨC THỰC HIỆN"),
    ]
    if assignments:
        body += [
            # "label": a lead-in that stays on the page of the table's first rows.
            Line(
                "label",
                text=f"Giao các cơ quan, đơn vị trả lời bằng văn bản cho người dân {len(assignments)} câu hỏi, "
                "kiến nghị chưa được trả lời xong tại hội nghị, bảo đảm đúng hạn như sau:",
            ),
            Line(
                "table",
                table="assignments",
                centred=(0, 4),
                header=["STT", "Nội dung câu hỏi, kiến nghị", "Người hỏi", "Đơn vị trả lời", "Hạn trả lời"],
                rows=[
                    [str(a.number), a.text, a.asker if shown(a) else a.place, a.unit, a.due_label]
                    for a in assignments
                ],
            ),
        ]
    elif not unassigned:
        body.append(
            Line(
                "paragraph",
                text="Các câu hỏi, kiến nghị của người dân đã được trả lời; không có nội dung phải trả lời "
                "bằng văn bản sau hội nghị.",
            )
        )
    if unassigned:
        body.append(Line("paragraph", text=_unassigned_line(unassigned, plan.issuer)))
    closing = lines_of(conclusion.closing) or [conclusion_defaults(session)["closing"]]
    closing[-1] = _ends_notice(closing[-1])
    body += [Line("paragraph", text=p) for p in closing]
    # Lines may be typed with or without the leading dash ("- Thường trực Huyện ủy;").
    recipients = [
        f"- {line.strip().lstrip('-–+ ').rstrip(';.')};" for line in lines_of(conclusion.recipients)
    ]
    recipients.append(f"- Lưu: {plan.archive.strip().rstrip('.')}.")
    return NoticeDocument(
        agency_parent=plan.agency_parent.upper(),
        agency_lines=plan.agency_lines,
        number_line=number_line(conclusion.number if issued else None, symbol),
        date_line=dated,
        doc_type=DOC_TYPE,
        summary_lines=[f"Kết luận của {chair}", f"tại {meeting_name(plan)}"],
        figures=figures,
        assignments=assignments,
        unassigned=unassigned,
        body=body,
        recipients=recipients,
        signature_lines=signature_lines(
            conclusion.signer_authority, conclusion.signer_delegation, conclusion.signer_title
        ),
        signer_name=conclusion.signer_name,
        session_id=session.pk,
        symbol=symbol,
        issued=issued,
    )
