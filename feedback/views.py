"""Question pages: list, detail, submission by form or upload, assignment, answers and outcomes.

Views are thin: forms check input, feedback.services applies the rules and saves, feedback.rules
decides who may open each page."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from accounts.roles import is_office, user_place
from core import job_views
from core.jobs import job_progress
from core.uploads import PendingUploads
from core.views import ObjectPageMixin
from directory.models import Place, Unit
from plans.models import Plan
from sessions import selectors as session_selectors
from sessions.models import Session
from sessions.views import SessionMixin

from . import forms, report_jobs, selectors, services
from .documents import render_notice, render_report, report_xlsx
from .models import Question, QuestionStatus, ReportJob, SessionConclusion, Topic
from .notice import build_notice, conclusion_defaults

QUESTIONS_PER_PAGE = 50
UPLOADS_KEY = "question_uploads"
UPLOAD_DIR = "uploads/questions"
ACTIONS = (
    "assign_question",
    "merge_question",
    "draft_answer",
    "approve_answer",
    "mark_question",
    "record_written_reply",
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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


# ---------------------------------------------------------------- list, detail, dashboard


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
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
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
        except services.FeedbackError as exc:
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

    def get_initial(self):
        try:
            return {"text": self.question.answer.text}
        except Question.answer.RelatedObjectDoesNotExist:
            return {}


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
        return FileResponse(reply.file.open("rb"), as_attachment=True, filename=Path(reply.file.name).name)


class ApproveView(QuestionMixin, View):
    permission_required = "feedback.approve_answer"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.approve_answer(user=request.user, question=self.question)
        except services.FeedbackError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã duyệt trả lời.")
        return redirect("feedback:question.detail", self.question.pk)


# ---------------------------------------------------------------- questions of a session


class SubmitView(SessionFeedbackMixin, FormView):
    permission_required = "feedback.submit_question"
    template_name = "feedback/session_form.html"
    form_class = forms.QuestionSubmitForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.request.user.place}

    def form_valid(self, form):
        try:
            question = form.save(user=self.request.user, session=self.session)
        except services.FeedbackError as exc:
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
        except services.FeedbackError as exc:
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


def pending_uploads(request) -> PendingUploads:
    return PendingUploads(request, key=UPLOADS_KEY, directory=UPLOAD_DIR)


class UploadView(SessionFeedbackMixin, TemplateView):
    """GET: the upload form. POST: check the file and show the preview, saving nothing."""

    permission_required = "feedback.submit_question"
    template_name = "feedback/question_upload.html"

    @property
    def commune(self):
        return self.request.user.place

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=forms.QuestionUploadForm()))

    def post(self, request, *args, **kwargs):
        form = forms.QuestionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        content = form.content()
        filename = Path(form.cleaned_data["file"].name).name
        report = services.preview_questions(
            session=self.session, commune=self.commune, filename=filename, content=content
        )
        token = ""
        if report.can_commit:
            token = pending_uploads(request).store(
                content, session=self.session.pk, commune=self.commune.pk, filename=filename
            )
        return self.render_to_response(
            self.get_context_data(form=forms.QuestionUploadForm(), report=report, token=token)
        )


class ConfirmView(UploadView):
    """POST with a preview's token: check the stored file again and save it all or nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        uploads = pending_uploads(request)
        found = uploads.load(token, session=self.session.pk, commune=self.commune.pk)
        if found is None:
            messages.error(request, "Tệp đã kiểm tra không còn được lưu tạm; hãy tải tệp lên lại.")
            return redirect("feedback:question.upload", self.session.pk)
        pending, content = found
        try:
            report = services.import_questions(
                user=request.user,
                session=self.session,
                commune=self.commune,
                filename=pending["filename"],
                content=content,
            )
        except services.FeedbackError as exc:
            messages.error(request, exc.message)
            return redirect("feedback:question.upload", self.session.pk)
        if not report.committed:
            return self.render_to_response(
                self.get_context_data(form=forms.QuestionUploadForm(), report=report, token="")
            )
        uploads.forget(token)
        messages.success(request, f"Đã nhận {report.saved} câu hỏi của {self.commune.full_name}.")
        return redirect(f"{reverse('feedback:question.list')}?session={self.session.pk}")


# ---------------------------------------------------------------- results report


