"""The conclusion notice of a session: the page, the draft and its issue, and the PDF."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import is_office
from core.files import serve_stored_file
from core.views import file_response

from .. import forms
from ..documents import render_notice
from ..models import SessionConclusion
from ..notice import build_notice, conclusion_defaults
from ..services import FeedbackError
from ..services.conclusions import StaleConclusionError, conclusion_token, not_held_yet
from .mixins import SessionFeedbackMixin


class ConclusionMixin(SessionFeedbackMixin):
    """The conclusion notice of the session in the URL; rules are checked against the session."""

    permission_required = "feedback.view_conclusion"

    def load_object(self):
        session = super().load_object()
        conclusion = SessionConclusion.objects.prefetch_related("items").filter(session=session).first()
        if conclusion is not None:
            session.conclusion = conclusion  # the rules and the page read it from here
        return session

    @property
    def conclusion(self) -> SessionConclusion | None:
        return getattr(self.session, "conclusion", None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conclusion"] = self.conclusion
        return context


class ConclusionDetailView(ConclusionMixin, TemplateView):
    template_name = "feedback/conclusion_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_draft"] = user.has_perm("feedback.draft_conclusion", self.session)
        context["can_issue"] = user.has_perm("feedback.issue_conclusion", self.session)
        # Offered once the session has been held; before, the leader is told from when.
        context["not_held_yet"] = not_held_yet(self.session) if context["can_issue"] else None
        context["can_issue"] = context["can_issue"] and not context["not_held_yet"]
        context["notice"] = (
            build_notice(self.session, asker_shown=lambda line: user.has_perm("feedback.view_asker", line))
            if self.conclusion is not None
            else None
        )
        return context


class ConclusionFormView(ConclusionMixin, FormView):
    template_name = "feedback/session_form.html"
    title = ""
    success_message = ""

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, session=self.session)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("feedback:conclusion.detail", self.session.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}


class ConclusionEditView(ConclusionFormView):
    permission_required = "feedback.draft_conclusion"
    form_class = forms.ConclusionForm
    title = "Soạn thông báo kết luận hội nghị"
    success_message = "Đã lưu dự thảo thông báo kết luận."

    def get_initial(self):
        conclusion = self.conclusion
        if conclusion is None:
            return {**conclusion_defaults(self.session), "edit_token": conclusion_token(None)}
        initial = {
            name: getattr(conclusion, name)
            for name in forms.ConclusionForm.base_fields
            if name not in ("conclusions", "edit_token")
        }
        initial["conclusions"] = "\n".join(item.text for item in conclusion.items.all())
        initial["edit_token"] = conclusion_token(conclusion)
        return initial

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, session=self.session)
        except StaleConclusionError as exc:
            # Keep the user's text; show the other person's; the next save overrides knowingly.
            form.add_error(None, exc.message)
            form.data = form.data.copy()
            form.data["edit_token"] = conclusion_token(exc.conclusion)
            context = self.get_context_data(form=form, stale_conclusion=exc.conclusion)
            return self.render_to_response(context)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("feedback:conclusion.detail", self.session.pk)


class ConclusionIssueView(ConclusionFormView):
    permission_required = "feedback.issue_conclusion"
    form_class = forms.ConclusionIssueForm
    title = "Ban hành thông báo kết luận"
    success_message = "Đã ban hành thông báo kết luận."

    def get(self, request, *args, **kwargs):
        if reason := not_held_yet(self.session):
            messages.warning(request, reason)  # said before the leader fills the form in
        return super().get(request, *args, **kwargs)


class ConclusionPdfView(ConclusionMixin, View):
    """The notice as issued (the stored PDF), or the draft printed from the database; for readers
    outside the office, printed with only the askers' names they may read."""

    def get(self, request, *args, **kwargs):
        conclusion = self.conclusion
        if conclusion is None:
            raise Http404("Phiên này chưa có thông báo kết luận.")
        user = request.user
        if not is_office(user):
            # The kept PDF names every asker; a commune or a unit reads the names the page
            # shows them (feedback.view_asker), in a copy printed for them.
            document = render_notice(
                self.session, asker_shown=lambda line: user.has_perm("feedback.view_asker", line)
            )
            return file_response(document.content, document.content_type, document.filename)
        if conclusion.is_issued and conclusion.issued_pdf:
            return serve_stored_file(conclusion.issued_pdf, filename=Path(conclusion.issued_pdf.name).name)
        document = render_notice(self.session)
        return file_response(document.content, document.content_type, document.filename)
