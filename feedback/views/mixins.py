"""What the question pages have in common: the question, or the session, named in the URL."""

from __future__ import annotations

from core.views import ObjectPageMixin
from sessions.views import SessionMixin

from .. import selectors
from ..models import Question


class QuestionMixin(ObjectPageMixin):
    """A page about the question in the URL: unknown id → 404, a question the user may not see → 403."""

    permission_required = "feedback.view_question"
    not_found = "Không tìm thấy câu hỏi."

    def load_object(self) -> Question:
        return selectors.question_for_page(self.kwargs["pk"])

    @property
    def question(self) -> Question:
        return self.page_object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question
        return context


class SessionFeedbackMixin(SessionMixin):
    """The questions of the session in the URL (its id is `session_pk`)."""

    session_kwarg = "session_pk"
