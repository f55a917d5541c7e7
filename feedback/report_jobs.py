"""The results report of a plan printed in the worker, with a progress bar and a download.

A plan with thousands of questions takes about a minute to lay out (one document: its tables
and page numbers run across pages), too long for a web request. The office starts a
``ReportJob``; ``feedback.tasks.build_report_task`` prints the report and writes ``done`` (out
of 100) as WeasyPrint lays the pages out, at most once per percent; the page polls the job
(core.jobs: notifications' letters jobs work the same way) and offers the file when it is done.

Running twice does no harm: only one job per plan can be pending or running (a partial unique
constraint), starting again returns that job, and a task only claims a pending job or one whose
worker died (running for longer than ``STALE_AFTER``); a finished job is left alone.
"""

from __future__ import annotations

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.files import delete_stored_file
from core.jobs import ACTIVE_STATUSES, JobStatus, fail_jobs
from plans.models import Plan

from .documents import render_report
from .models import Question, ReportJob

logger = logging.getLogger(__name__)

# Longer than any report takes, shorter than the broker's visibility timeout (600 s): a task
# redelivered after its worker died finds the job stale and prints it again.
STALE_AFTER = datetime.timedelta(minutes=5)
# Plans with more questions than this are printed in the worker, not in the request: 300
# questions took 5 s on the 2-core server, 1,000 took 15 s and 5,000 about a minute.
SYNC_QUESTION_LIMIT = 200
# Rough pages of a report: the fixed sections, then the question list (1,000 short questions
# printed on 67 pages; answers make rows taller).
FIXED_PAGES, QUESTIONS_PER_PAGE = 3, 14
# Where each step puts the bar (percent), from the share of the time each took for 1,000
# questions: the layout, page by page, is about two thirds of it and runs from LAYOUT_FROM to
# LAYOUT_TO; writing the PDF takes the last eighth.
STEP_PERCENT = {"figures": 3, "css": 6, "formatting": 15, "pdf": 88}
LAYOUT_FROM, LAYOUT_TO = 20, 86
STAGES = {
    "figures": "Đang dựng nội dung báo cáo",
    "css": "Đang áp dụng định dạng",
    "formatting": "Đang chuẩn bị dàn trang",
    "layout": "Đang dàn trang",
    "pdf": "Đang ghi tệp PDF",
}


def report_questions(plan: Plan) -> int:
    return Question.objects.filter(session__plan=plan, duplicate_of__isnull=True).count()


def estimated_pages(questions: int) -> int:
    return FIXED_PAGES + -(-questions // QUESTIONS_PER_PAGE)


def start_report_job(*, plan: Plan, user) -> ReportJob:
    """The plan's pending or running report job, or a new one queued after commit.

    Side effects: a running job whose worker died (started longer than STALE_AFTER ago) is marked
    failed; a new ``ReportJob`` is inserted and ``build_report_task`` queued on commit."""
    from .tasks import build_report_task  # noqa: PLC0415 (tasks import this module: one way)

    stale = timezone.now() - STALE_AFTER
    fail_jobs(
        ReportJob.objects.filter(plan=plan, status=JobStatus.RUNNING, started_at__lt=stale),
        error="Tác vụ bị gián đoạn (máy chủ xử lý dừng giữa chừng).",
    )
    existing = ReportJob.objects.filter(plan=plan, status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                plan=plan,
                requested_by=user if user and user.is_authenticated else None,
                questions=report_questions(plan),
                stage="Đang chờ máy chủ xử lý",
            )
    except IntegrityError:
        # Another request started one at the same moment: follow that one.
        return ReportJob.objects.get(plan=plan, status__in=ACTIVE_STATUSES)
    transaction.on_commit(lambda: build_report_task.delay(job_id=job.pk))
    return job


class _Bar:
    """Writes the job's progress when the percent changes (at most 100 small UPDATEs)."""

    def __init__(self, job: ReportJob):
        self.job_id = job.pk
        self.pages = estimated_pages(job.questions)
        self.percent = 0

    def __call__(self, step: str, page: int) -> None:
        if step == "layout":
            share = min(page / max(self.pages, page + 1), 1.0)
            percent = LAYOUT_FROM + int((LAYOUT_TO - LAYOUT_FROM) * share)
            stage = f"{STAGES['layout']} (trang {page})"
        elif step in STEP_PERCENT:
            percent, stage = STEP_PERCENT[step], STAGES[step]
        else:
            return
        if percent > self.percent:
            self.percent = percent
            ReportJob.objects.filter(pk=self.job_id).update(done=percent, stage=stage)


def build_report_job(*, job_id: int) -> ReportJob | None:
    """Print a report job's PDF and store it on the job.

    Side effects: the job goes running → done with ``result`` saved to the default storage and
    ``done`` written as the pages are laid out; an error marks it failed with the reason kept
    for staff. A job that is gone, finished, or running in a live worker is left alone."""
    now = timezone.now()
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER))
        .update(status=JobStatus.RUNNING, started_at=now, done=0, stage=STAGES["figures"])
    )
    job = ReportJob.objects.select_related("plan").filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    try:
        document = render_report(job.plan, on_step=_Bar(job))
    except Exception:  # any printing error ends the job; staff see why and start again
        logger.exception("report job %s failed", job.pk)
        fail_jobs(ReportJob.objects.filter(pk=job.pk))
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    # Stored under the job's id, so two jobs of one plan never share a file.
    job.result.save(f"job-{job.pk}.pdf", ContentFile(document.content), save=False)
    job.filename = document.filename
    job.status = JobStatus.DONE
    job.done = job.total
    job.stage = "Đã tạo xong báo cáo"
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "filename", "status", "done", "stage", "finished_at"])
    _drop_older_files(job)
    return job


def _drop_older_files(job: ReportJob) -> None:
    """Keep only the newest report of a plan: the older jobs and their files are superseded."""
    older = ReportJob.objects.filter(plan_id=job.plan_id, status=JobStatus.DONE, pk__lt=job.pk)
    for previous in older:
        delete_stored_file(previous.result)
    older.delete()
