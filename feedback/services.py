"""Every state change of a question: submission, assignment, answers, outcomes at the session
and written replies. Each function checks who may do it and raises `FeedbackError` with a
message for the user when the rule is broken; each runs in one transaction."""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

import openpyxl
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import is_district_staff, is_leader, is_secretary
from core.legacy_encoding import encoding_name, how_to_convert, legacy_cell_message, legacy_scores
from core.vietnamese import lines_of, normalize_key
from directory.models import Place, PlaceLevel, Unit
from sessions.models import ParticipantCategory, Session
from sessions.rules import session_in_territory
from sessions.selectors import session_communes

from .models import (
    OPEN_STATUSES,
    Answer,
    Channel,
    ConclusionItem,
    ConclusionStatus,
    Question,
    QuestionStatus,
    SessionConclusion,
    Topic,
    WrittenReply,
)
from .rules import (
    can_approve_answer,
    can_draft_answer,
    can_draft_conclusion,
    can_issue_conclusion,
    can_mark_question,
    can_record_written_reply,
    can_submit_question,
    question_in_territory,
    question_is_assignable,
    question_is_open,
)

if TYPE_CHECKING:
    from accounts.models import User


class FeedbackError(Exception):
    """A rule about questions was broken; `message` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _hamlet_of(commune: Place | None, hamlet: Place | None) -> Place | None:
    if hamlet is None:
        return None
    if commune is None or hamlet.parent_id != commune.pk or hamlet.level != PlaceLevel.HAMLET:
        raise FeedbackError(f"«{hamlet.name}» không phải thôn, ấp của xã đã chọn.")
    return hamlet


def _locked(question: Question) -> Question:
    """Re-read the question under a row lock so that two people cannot change it at once."""
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("session__plan__issuer")
        .get(pk=question.pk)
    )


def submit_question(
    *,
    user: User,
    session: Session,
    text: str,
    topic: Topic,
    asker_name: str = "",
    asker_hamlet: Place | None = None,
    asker_category: ParticipantCategory | None = None,
    anonymous: bool = False,
) -> Question:
    """A commune official sends a question of their commune before the session. Creates a Question."""
    if not can_submit_question(user, session):
        raise FeedbackError("Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên.")
    text = (text or "").strip()
    if not text:
        raise FeedbackError("Hãy nhập nội dung câu hỏi.")
    commune = user.place
    with transaction.atomic():
        return Question.objects.create(
            session=session,
            commune=commune,
            text=text,
            asker_name="" if anonymous else asker_name.strip(),
            asker_hamlet=_hamlet_of(commune, asker_hamlet),
            asker_category=asker_category,
            anonymous=anonymous,
            channel=Channel.BEFORE_SESSION,
            topic=topic,
            created_by=user,
        )


def record_session_question(
    *,
    user: User,
    session: Session,
    channel: str,
    text: str,
    topic: Topic,
    commune: Place | None = None,
    asker_name: str = "",
    asker_hamlet: Place | None = None,
    anonymous: bool = False,
) -> Question:
    """The session's secretary enters a question spoken or written at the session. Creates a Question."""
    if not (is_secretary(user) and session_in_territory(user, session)):
        raise FeedbackError("Chỉ thư ký hội nghị mới nhập câu hỏi tại hội nghị.")
    if channel not in (Channel.SPOKEN, Channel.WRITTEN):
        raise FeedbackError("Câu hỏi tại hội nghị là câu hỏi phát biểu hoặc viết tại hội nghị.")
    text = (text or "").strip()
    if not text:
        raise FeedbackError("Hãy nhập nội dung câu hỏi.")
    if commune is not None and not session_communes(session).filter(pk=commune.pk).exists():
        raise FeedbackError(f"{commune.title_name} không thuộc các xã của phiên đối thoại này.")
    with transaction.atomic():
        return Question.objects.create(
            session=session,
            commune=commune,
            text=text,
            asker_name="" if anonymous else asker_name.strip(),
            asker_hamlet=_hamlet_of(commune, asker_hamlet),
            anonymous=anonymous,
            channel=channel,
            topic=topic,
            created_by=user,
        )


