"""The conclusion notice of a session: the draft, then its issue with a number and the PDF as
issued."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.vietnamese import lines_of
from sessions.models import HeldRecord, Session

from ..documents import render_notice
from ..models import ConclusionItem, ConclusionStatus, SessionConclusion
from ..rules import can_draft_conclusion, can_issue_conclusion
from . import FeedbackError

if TYPE_CHECKING:
    from accounts.models import User

MAX_CONCLUSION_ITEMS = 30


def conclusion_token(conclusion: SessionConclusion | None) -> str:
    """The version of a draft notice a form was rendered with: its last change, "0" for none."""
    return conclusion.updated_at.isoformat() if conclusion is not None else "0"


class StaleConclusionError(FeedbackError):
    """The draft notice was saved by someone else since the form was rendered."""

    def __init__(self, message: str, conclusion: SessionConclusion | None):
        super().__init__(message)
        self.conclusion = conclusion


def _stale_message(conclusion: SessionConclusion | None) -> str:
    drafter = conclusion.drafted_by if conclusion is not None else None
    who = (drafter.get_full_name() or drafter.get_username()) if drafter else "người khác"
    at = f" lúc {timezone.localtime(conclusion.updated_at):%H:%M}" if conclusion is not None else ""
    return (
        f"Thông báo kết luận vừa được {who} sửa{at}; thay đổi của bạn chưa được lưu. Nội dung bạn nhập "
        "vẫn giữ bên dưới, cùng nội dung mới của người kia — hãy nhập lại cho khớp rồi bấm Lưu."
    )


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
    expected_token: str = "",
) -> SessionConclusion:
    """District staff or the session's secretary write (or rewrite) the draft conclusion notice;
    `conclusions` has one conclusion a line, saved as ordered items. Creates or updates the
    SessionConclusion and replaces its items; an issued notice is refused.

    `expected_token` (conclusion_token of the draft the form showed; "" for no check): if the
    draft changed since, the save is refused with StaleConclusionError, unless the same person
    sent the same content again (a double click), which is taken as already saved."""
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
        if expected_token and expected_token != conclusion_token(conclusion):
            if (
                conclusion is not None
                and conclusion.drafted_by_id == user.pk
                and all(getattr(conclusion, name) == value for name, value in values.items())
                and [item.text for item in conclusion.items.order_by("position")] == items
            ):
                return conclusion
            raise StaleConclusionError(_stale_message(conclusion), conclusion)
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


def not_held_yet(session: Session, today: datetime.date | None = None) -> str | None:
    """Why the session's notice cannot be issued yet (a Vietnamese message): its date is still to
    come, it has none, or it has not been recorded as held (`HeldRecord`). None once it has been
    recorded as held."""
    if HeldRecord.objects.filter(session=session).exists():
        return None
    today = today or timezone.localdate()
    if not session.has_fixed_date:
        return "Phiên chưa có ngày tổ chức; chỉ ban hành thông báo kết luận sau khi hội nghị đã diễn ra."
    if session.date > today:
        return (
            f"Hội nghị diễn ra ngày {session.date:%d/%m/%Y}; chỉ ban hành thông báo kết luận "
            "từ ngày đó trở về sau."
        )
    return (
        "Phiên chưa được ghi nhận là đã tổ chức: hãy ghi nhận ngày, địa điểm và người chủ trì ở "
        "trang phiên đối thoại trước khi ban hành thông báo kết luận."
    )


def issue_conclusion(
    *, user: User, session: Session, number: int | None, issued_on: datetime.date | None
) -> SessionConclusion:
    """A leader issues the drafted notice of a session recorded as held, dated on or after the
    day it was held: it is frozen and the PDF as issued is stored on it. The number is unique per
    issuer and year among conclusion notices."""
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
        # A conclusion is of a session that took place: its held record, not its planned date.
        if reason := not_held_yet(session):
            raise FeedbackError(reason)
        held = HeldRecord.objects.get(session=session)
        if issued_on < held.held_on:
            raise FeedbackError(f"Ngày ban hành phải từ ngày hội nghị ({held.held_on:%d/%m/%Y}) trở về sau.")
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
