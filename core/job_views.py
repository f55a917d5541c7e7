"""The pages of a tracked job (core.jobs): its progress bar and the download of its file.

An app subclasses them with its own page mixin (which object the URL names, who may see it) and
says how to load the job (``load_job``, another object's job is a 404), how its bar is drawn
(``progress_response``) and the file's name (``job_filename``).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.views import View

from .files import serve_stored_file
from .jobs import JobStatus, TrackedJob


class JobPageMixin:
    """A page about one job named in the URL."""

    def load_job(self) -> TrackedJob:
        raise NotImplementedError

    @cached_property
    def job(self) -> TrackedJob:
        return self.load_job()


class JobProgressView(JobPageMixin, View):
    """The progress bar of one job (an htmx fragment that polls itself until the job is over)."""

    def progress_response(self, job: TrackedJob) -> HttpResponse:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.progress_response(self.job)


class JobDownloadView(JobPageMixin, View):
    """The file of a finished job, once the page mixin has checked the reader (core.files); a 404
    with ``not_ready`` while it has none."""

    not_ready = "Tệp chưa tạo xong."

    def job_filename(self, job: TrackedJob) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        job = self.job
        if job.status != JobStatus.DONE or not job.result:
            raise Http404(self.not_ready)
        return serve_stored_file(job.result, filename=self.job_filename(job))