def _check_unit_serves(unit: Unit, question: Question) -> None:
    """A question goes to a unit of the plan issuer's territory, or of a place above it (the
    province's department for a district plan): selectors.answering_units lists the same."""
    issuer = question.session.plan.issuer
    if not (unit.place.is_within(issuer) or issuer.is_within(unit.place)):
        raise FeedbackError(f"«{unit}» không thuộc địa bàn của kế hoạch.")


def assign_question(*, user: User, question: Question, unit: Unit, due_date: datetime.date) -> Question:
    """District staff give the question to a unit with a due date (or give it to another unit).

    The due date falls before the session when the session has a date, else after today.
    Reassigning to another unit drops the previous unit's draft answer."""
    if not is_district_staff(user):
        raise FeedbackError("Chỉ chuyên viên phòng mới giao hoặc giao lại câu hỏi cho đơn vị.")
    with transaction.atomic():
        question = _locked(question)
        if not question_in_territory(user, question):
            raise FeedbackError("Câu hỏi này không thuộc địa bàn của bạn.")
        if not question_is_assignable(user, question):
            raise FeedbackError(
                f"Câu hỏi đang ở trạng thái «{question.get_status_display()}», không giao lại được."
            )
        _check_unit_serves(unit, question)
        session = question.session
        if session.has_fixed_date:
            if due_date >= session.date:
                raise FeedbackError(f"Hạn trả lời phải trước ngày hội nghị ({session.date:%d/%m/%Y}).")
        elif due_date <= timezone.localdate():
            raise FeedbackError("Hạn trả lời phải sau ngày hôm nay.")
        if question.assigned_unit_id and question.assigned_unit_id != unit.pk:
            Answer.objects.filter(question=question).delete()
            question.status = QuestionStatus.ASSIGNED
        elif question.status == QuestionStatus.NEW:
            question.status = QuestionStatus.ASSIGNED
        question.assigned_unit = unit
        question.due_date = due_date
        question.save(update_fields=["assigned_unit", "due_date", "status"])
        return question


def merge_duplicate(*, user: User, question: Question, original: Question) -> Question:
    """District staff mark `question` as a duplicate of `original` in the same plan; it is closed
    and its own duplicates now point at `original`."""
    if not is_district_staff(user):
        raise FeedbackError("Chỉ chuyên viên phòng mới gộp câu hỏi trùng.")
    if question.pk == original.pk:
        raise FeedbackError("Không thể gộp câu hỏi với chính nó.")
    with transaction.atomic():
        # Both rows locked in one statement, in id order: two merges of the same pair made at
        # once in opposite directions wait for each other instead of deadlocking.
        locked = {
            q.pk: q
            for q in Question.objects.select_for_update(of=("self",))
            .select_related("session__plan__issuer")
            .filter(pk__in=[question.pk, original.pk])
            .order_by("pk")
        }
        question, original = locked[question.pk], locked[original.pk]
        if not (question_in_territory(user, question) and question_in_territory(user, original)):
            raise FeedbackError("Câu hỏi này không thuộc địa bàn của bạn.")
        if not question_is_open(user, question):
            raise FeedbackError("Câu hỏi đã được trả lời hoặc đã gộp, không gộp được nữa.")
        if original.duplicate_of_id is not None:
            raise FeedbackError(f"Câu hỏi số {original.pk} cũng là câu hỏi trùng; hãy gộp vào câu hỏi gốc.")
        if original.session.plan_id != question.session.plan_id:
            raise FeedbackError("Chỉ gộp được các câu hỏi trong cùng một kế hoạch.")
        Question.objects.filter(duplicate_of=question).update(duplicate_of=original)
        question.duplicate_of = original
        question.status = QuestionStatus.CLOSED
        question.save(update_fields=["duplicate_of", "status"])
        return question


def draft_answer(*, user: User, question: Question, text: str) -> Answer:
    """An officer of the assigned unit writes (or rewrites) the answer; the question awaits approval."""
    with transaction.atomic():
        question = _locked(question)
        if not can_draft_answer(user, question):
            if question.assigned_unit_id != getattr(user, "unit_id", None):
                raise FeedbackError("Câu hỏi này không được giao cho đơn vị của bạn; không thể trả lời.")
            raise FeedbackError(
                f"Câu hỏi đang ở trạng thái «{question.get_status_display()}», không sửa trả lời được."
            )
        text = (text or "").strip()
        if not text:
            raise FeedbackError("Hãy nhập nội dung trả lời.")
        answer, _ = Answer.objects.update_or_create(
            question=question,
            defaults={
                "unit_id": question.assigned_unit_id,
                "text": text,
                "drafted_by": user,
                "approved_by": None,
                "approved_at": None,
            },
        )
        question.status = QuestionStatus.ANSWER_DRAFTED
        question.save(update_fields=["status"])
        return answer


