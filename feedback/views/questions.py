"""Question pages: the list, one question, the units' dashboard, and the forms on a question
(assignment, merging, answers, outcomes, written replies). Views are thin: forms check input,
feedback.services applies the rules and saves, feedback.rules decides who may open each page."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from accounts.roles import is_office, user_place
from core.files import serve_stored_file
from core.views import ActionView
from directory.models import Place, Unit
from sessions import selectors as session_selectors

from .. import forms, selectors
from ..models import Question, QuestionStatus, Topic
from ..services import FeedbackError
from ..services.answers import StaleAnswerError, answer_token, approve_answer
from .mixins import QuestionMixin

QUESTIONS_PER_PAGE = 50
ACTIONS = (
    "assign_question",
    "merge_question",
    "draft_answer",
    "approve_answer",
    "hand_back_question",
    "mark_question",
    "record_written_reply",
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class QuestionListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "feedback.list_questions"
    template_name = "feedback/question_list.html"
    context_object_name = "questions"
    paginate_by = QUESTIONS_PER_PAGE

    def filters(self) -> dict:
        get = self.request.GET
        status = get.get("status")
        return {
            "session": _int(get.get("session")),
            "topic": _int(get.get("topic")),
            "unit": _int(get.get("unit")),
            "status": status if status in QuestionStatus.values else None,
        }

    def get_queryset(self):
        return selectors.question_list(self.request.user, **self.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["filters"] = self.filters()
        context["session_choices"] = list(session_selectors.sessions_for_user(user).order_by("-pk")[:200])
        context["topic_choices"] = list(Topic.objects.all())
        place = user_place(user)
        units = Unit.objects.none()
        if place is not None and is_office(user):
            units = Unit.objects.filter(place__in=Place.objects.within(place))
        context["unit_choices"] = list(units)
        context["status_choices"] = QuestionStatus.choices
        return context


class QuestionDetailView(QuestionMixin, TemplateView):
    template_name = "feedback/question_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can"] = {action: user.has_perm(f"feedback.{action}", self.question) for action in ACTIONS}
        try:
            context["answer"] = self.question.answer
        except Question.answer.RelatedObjectDoesNotExist:
            context["answer"] = None
        try:
            context["written_reply"] = self.question.written_reply
        except Question.written_reply.RelatedObjectDoesNotExist:
            context["written_reply"] = None
        context["events"] = selectors.question_events(self.question)
        return context


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "feedback.view_dashboard"
    template_name = "feedback/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["backlog"] = selectors.unit_backlog(self.request.user)
        return context


# ---------------------------------------------------------------- forms on a question


class QuestionActionView(QuestionMixin, FormView):
    """A form about one question; the form's save() calls one service."""

    template_name = "feedback/question_form.html"
    title = ""
    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.extra_form_kwargs())
        return kwargs

    def extra_form_kwargs(self) -> dict:
        return {}

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, question=self.question)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("feedback:question.detail", self.question.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context


class AssignView(QuestionActionView):
    permission_required = "feedback.assign_question"
    form_class = forms.AssignForm
    title = "Giao câu hỏi cho đơn vị"
    success_message = "Đã giao câu hỏi cho đơn vị."

    def get_initial(self):
        return {"unit": self.question.assigned_unit_id, "due_date": self.question.due_date}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["unit"].queryset = selectors.answering_units(self.question.session.plan)
        return form


class MergeView(QuestionActionView):
    permission_required = "feedback.merge_question"
    form_class = forms.MergeForm
    title = "Gộp câu hỏi trùng"
    success_message = "Đã gộp câu hỏi trùng."

    def extra_form_kwargs(self):
        return {"candidates": selectors.merge_candidates(self.question)}


class AnswerView(QuestionActionView):
    permission_required = "feedback.draft_answer"
    form_class = forms.AnswerForm
    title = "Dự thảo trả lời"
    success_message = "Đã lưu dự thảo trả lời; chờ lãnh đạo duyệt."

    def current_answer(self):
        try:
            return self.question.answer
        except Question.answer.RelatedObjectDoesNotExist:
            return None

    def get_initial(self):
        answer = self.current_answer()
        return {"text": answer.text if answer else "", "edit_token": answer_token(answer)}

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, question=self.question)
        except StaleAnswerError as exc:
            # Keep the user's text; show the other person's; the next save overrides knowingly.
            form.add_error(None, exc.message)
            form.data = form.data.copy()
            form.data["edit_token"] = answer_token(exc.answer)
            return self.render_to_response(self.get_context_data(form=form, stale_answer=exc.answer))
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("feedback:question.detail", self.question.pk)


class HandBackView(QuestionActionView):
    """A unit hands back a question that is not theirs; it leaves the unit's sight, so the
    officer goes back to the unit's questions, not to the question's page (which they may not
    read any more)."""

    permission_required = "feedback.hand_back_question"
    form_class = forms.HandBackForm
    title = "Trả lại câu hỏi không thuộc đơn vị"

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, question=self.question)
        except FeedbackError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Đã trả lại câu hỏi số {self.question.pk} cho chuyên viên phòng để giao đơn vị khác.",
        )
        return redirect("feedback:question.list")


class ReturnAnswerView(QuestionActionView):
    permission_required = "feedback.approve_answer"
    form_class = forms.ReturnAnswerForm
    title = "Trả lại dự thảo trả lời để sửa"
    success_message = "Đã trả lại dự thảo cho đơn vị sửa."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draft"] = getattr(self.question, "answer", None)
        return context


class AnsweredView(QuestionActionView):
    permission_required = "feedback.mark_question"
    form_class = forms.AnsweredForm
    title = "Ghi nhận đã trả lời tại hội nghị"
    success_message = "Đã ghi nhận câu hỏi được trả lời tại hội nghị."


class WritingView(QuestionActionView):
    permission_required = "feedback.mark_question"
    form_class = forms.WritingForm
    title = "Chuyển trả lời bằng văn bản"
    success_message = "Câu hỏi sẽ được trả lời bằng văn bản."

    def get_initial(self):
        return {"unit": self.question.assigned_unit_id}

    def extra_form_kwargs(self):
        return {"units": selectors.answering_units(self.question.session.plan)}


class WrittenReplyView(QuestionActionView):
    permission_required = "feedback.record_written_reply"
    form_class = forms.WrittenReplyForm
    title = "Văn bản trả lời"
    success_message = "Đã ghi nhận văn bản trả lời; câu hỏi đã đóng."


class WrittenReplyFileView(QuestionMixin, View):
    """The written reply's document, for whoever may read the question (never a public media URL)."""

    def get(self, request, *args, **kwargs):
        reply = getattr(self.question, "written_reply", None)
        if reply is None or not reply.file:
            raise Http404("Câu hỏi này chưa có tệp văn bản trả lời.")
        return serve_stored_file(reply.file, filename=Path(reply.file.name).name)


class ApproveView(ActionView, QuestionMixin, View):
    permission_required = "feedback.approve_answer"
    action_label = "Duyệt trả lời"

    def action_page_url(self) -> str:
        return reverse("feedback:question.detail", args=[self.kwargs["pk"]])

    def post(self, request, *args, **kwargs):
        try:
            approve_answer(user=request.user, question=self.question)
        except FeedbackError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã duyệt trả lời.")
        return redirect("feedback:question.detail", self.question.pk)