class ReportMixin(ObjectPageMixin):
    """The results report of the plan in the URL; only the issuing office may print it."""

    permission_required = "feedback.view_report"
    not_found = "Không tìm thấy kế hoạch."

    def load_object(self) -> Plan:
        return Plan.objects.select_related("issuer").get(pk=self.kwargs["plan_pk"])


class ReportPdfView(ReportMixin, View):
    """The report printed in the request for a small plan; a large one is printed in the worker
    (a page with the button that starts it), since it would keep the request for a minute."""

    def get(self, request, *args, **kwargs):
        plan = self.page_object
        questions = report_jobs.report_questions(plan)
        if questions > report_jobs.SYNC_QUESTION_LIMIT:
            job = ReportJob.objects.filter(plan=plan).first()
            return render(
                request,
                "feedback/report_job.html",
                {"plan": plan, "job": job, "questions": questions, **_report_fragment_context(plan, job)},
            )
        document = render_report(plan)
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.filename)
        return response


class ReportXlsxView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        plan = self.page_object
        response = HttpResponse(
            report_xlsx(plan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"bao-cao-ket-qua-doi-thoai-ke-hoach-{plan.pk}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


# ---------------------------------------------------------------- the public page of a session


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


# ---------------------------------------------------------------- conclusion notice of a session


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
        context["notice"] = build_notice(self.session) if self.conclusion is not None else None
        return context


class ConclusionFormView(ConclusionMixin, FormView):
    template_name = "feedback/session_form.html"
    title = ""
    success_message = ""

    def form_valid(self, form):
        try:
            form.save(user=self.request.user, session=self.session)
        except services.FeedbackError as exc:
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
            return conclusion_defaults(self.session)
        initial = {
            name: getattr(conclusion, name)
            for name in forms.ConclusionForm.base_fields
            if name != "conclusions"
        }
        initial["conclusions"] = "\n".join(item.text for item in conclusion.items.all())
        return initial


class ConclusionIssueView(ConclusionFormView):
    permission_required = "feedback.issue_conclusion"
    form_class = forms.ConclusionIssueForm
    title = "Ban hành thông báo kết luận"
    success_message = "Đã ban hành thông báo kết luận."


class ConclusionPdfView(ConclusionMixin, View):
    """The notice as issued (the stored PDF), or the draft printed from the database."""

    def get(self, request, *args, **kwargs):
        conclusion = self.conclusion
        if conclusion is None:
            raise Http404("Phiên này chưa có thông báo kết luận.")
        if conclusion.is_issued and conclusion.issued_pdf:
            name = Path(conclusion.issued_pdf.name).name
            return FileResponse(conclusion.issued_pdf.open("rb"), as_attachment=True, filename=name)
        document = render_notice(self.session)
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.filename)
        return response


# ---------------------------------------------------------------- results report printed in the worker


def _report_fragment_context(plan, job) -> dict:
    if job is None:
        return {"progress": None, "poll_url": ""}
    return {
        "progress": job_progress(job),
        "poll_url": reverse("feedback:report.progress", args=[plan.pk, job.pk]),
    }


def _report_job_response(request, plan, job: ReportJob):
    """The job's progress bar: the fragment for htmx, the whole page when opened directly."""
    context = {"plan": plan, "job": job, **_report_fragment_context(plan, job)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "feedback/_report_job.html", context)
    return render(request, "feedback/report_job.html", {**context, "questions": job.questions})


class ReportJobMixin(ReportMixin, job_views.JobPageMixin):
    """A report job of the plan in the URL (another plan's job → 404)."""

    def load_job(self) -> ReportJob:
        return get_object_or_404(ReportJob, pk=self.kwargs["job_pk"], plan=self.page_object)


class ReportJobStartView(ReportMixin, View):
    """Start printing the report in the worker (or follow the job already under way)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = report_jobs.start_report_job(plan=self.page_object, user=request.user)
        if request.headers.get("HX-Request") != "true":
            return redirect("feedback:report.progress", self.page_object.pk, job.pk)
        return _report_job_response(request, self.page_object, job)


class ReportJobProgressView(ReportJobMixin, job_views.JobProgressView):
    """The progress bar of one report job: an htmx fragment that polls itself until done, or the
    whole page when opened directly."""

    def progress_response(self, job):
        return _report_job_response(self.request, self.page_object, job)


class ReportJobDownloadView(ReportJobMixin, job_views.JobDownloadView):
    not_ready = "Báo cáo chưa tạo xong."

    def job_filename(self, job):
        return job.filename or "bao-cao.pdf"