def approve_answer(*, user: User, question: Question) -> Answer:
    """A leader approves the unit's drafted answer."""
    if not is_leader(user):
        raise FeedbackError("Chỉ lãnh đạo mới duyệt trả lời.")
    with transaction.atomic():
        question = _locked(question)
        if not can_approve_answer(user, question):
            raise FeedbackError("Câu hỏi chưa có dự thảo trả lời chờ duyệt.")
        answer = Answer.objects.select_for_update().get(question=question)
        answer.approved_by = user
        answer.approved_at = timezone.now()
        answer.save(update_fields=["approved_by", "approved_at", "updated_at"])
        question.status = QuestionStatus.ANSWER_APPROVED
        question.save(update_fields=["status"])
        return answer


def mark_answered_at_session(*, user: User, question: Question, summary: str, given_by: str) -> Answer:
    """The secretary records that the question was answered at the session: a summary and who answered."""
    summary, given_by = (summary or "").strip(), (given_by or "").strip()
    if not summary:
        raise FeedbackError("Hãy ghi tóm tắt nội dung trả lời tại hội nghị.")
    if not given_by:
        raise FeedbackError("Hãy ghi người trả lời tại hội nghị.")
    with transaction.atomic():
        question = _locked(question)
        if not can_mark_question(user, question):
            raise FeedbackError("Chỉ thư ký hội nghị ghi nhận kết quả trả lời các câu hỏi chưa trả lời.")
        answer, _ = Answer.objects.get_or_create(
            question=question, defaults={"unit_id": question.assigned_unit_id}
        )
        answer.given_at_session = True
        answer.session_summary = summary
        answer.given_by = given_by
        answer.save(update_fields=["given_at_session", "session_summary", "given_by", "updated_at"])
        question.status = QuestionStatus.ANSWERED_AT_SESSION
        question.save(update_fields=["status"])
        return answer


def mark_to_answer_in_writing(
    *,
    user: User,
    question: Question,
    due_date: datetime.date | None,
    beyond_district: bool = False,
    competent_authority: str = "",
    unit: Unit | None = None,
) -> WrittenReply:
    """The secretary sends the question to a written reply with a due date, naming the unit the
    chair gives it to (kept when not given); beyond the district's powers, the competent
    authority must be named. Creates the WrittenReply."""
    competent_authority = (competent_authority or "").strip()
    if due_date is None:
        raise FeedbackError("Hãy ghi hạn trả lời bằng văn bản.")
    if due_date < timezone.localdate():
        raise FeedbackError("Hạn trả lời bằng văn bản không được trước ngày hôm nay.")
    if beyond_district and not competent_authority:
        raise FeedbackError("Câu hỏi vượt thẩm quyền cấp huyện: hãy ghi cơ quan có thẩm quyền trả lời.")
    with transaction.atomic():
        question = _locked(question)
        if not can_mark_question(user, question):
            raise FeedbackError("Chỉ thư ký hội nghị ghi nhận kết quả trả lời các câu hỏi chưa trả lời.")
        if unit is not None:
            _check_unit_serves(unit, question)
            question.assigned_unit = unit
        reply, _ = WrittenReply.objects.update_or_create(
            question=question,
            defaults={
                "due_date": due_date,
                "beyond_district": beyond_district,
                "competent_authority": competent_authority,
            },
        )
        question.status = QuestionStatus.TO_ANSWER_IN_WRITING
        question.save(update_fields=["status", "assigned_unit"])
        return reply


