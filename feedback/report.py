"""The results report of a dialogue plan (Báo cáo, BC-UBND): every figure and every printed line.

`build_report(plan)` reads the database in a fixed number of queries, whatever the number of
sessions, communes or questions, and returns a `ReportDocument`: the figures (for the PDF
tables and charts and for the xlsx export) and the ordered lines of the printed report.
templates/feedback/document/report.html only lays the lines out.

Merged duplicates (`duplicate_of` set) are not counted: the question they repeat already is.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.documents import Line, OfficialDocument, flat_text, number_line, signature_lines
from core.vietnamese import date_line, roman, short_date
from directory.models import MapEra, Place, PlaceKind, PlaceLevel
from notifications.models import Attendance
from plans.models import Plan
from sessions.models import HeldRecord, Quota, Session

from .models import Question, QuestionStatus, Topic

DOC_TYPE = "BÁO CÁO"
SUMMARY_PREFIX = "Kết quả tổ chức hội nghị đối thoại"
NO_UNIT = "Chưa giao đơn vị"


@dataclass
class SessionRow:
    number: int
    venue: str
    time_label: str
    held: bool
    attended: int
    quota: int

    @property
    def status_label(self) -> str:
        return "Đã tổ chức" if self.held else "Chưa tổ chức"


@dataclass
class CommuneRow:
    name: str
    quota: int
    attended: int

    @property
    def rate_label(self) -> str:
        if not self.quota:
            return "-"
        return f"{self.attended * 100 / self.quota:.1f}".replace(".", ",") + "%"


@dataclass
class CountRow:
    label: str
    count: int


@dataclass
class QuestionRow:
    number: int
    text: str
    asker: str
    commune: str
    topic: str
    unit: str
    status: str
    answer: str


@dataclass(kw_only=True)
class ReportDocument(OfficialDocument):
    addressees: list[str]
    sessions: list[SessionRow]
    communes: list[CommuneRow]
    topics: list[CountRow]
    units: list[CountRow]
    statuses: list[CountRow]
    questions: list[QuestionRow]
    body: list[Line]
    plan_id: int = 0
    symbol: str = "BC-UBND"

    @property
    def sessions_planned(self) -> int:
        return len(self.sessions)

    @property
    def sessions_held(self) -> int:
        return sum(1 for row in self.sessions if row.held)

    @property
    def quota_total(self) -> int:
        return sum(row.quota for row in self.communes)

    @property
    def attended_total(self) -> int:
        return sum(row.attended for row in self.communes)

    @property
    def question_total(self) -> int:
        return sum(row.count for row in self.topics)

    def content_lines(self) -> list[str]:
        return ["Kính gửi:", *self.addressees, *flat_text(self.body)]


def default_addressees(issuer: Place) -> list[str]:
    """Who the report goes up to: the labour department and the standing committee above the issuer."""
    superior = issuer.parent
    if issuer.era == MapEra.FROM_2025:
        # Since 2025 the labour and social affairs work is the home affairs offices' (Bộ, Sở Nội vụ).
        if superior is None:
            return ["Bộ Nội vụ", "Văn phòng Chính phủ"]
        return ["Sở Nội vụ", f"Thường trực UBND {superior.full_name}"]
    if superior is None or issuer.kind in {PlaceKind.TINH, PlaceKind.THANH_PHO_TW}:
        return ["Bộ Lao động - Thương binh và Xã hội", "Văn phòng Chính phủ"]
    if superior.kind in {PlaceKind.TINH, PlaceKind.THANH_PHO_TW}:
        return ["Sở Lao động - Thương binh và Xã hội", f"Thường trực UBND {superior.full_name}"]
    # A commune reports to its district's office of labour.
    return ["Phòng Lao động - Thương binh và Xã hội", f"Thường trực UBND {superior.full_name}"]


def _summary(plan: Plan) -> str:
    text = plan.summary_one_line
    for lead in ("Tổ chức các hội nghị đối thoại", "Tổ chức hội nghị đối thoại", "Tổ chức đối thoại"):
        if text.lower().startswith(lead.lower()):
            rest = text[len(lead) :].strip()
            return f"{SUMMARY_PREFIX} {rest}" if rest else f"{SUMMARY_PREFIX} năm {plan.year}"
    return f"{SUMMARY_PREFIX} theo Kế hoạch {plan.number_label} năm {plan.year}"


def _answer_text(question: Question) -> str:
    answer = getattr(question, "answer", None)
    reply = getattr(question, "written_reply", None)
    if reply is not None:
        if reply.closed_at or reply.document_number:
            when = f" ngày {short_date(reply.document_date)}" if reply.document_date else ""
            return f"Đã trả lời bằng văn bản số {reply.document_number}{when}."
        authority = f" (chuyển {reply.competent_authority})" if reply.beyond_district else ""
        return f"Trả lời bằng văn bản{authority}, hạn {short_date(reply.due_date)}."
    if answer is not None:
        if answer.given_at_session:
            summary = answer.session_summary or answer.text
            return (
                f"{summary} ({answer.given_by})"
                if summary
                else f"Đã trả lời tại hội nghị ({answer.given_by})."
            )
        if answer.text and answer.approved_at:
            return answer.text
    return ""


def _report_questions(plan: Plan):
    return Question.objects.filter(session__plan=plan, duplicate_of__isnull=True)


def build_report(
    plan: Plan,
    *,
    addressees: Sequence[str] | None = None,
    today: datetime.date | None = None,
) -> ReportDocument:
    """Every figure of the report in nine queries. Reads only."""
    today = today or timezone.localdate()
    plan = Plan.objects.select_related("issuer__parent").get(pk=plan.pk)
    sessions = list(
        Session.objects.filter(plan=plan)
        .annotate(
            # Subqueries, not joins: joining both would multiply the quota sum by the attendance rows.
            attended=_subquery_count(Attendance.objects.filter(session=OuterRef("pk"))),
            quota_total=Subquery(
                Quota.objects.filter(session=OuterRef("pk"))
                .values("session")
                .annotate(total=Sum("count"))
                .values("total")
            ),
            # Held only by the record the secretary or the office entered: neither a check-in
            # (made too early, or by mistake) nor a date gone by says it took place.
            held=Exists(HeldRecord.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("position", "id")
    )
    session_rows = [
        SessionRow(
            number=i,
            venue=s.venue_name,
            time_label=s.time_label,
            held=s.held,
            attended=s.attended,
            quota=s.total_participants or s.quota_total or 0,
        )
        for i, s in enumerate(sessions, start=1)
    ]
    communes = _communes(plan)
    questions = _report_questions(plan)
    topics = [
        CountRow(t.name, t.n)
        for t in Topic.objects.annotate(
            n=Count(
                "questions",
                filter=Q(questions__session__plan=plan, questions__duplicate_of__isnull=True),
            )
        ).order_by("position", "id")
        if t.n
    ]
    units = [
        CountRow(row["assigned_unit__short_name"] or row["assigned_unit__name"] or NO_UNIT, row["n"])
        for row in questions.values("assigned_unit_id", "assigned_unit__short_name", "assigned_unit__name")
        .annotate(n=Count("pk"))
        .order_by("assigned_unit__short_name", "assigned_unit_id")
    ]
    # Units first, "not yet assigned" last.
    units.sort(key=lambda row: row.label == NO_UNIT)
    status_counts = dict(questions.values_list("status").annotate(n=Count("pk")).order_by())
    statuses = [
        CountRow(label, status_counts[value])
        for value, label in QuestionStatus.choices
        if value in status_counts
    ]
    question_rows = [
        QuestionRow(
            number=i,
            text=q.text,
            asker=q.asker_label,
            commune=q.commune.name if q.commune else "",
            topic=q.topic.name,
            unit=str(q.assigned_unit) if q.assigned_unit else "",
            status=q.get_status_display(),
            answer=_answer_text(q),
        )
        for i, q in enumerate(
            questions.select_related(
                "commune", "topic", "assigned_unit", "answer", "written_reply", "session"
            ).order_by("session__position", "session_id", "pk"),
            start=1,
        )
    ]
    addressees = list(addressees) if addressees is not None else default_addressees(plan.issuer)
    document = ReportDocument(
        agency_parent=plan.agency_parent.upper(),
        agency_lines=plan.agency_lines,
        number_line=number_line(None, plan.symbol_for("BC")),
        date_line=date_line(plan.place_name, None, month=today.month, year=today.year),
        doc_type=DOC_TYPE,
        summary_lines=[_summary(plan)],
        addressees=[f"- {name.strip().rstrip(';.')};" for name in addressees],
        sessions=session_rows,
        communes=communes,
        topics=topics,
        units=units,
        statuses=statuses,
        questions=question_rows,
        body=[],
        recipients=["- Như trên;", f"- Lưu: {plan.archive}."],
        signature_lines=signature_lines(plan.signer_authority, plan.signer_delegation, plan.signer_title),
        signer_name=plan.signer_name,
        plan_id=plan.pk,
        symbol=plan.symbol_for("BC"),
    )
    document.body = _body(plan, document)
    return document


def _subquery_count(queryset) -> Coalesce:
    counted = queryset.order_by().values("session").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _communes(plan: Plan) -> list[CommuneRow]:
    """Quota and attendance per commune (two queries): communes in quota order, then walk-in communes."""
    quotas = (
        Quota.objects.filter(session__plan=plan)
        .values("place_id", "place__name")
        .annotate(total=Sum("count"))
        .order_by("place__code")
    )
    rows: dict[int, CommuneRow] = {
        q["place_id"]: CommuneRow(name=q["place__name"], quota=q["total"], attended=0) for q in quotas
    }
    attendance = (
        Attendance.objects.filter(session__plan=plan)
        .values("commune_id", "commune__name")
        .annotate(n=Count("pk"))
        .order_by("commune__code")
    )
    for a in attendance:
        row = rows.setdefault(a["commune_id"], CommuneRow(name=a["commune__name"], quota=0, attended=0))
        row.attended = a["n"]
    return list(rows.values())


def _count_table(rows: list[CountRow], first: str) -> Line:
    total = sum(r.count for r in rows)
    return Line(
        "table",
        table="counts",
        centred=(0, 2),
        header=["STT", first, "Số câu hỏi"],
        rows=[[str(i), r.label, str(r.count)] for i, r in enumerate(rows, start=1)]
        + [["", "Tổng cộng", str(total)]],
    )


def _body(plan: Plan, doc: ReportDocument) -> list[Line]:
    # The places that received quotas: a commune's own plan gives them to its hamlets.
    hamlets = plan.issuer.level == PlaceLevel.COMMUNE
    places, place_word = ("thôn, tổ dân phố", "thôn") if hamlets else ("xã, thị trấn", "xã")
    plan_ref = f"Kế hoạch số {plan.number_label}" if plan.number else "Kế hoạch"
    if plan.number and plan.issued_on:
        plan_ref += f" ngày {short_date(plan.issued_on)}"
    issuer = f"Ủy ban nhân dân {plan.issuer.full_name}"
    body: list[Line] = [
        Line(
            "paragraph",
            text=f"Thực hiện {plan_ref} của {issuer} về {plan.summary_one_line[:1].lower()}"
            f"{plan.summary_one_line[1:]}, {issuer} báo cáo kết quả như sau:",
        ),
        Line("section", number=f"{roman(1)}.", lead="KẾT QUẢ TỔ CHỨC HỘI NGHỊ"),
        Line("heading", number="1.", lead="Số hội nghị đã tổ chức"),
        Line(
            "paragraph",
            text=f"Theo kế hoạch tổ chức {doc.sessions_planned:02d} hội nghị; "
            f"đã tổ chức {doc.sessions_held:02d}/{doc.sessions_planned:02d} hội nghị.",
        ),
        Line(
            "table",
            table="sessions",
            centred=(0, 2, 3, 4),
            header=["STT", "Địa điểm", "Thời gian", "Tình hình", "Số người dự"],
            rows=[
                [str(r.number), r.venue, r.time_label, r.status_label, str(r.attended)] for r in doc.sessions
            ],
        ),
        Line("heading", number="2.", lead="Số người dân tham dự"),
        Line(
            "paragraph",
            text=f"Tổng số người dân tham dự là {doc.attended_total} người trên chỉ tiêu "
            f"{doc.quota_total} người được phân bổ cho các {places}.",
        ),
        Line(
            "table",
            table="communes",
            centred=(0, 2, 3, 4),
            header=["STT", places[:1].upper() + places[1:], "Chỉ tiêu", "Tham dự", "Tỷ lệ"],
            rows=[
                [str(i), r.name, str(r.quota), str(r.attended), r.rate_label]
                for i, r in enumerate(doc.communes, 1)
            ]
            + [["", "Tổng cộng", str(doc.quota_total), str(doc.attended_total), _rate(doc)]],
        ),
        Line(
            "chart", chart="attendance", text=f"Biểu đồ 1. Số người tham dự so với chỉ tiêu theo {place_word}"
        ),
        Line("section", number=f"{roman(2)}.", lead="KẾT QUẢ TIẾP NHẬN VÀ TRẢ LỜI CÂU HỎI"),
        Line(
            "paragraph",
            text=f"Tổng số câu hỏi, kiến nghị của người dân đã tiếp nhận là {doc.question_total} câu hỏi "
            "(không tính các câu hỏi trùng đã được gộp).",
        ),
        Line("heading", number="1.", lead="Câu hỏi theo lĩnh vực"),
        _count_table(doc.topics, "Lĩnh vực"),
        Line("chart", chart="topics", text="Biểu đồ 2. Số câu hỏi theo lĩnh vực"),
        Line("heading", number="2.", lead="Câu hỏi theo đơn vị trả lời"),
        _count_table(doc.units, "Đơn vị"),
        Line("heading", number="3.", lead="Câu hỏi theo tình trạng trả lời"),
        _count_table(doc.statuses, "Tình trạng"),
        Line("heading", number="4.", lead="Danh sách câu hỏi và kết quả trả lời"),
        Line(
            "table",
            table="questions",
            centred=(0,),
            header=["STT", "Nội dung câu hỏi", "Người hỏi", "Lĩnh vực", "Đơn vị trả lời", "Kết quả trả lời"],
            rows=[
                [
                    str(q.number),
                    q.text,
                    f"{q.asker}, {q.commune}" if q.commune else q.asker,
                    q.topic,
                    q.unit,
                    f"{q.status}. {q.answer}" if q.answer else q.status,
                ]
                for q in doc.questions
            ],
        ),
        Line(
            "paragraph",
            text=f"Trên đây là báo cáo kết quả tổ chức hội nghị đối thoại của {issuer}./.",
        ),
    ]
    return body


def _rate(doc: ReportDocument) -> str:
    return CommuneRow("", doc.quota_total, doc.attended_total).rate_label
