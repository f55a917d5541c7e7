"""The questions of a session: a commune's submission (by form, or a list uploaded, previewed and
confirmed) and the secretary's quick entry at the session."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from core.views import XLSX_CONTENT_TYPE, UploadConfirmView, UploadPreviewView, file_response
from sessions import selectors as session_selectors

from .. import forms
from ..models import Question
from ..question_template import build_question_template, question_template_filename
from ..services import FeedbackError
from ..services.upload import import_questions, preview_questions
from .mixins import SessionFeedbackMixin

UPLOADS_KEY = "question_uploads"
UPLOAD_DIR = "uploads/questions"


class SubmitView(SessionFeedbackMixin, FormView):
    permission_required = "feedback.submit_question"
    template_name = "feedback/session_form.html"
    form_class = forms.QuestionSubmitForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.request.user.place}

    def form_valid(self, form):
        try:
            question = form.save(user=self.request.user, session=self.session)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "Đã gửi câu hỏi.")
        return redirect("feedback:question.detail", question.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "Gửi câu hỏi của xã"}


class RecordView(SessionFeedbackMixin, FormView):
    """The secretary's quick entry: save and stay on the form for the next question."""

    permission_required = "feedback.record_question"
    template_name = "feedback/session_form.html"
    form_class = forms.SessionQuestionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communes": session_selectors.session_communes(self.session)}

    def form_valid(self, form):
        try:
            question = form.save(user=self.request.user, session=self.session)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Đã ghi câu hỏi số {question.pk}.")
        return redirect("feedback:question.record", self.session.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Nhập nhanh câu hỏi tại hội nghị"
        context["recent"] = list(
            Question.objects.filter(session=self.session).select_related("topic").order_by("-pk")[:10]
        )
        return context


class UploadView(SessionFeedbackMixin, UploadPreviewView):
    """GET: the upload form. POST: check the file and show the preview, saving nothing."""

    permission_required = "feedback.submit_question"
    template_name = "feedback/question_upload.html"
    form_class = forms.QuestionUploadForm
    pending_key = UPLOADS_KEY
    pending_directory = UPLOAD_DIR

    @property
    def commune(self):
        return self.request.user.place

    def pending_scope(self) -> dict:
        return {"session": self.session.pk, "commune": self.commune.pk}

    def preview(self, *, filename: str, content: bytes, details: dict):
        return preview_questions(
            session=self.session, commune=self.commune, filename=filename, content=content
        )


class QuestionTemplateView(SessionFeedbackMixin, View):
    """The .xlsx a commune fills with its questions: the columns the upload reads."""

    permission_required = "feedback.submit_question"

    def get(self, request, *args, **kwargs):
        commune = request.user.place
        content = build_question_template(session=self.session, commune=commune)
        return file_response(
            content, XLSX_CONTENT_TYPE, question_template_filename(session=self.session, commune=commune)
        )


class ConfirmView(UploadView, UploadConfirmView):
    """POST with a preview's token: check the stored file again and save it all or nothing."""

    refused_errors = (FeedbackError,)

    def upload_url(self) -> str:
        return reverse("feedback:question.upload", args=[self.session.pk])

    def save(self, *, filename: str, content: bytes, details: dict, token: str):
        return import_questions(
            user=self.request.user,
            session=self.session,
            commune=self.commune,
            filename=filename,
            content=content,
            token=token,
        )

    def success_message(self, report) -> str:
        return f"Đã nhận {report.saved} câu hỏi của {self.commune.full_name}."

    def success_url(self, report) -> str:
        return self.imported_url()

    def imported_url(self) -> str:
        return f"{reverse('feedback:question.list')}?session={self.session.pk}"