def record_written_reply(
    *,
    user: User,
    question: Question,
    document_number: str,
    document_date: datetime.date | None,
    file: UploadedFile | None = None,
) -> WrittenReply:
    """District staff or the assigned unit record the reply document; the question is closed."""
    document_number = (document_number or "").strip()
    if not document_number:
        raise FeedbackError("Hãy ghi số văn bản trả lời.")
    if document_date is None:
        raise FeedbackError("Hãy ghi ngày văn bản trả lời.")
    if document_date > timezone.localdate():
        raise FeedbackError("Ngày văn bản trả lời không được sau ngày hôm nay.")
    with transaction.atomic():
        question = _locked(question)
        if not can_record_written_reply(user, question):
            raise FeedbackError(
                "Câu hỏi không chờ trả lời bằng văn bản, hoặc bạn không được ghi nhận trả lời."
            )
        reply = WrittenReply.objects.select_for_update().get(question=question)
        reply.document_number = document_number
        reply.document_date = document_date
        if file is not None:
            reply.file = file
        reply.closed_at = timezone.now()
        reply.save()
        question.status = QuestionStatus.CLOSED
        question.save(update_fields=["status"])
        return reply


# --- Conclusion notice of a session ---------------------------------------------------------

MAX_CONCLUSION_ITEMS = 30


def save_conclusion(
    *,
    user: User,
    session: Session,
    chair: str,
    opening: str,
    summary: str,
    conclusions: str,
    closing: str,
    recipients: str,
    attendees: str = "",
    signer_authority: str = "",
    signer_delegation: str = "",
    signer_title: str,
    signer_name: str,
) -> SessionConclusion:
    """District staff or the session's secretary write (or rewrite) the draft conclusion notice;
    `conclusions` has one conclusion a line, saved as ordered items. Creates or updates the
    SessionConclusion and replaces its items; an issued notice is refused."""
    items = lines_of(conclusions)
    values = {
        "chair": " ".join((chair or "").split()),
        "opening": (opening or "").strip(),
        "summary": (summary or "").strip(),
        "attendees": (attendees or "").strip(),
        "closing": (closing or "").strip(),
        "recipients": "\n".join(lines_of(recipients)),
        "signer_authority": (signer_authority or "").strip(),
        "signer_delegation": (signer_delegation or "").strip(),
        "signer_title": (signer_title or "").strip(),
        "signer_name": (signer_name or "").strip(),
    }
    required = [
        ("chair", "Hãy ghi người chủ trì kết luận hội nghị."),
        ("opening", "Hãy ghi đoạn mở đầu (thời gian, địa điểm, người chủ trì hội nghị)."),
        ("summary", "Hãy tóm tắt ý kiến, kiến nghị của người dân tại hội nghị."),
        ("closing", "Hãy ghi câu kết của thông báo."),
        ("recipients", "Hãy ghi ít nhất một nơi nhận."),
        ("signer_title", "Hãy ghi chức vụ người ký."),
        ("signer_name", "Hãy ghi họ tên người ký."),
    ]
    for name, message in required:
        if not values[name]:
            raise FeedbackError(message)
    if not items:
        raise FeedbackError("Hãy ghi ít nhất một ý kết luận của chủ trì hội nghị (mỗi dòng một ý).")
    if len(items) > MAX_CONCLUSION_ITEMS:
        raise FeedbackError(f"Thông báo có tối đa {MAX_CONCLUSION_ITEMS} ý kết luận.")
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",)).select_related("plan__issuer").get(pk=session.pk)
        )
        conclusion = SessionConclusion.objects.select_for_update().filter(session=session).first()
        if not can_draft_conclusion(user, session):
            if conclusion is not None and conclusion.is_issued:
                raise FeedbackError("Thông báo kết luận đã ban hành, không sửa được nữa.")
            raise FeedbackError("Chỉ chuyên viên phòng hoặc thư ký của phiên mới soạn thông báo kết luận.")
        if conclusion is None:
            conclusion = SessionConclusion(session=session)
        for name, value in values.items():
            setattr(conclusion, name, value)
        conclusion.drafted_by = user
        conclusion.save()
        ConclusionItem.objects.filter(conclusion=conclusion).delete()
        ConclusionItem.objects.bulk_create(
            ConclusionItem(conclusion=conclusion, position=position, text=text)
            for position, text in enumerate(items, start=1)
        )
        return conclusion


