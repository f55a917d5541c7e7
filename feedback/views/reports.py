"""The results report of a plan: printed in the request for a small plan (PDF, or the
spreadsheet), or in the worker for a large one, with a progress bar and a download."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core import job_views
from core.jobs import job_progress
from core.views import XLSX_CONTENT_TYPE, ActionView, ObjectPageMixin, file_response
from plans.models import Plan

from .. import report_jobs
from ..documents import render_report, report_xlsx
from ..models import ReportJob


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
        return file_response(document.content, document.content_type, document.filename)


class ReportXlsxView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        plan = self.page_object
        filename = f"bao-cao-ket-qua-doi-thoai-ke-hoach-{plan.pk}.xlsx"
        return file_response(report_xlsx(plan), XLSX_CONTENT_TYPE, filename)


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


class ReportJobStartView(ActionView, ReportMixin, View):
    """Start printing the report in the worker (or follow the job already under way)."""

    action_label = "Tạo báo cáo"

    def action_page_url(self) -> str:
        return reverse("plans:plan.detail", args=[self.kwargs["plan_pk"]])

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
