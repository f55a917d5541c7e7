"""The public page of a session, open to everyone without logging in."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from sessions.models import Session

from .. import selectors


class PublicSessionView(TemplateView):
    """The public page of a session, open to everyone without logging in: its notice once
    published, and its questions and answers once district staff publish the results. A
    session with neither is a 404, as is an unknown one (feedback.selectors: no personal data)."""

    template_name = "feedback/public_session.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            session = selectors.public_session(self.kwargs["pk"])
        except Session.DoesNotExist as exc:
            raise Http404("Không tìm thấy hội nghị đối thoại đã công khai.") from exc
        context["public_session"] = session
        context["plan"] = session.plan
        if session.results_published_at is not None:
            context["questions"] = selectors.public_questions(session)
        return context