def issue_conclusion(
    *, user: User, session: Session, number: int | None, issued_on: datetime.date | None
) -> SessionConclusion:
    """A leader issues the drafted notice with its number and date: it is frozen and the PDF as
    issued is stored on it. The number is unique per issuer and year among conclusion notices."""
    from .documents import render_notice  # documents build on services' models; import late

    if number is None or number < 1:
        raise FeedbackError("Số thông báo phải là số nguyên dương.")
    if issued_on is None:
        raise FeedbackError("Hãy ghi ngày ban hành thông báo.")
    if issued_on > timezone.localdate():
        raise FeedbackError("Ngày ban hành không được sau ngày hôm nay.")
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",)).select_related("plan__issuer").get(pk=session.pk)
        )
        conclusion = SessionConclusion.objects.select_for_update().filter(session=session).first()
        if not can_issue_conclusion(user, session):
            if conclusion is None:
                raise FeedbackError("Phiên này chưa có dự thảo thông báo kết luận.")
            if conclusion.is_issued:
                raise FeedbackError("Thông báo kết luận đã được ban hành.")
            raise FeedbackError("Chỉ lãnh đạo mới ban hành thông báo kết luận.")
        if session.has_fixed_date and issued_on < session.date:
            raise FeedbackError(f"Ngày ban hành phải từ ngày hội nghị ({session.date:%d/%m/%Y}) trở về sau.")
        taken = (
            SessionConclusion.objects.filter(
                session__plan__issuer=session.plan.issuer,
                status=ConclusionStatus.ISSUED,
                number=number,
                issued_on__year=issued_on.year,
            )
            .exclude(pk=conclusion.pk)
            .exists()
        )
        if taken:
            raise FeedbackError(
                f"Số {number:02d} năm {issued_on.year} đã được dùng cho thông báo kết luận khác."
            )
        conclusion.status = ConclusionStatus.ISSUED
        conclusion.number, conclusion.issued_on, conclusion.issued_by = number, issued_on, user
        conclusion.issuer, conclusion.number_year = session.plan.issuer, issued_on.year
        try:
            with transaction.atomic():
                conclusion.save()
        except IntegrityError as exc:  # the same number issued at the same moment elsewhere
            raise FeedbackError(
                f"Số {number:02d} năm {issued_on.year} đã được dùng cho thông báo kết luận khác."
            ) from exc
        document = render_notice(session)
        conclusion.issued_pdf.save(document.filename, ContentFile(document.content), save=False)
        conclusion.save(update_fields=["issued_pdf", "updated_at"])
        return conclusion


# --- Upload of a commune's questions ----------------------------------------------------------

MAX_QUESTION_ROWS = 2_000
HEADER_SEARCH_ROWS = 10
QUESTION_COLUMNS = {
    "text": "Nội dung câu hỏi",
    "asker_name": "Họ tên người hỏi",
    "hamlet": "Thôn, ấp",
    "topic": "Lĩnh vực",
}
_ALIASES = {
    "text": {"noi dung cau hoi", "noi dung", "cau hoi", "noi dung kien nghi", "cau hoi kien nghi"},
    "asker_name": {"ho ten nguoi hoi", "ho va ten nguoi hoi", "nguoi hoi", "ho ten", "ho va ten"},
    "hamlet": {"thon ap", "thon", "ap", "khom", "thon xom", "to dan pho"},
    "topic": {"linh vuc", "chu de", "nhom van de"},
}


def _key(text) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalize_key(str(text))).split()) if text is not None else ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _header(values) -> dict[int, str] | None:
    mapping: dict[int, str] = {}
    for index, value in enumerate(values):
        key = _key(re.sub(r"\(.*?\)", " ", value)) if isinstance(value, str) else ""
        for name, aliases in _ALIASES.items():
            if key in aliases and name not in mapping.values():
                mapping[index] = name
                break
    return mapping if "text" in mapping.values() else None


