"""The deadlines about citizens' questions, added to notifications' daily scan of deadlines
(notifications.deadlines) by FeedbackConfig.ready():

============  =================================  =====================  ==================  ==============
kind          due                                reminded               done when           escalated to
============  =================================  =====================  ==================  ==============
answers       the question's ``due_date``        the assigned unit's    the unit has        district staff
              (before the session)               officers               drafted an answer
written       the written reply's ``due_date``   the unit's officers    the reply is        district staff
              (after the session)                (district staff when   recorded (closed)
                                                 no unit)
============  =================================  =====================  ==================  ==============
"""

from __future__ import annotations

import datetime

from notifications.deadlines import (
    ESCALATION_CATCH_UP_DAYS,
    OFFICERS,
    REMINDER,
    STAFF,
    Deadline,
    DeadlineKind,
    Item,
    issuer_id,
    shorten,
)
from sessions.models import TimeKind

from .models import Question, QuestionStatus

ANSWERS = "answers"
WRITTEN = "written"


def _question_item(question, due: datetime.date) -> Item:
    commune = question.commune.title_name if question.commune_id else ""
    detail = f"{commune}, hạn {due:%d/%m/%Y}" if commune else f"hạn {due:%d/%m/%Y}"
    return Item(f"Câu hỏi số {question.pk}: {shorten(question.text)}", detail)


class _QuestionsKind(DeadlineKind):
    """Questions in a unit's hands, grouped per session, unit and due day."""

    def rows(self, *, today, horizon, session_id=None):
        """(question, due day) pairs still open (of one session with ``session_id``)."""
        raise NotImplementedError

    def open_deadlines(self, *, today, horizon, session_id=None):
        grouped: dict[tuple, list] = {}
        for question, due in self.rows(today=today, horizon=horizon, session_id=session_id):
            key = (question.session_id, question.assigned_unit_id, due)
            grouped.setdefault(key, []).append((question, due))
        deadlines = []
        for (_, _, due), rows in sorted(
            grouped.items(), key=lambda entry: (entry[0][0], entry[0][1] or 0, entry[0][2])
        ):
            question = rows[0][0]
            deadlines.append(
                Deadline(
                    self,
                    question.session,
                    due,
                    question.assigned_unit,
                    tuple(_question_item(question, due) for question, due in rows),
                )
            )
        return deadlines

    def audience(self, notice):
        unit = notice.deadline.owner
        if notice.purpose == REMINDER and unit is not None:
            return (OFFICERS, unit.pk)
        return (STAFF, issuer_id(notice.deadline))

    def group(self, notice):
        # A reminder is the unit's own; an escalation lists every unit's late questions of that day.
        unit = notice.deadline.owner
        if notice.purpose == REMINDER and unit is not None:
            return f"n{unit.pk}:{notice.due:%Y%m%d}"
        return f"{notice.due:%Y%m%d}"


def _questions(session_id=None):
    questions = Question.objects.filter(
        duplicate_of__isnull=True, session__time_kind=TimeKind.EXACT, session__date__isnull=False
    ).select_related("session__plan__issuer", "assigned_unit", "commune")
    return questions if session_id is None else questions.filter(session_id=session_id)


class UnitAnswersKind(_QuestionsKind):
    name = ANSWERS
    label = "Dự thảo trả lời câu hỏi của người dân trước hội nghị"
    position = 20
    reminder_subject = "Nhắc hạn: {count} câu hỏi cần dự thảo trả lời trước ngày {due} – {session}"
    escalation_subject = "Quá hạn: {count} câu hỏi chưa có dự thảo trả lời (hạn {due}) – {session}"
    reminder_action = "Đề nghị đơn vị dự thảo trả lời các câu hỏi trên cổng thông tin trước hạn."
    escalation_action = "Đề nghị đồng chí đôn đốc các đơn vị dự thảo trả lời trước hội nghị."

    def rows(self, *, today, horizon, session_id=None):
        questions = (
            _questions(session_id)
            .filter(
                status=QuestionStatus.ASSIGNED,
                assigned_unit__isnull=False,
                due_date__isnull=False,
                due_date__lte=horizon,
                session__date__gte=today,
            )
            .order_by("session_id", "assigned_unit_id", "due_date", "pk")
        )
        return [(question, question.due_date) for question in questions]


class WrittenRepliesKind(_QuestionsKind):
    name = WRITTEN
    label = "Trả lời bằng văn bản sau hội nghị"
    position = 30
    after_session = True
    reminder_subject = "Nhắc hạn: {count} câu hỏi cần trả lời bằng văn bản trước ngày {due} – {session}"
    escalation_subject = "Quá hạn: {count} câu hỏi chưa được trả lời bằng văn bản (hạn {due}) – {session}"
    reminder_action = "Đề nghị đơn vị ban hành văn bản trả lời và ghi nhận trên cổng thông tin trước hạn."
    escalation_action = "Đề nghị đồng chí đôn đốc việc trả lời bằng văn bản cho người dân."

    def rows(self, *, today, horizon, session_id=None):
        questions = (
            _questions(session_id)
            .filter(
                status=QuestionStatus.TO_ANSWER_IN_WRITING,
                written_reply__closed_at__isnull=True,
                written_reply__due_date__lte=horizon,
                written_reply__due_date__gte=today - datetime.timedelta(days=ESCALATION_CATCH_UP_DAYS),
            )
            .select_related("written_reply")
            .order_by("session_id", "assigned_unit_id", "written_reply__due_date", "pk")
        )
        return [(question, question.written_reply.due_date) for question in questions]