def read_question_rows(*, filename: str, content: bytes) -> list[dict]:
    """The data rows of an .xlsx or .csv question list: dicts of texts with "row_number".

    Raises FeedbackError when the file cannot be used at all."""
    name = PurePath(filename or "").name or "tải lên"
    suffix = PurePath(name).suffix.lower()
    if not content:
        raise FeedbackError(f"Tệp «{name}» rỗng, không có dữ liệu.")
    if suffix == ".xlsx":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            try:
                records = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            finally:
                workbook.close()
        except Exception as exc:
            # A damaged archive raises anything from BadZipFile to KeyError or XML errors.
            raise FeedbackError(
                f"Tệp «{name}» không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."
            ) from exc
    elif suffix == ".csv":
        try:
            records = _csv_records(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise _not_utf8(name, content) from None
        except csv.Error as exc:
            raise FeedbackError(
                f"Tệp «{name}» không phải tệp CSV hợp lệ (một ô quá dài, hoặc dấu ngoặc kép không được đóng)."
            ) from exc
    else:
        raise FeedbackError(f"Tệp «{name}» không phải tệp .xlsx hoặc .csv.")
    return _data_rows(name, records)


def _csv_records(text: str) -> list[list[str]]:
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _not_utf8(name: str, content: bytes) -> FeedbackError:
    """Explain a CSV file that is not UTF-8, naming TCVN3 or VNI and the first such cell when the
    text shows it. Those encodings are one byte per letter, so the Latin-1 reading is the one
    their fonts display and the one the detection works on."""
    try:
        rows = _data_rows(name, _csv_records(content.decode("latin-1")))
    except (FeedbackError, csv.Error):
        rows = []
    first, tcvn_total, vni_total = None, 0, 0
    for row in rows:
        for field_ in QUESTION_COLUMNS:
            tcvn, vni = legacy_scores(row.get(field_, ""))
            if tcvn or vni:
                tcvn_total, vni_total = tcvn_total + tcvn, vni_total + vni
                first = first or (row["row_number"], QUESTION_COLUMNS[field_], row[field_])
    if first is not None:
        encoding = encoding_name(tcvn_total, vni_total)
        number, label, value = first
        return FeedbackError(
            f"Tệp «{name}» dùng bảng mã {encoding}, không phải Unicode "
            f"(ví dụ dòng {number}, cột «{label}»: «{value}»). {how_to_convert(encoding)}"
        )
    return FeedbackError(
        f"Tệp «{name}» không dùng bảng mã Unicode (UTF-8). Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → "
        "«CSV UTF-8 (phân cách bằng dấu phẩy) (*.csv)» rồi tải lên lại."
    )


def _data_rows(name: str, records: list[list]) -> list[dict]:
    found = next(
        (
            (index, mapping)
            for index, values in enumerate(records[:HEADER_SEARCH_ROWS])
            if (mapping := _header(values))
        ),
        None,
    )
    if found is None:
        expected = ", ".join(f"«{label}»" for label in QUESTION_COLUMNS.values())
        raise FeedbackError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp «{name}»; "
            f"dòng tiêu đề cần có các cột {expected}."
        )
    index, mapping = found
    rows = []
    for number, values in enumerate(records[index + 1 :], start=index + 2):
        row = {field_: _cell_text(values[i]) if i < len(values) else "" for i, field_ in mapping.items()}
        if not any(row.values()):
            continue
        if len(rows) == MAX_QUESTION_ROWS:
            raise FeedbackError(f"Tệp «{name}» có hơn {MAX_QUESTION_ROWS} câu hỏi; hãy chia thành nhiều tệp.")
        row["row_number"] = number
        rows.append(row)
    return rows


@dataclass
class QuestionRow:
    number: int
    values: dict[str, str]
    topic: Topic | None = None
    hamlet: Place | None = None
    errors: list[str] = field(default_factory=list)

    def error(self, field_: str | None, message: str) -> None:
        where = f", cột «{QUESTION_COLUMNS[field_]}»" if field_ else ""
        self.errors.append(f"Dòng {self.number}{where}: {message}")

    @property
    def status_label(self) -> str:
        return "lỗi" if self.errors else "mới"


@dataclass
class QuestionImportReport:
    session: Session
    commune: Place
    filename: str = ""
    rows: list[QuestionRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    saved: int = 0
    committed: bool = False

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.rows) and not self.error_count


def validate_questions(*, session: Session, commune: Place, rows: list[dict]) -> QuestionImportReport:
    """Check rows read by `read_question_rows` for `commune` in `session`. Reads only (3 queries)."""
    report = QuestionImportReport(session=session, commune=commune)
    topics = list(Topic.objects.all())
    by_key = {}
    for topic in topics:
        by_key.setdefault(_key(topic.name), topic)
        by_key.setdefault(_key(topic.code.replace("-", " ")), topic)
    topic_names = ", ".join(topic.name for topic in topics)
    hamlets = {}
    for hamlet in Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET):
        hamlets.setdefault(_key(hamlet.name), hamlet)
        hamlets.setdefault(_key(hamlet.full_name), hamlet)
    concerns = session_communes(session).filter(pk=commune.pk).exists()
    if not concerns:
        report.errors.append(
            f"Phiên «{session}» không có {commune.full_name} tham dự; không nhận câu hỏi của xã cho phiên này."
        )
    if not rows:
        report.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    legacy_cells: list[tuple[QuestionRow, str, str]] = []
    tcvn_total = vni_total = 0
    for record in rows:
        row = QuestionRow(number=record["row_number"], values=record)
        if not concerns:
            row.error(None, f"phiên «{session}» thuộc xã khác, không phải phiên của {commune.full_name}.")
        legacy_fields = set()
        for field_ in QUESTION_COLUMNS:
            tcvn, vni = legacy_scores(record.get(field_, ""))
            if tcvn or vni:
                legacy_cells.append((row, field_, record[field_]))
                legacy_fields.add(field_)
                tcvn_total, vni_total = tcvn_total + tcvn, vni_total + vni
        text = record.get("text", "")
        if not text:
            row.error("text", "chưa điền.")
        topic_text = record.get("topic", "")
        if not topic_text:
            row.error("topic", f"chưa điền; chọn một trong: {topic_names}.")
        elif "topic" in legacy_fields:
            pass  # the encoding error below says what is wrong with it
        else:
            row.topic = by_key.get(_key(topic_text))
            if row.topic is None:
                row.error(
                    "topic",
                    f"«{topic_text}» không có trong danh mục lĩnh vực; chọn một trong: {topic_names}.",
                )
        hamlet_text = record.get("hamlet", "")
        if hamlet_text and "hamlet" not in legacy_fields:
            row.hamlet = hamlets.get(_key(hamlet_text))
            if row.hamlet is None:
                row.error("hamlet", f"«{hamlet_text}» không phải thôn, ấp của {commune.full_name}.")
        report.rows.append(row)
    if legacy_cells:
        encoding = encoding_name(tcvn_total, vni_total)
        for row, field_, text in legacy_cells:
            row.error(field_, legacy_cell_message(text, encoding))
        report.errors.append(f"Tệp có chữ gõ bằng bảng mã {encoding}. {how_to_convert(encoding)}")
    return report


def preview_questions(
    *, session: Session, commune: Place, filename: str, content: bytes
) -> QuestionImportReport:
    """Read and check an uploaded question list. Writes nothing."""
    try:
        rows = read_question_rows(filename=filename, content=content)
    except FeedbackError as exc:
        return QuestionImportReport(session=session, commune=commune, filename=filename, errors=[exc.message])
    report = validate_questions(session=session, commune=commune, rows=rows)
    report.filename = filename
    return report


def import_questions(
    *, user: User, session: Session, commune: Place, filename: str, content: bytes
) -> QuestionImportReport:
    """Check the list again and save every question or none (one INSERT)."""
    if not (can_submit_question(user, session) and user.place_id == commune.pk):
        raise FeedbackError("Chỉ cán bộ xã có tham dự phiên đối thoại này mới gửi được câu hỏi cho phiên.")
    report = preview_questions(session=session, commune=commune, filename=filename, content=content)
    if not report.can_commit:
        return report
    with transaction.atomic():
        Question.objects.bulk_create(
            [
                Question(
                    session=session,
                    commune=commune,
                    text=row.values["text"],
                    asker_name=row.values.get("asker_name", "")[:120],
                    anonymous=not row.values.get("asker_name"),
                    asker_hamlet=row.hamlet,
                    channel=Channel.BEFORE_SESSION,
                    topic=row.topic,
                    row_number=row.number,
                    created_by=user,
                )
                for row in report.rows
            ]
        )
    report.saved = len(report.rows)
    report.committed = True
    return report


__all__ = [
    "OPEN_STATUSES",
    "FeedbackError",
    "QuestionImportReport",
    "import_questions",
    "preview_questions",
    "read_question_rows",
    "approve_answer",
    "issue_conclusion",
    "save_conclusion",
    "assign_question",
    "draft_answer",
    "mark_answered_at_session",
    "mark_to_answer_in_writing",
    "merge_duplicate",
    "record_session_question",
    "record_written_reply",
    "submit_question",
]
