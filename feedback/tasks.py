"""Thin Celery tasks over feedback's services: ids in, one call each."""

from __future__ import annotations

from celery import shared_task


@shared_task
def build_report_task(*, job_id: int) -> str:
    """Print a plan's results report (feedback.report_jobs.build_report_job). A printing error is
    not temporary: the job is marked failed with the reason instead of being retried."""
    from . import report_jobs  # noqa: PLC0415 (WeasyPrint loads only in workers that print reports)

    job = report_jobs.build_report_job(job_id=job_id)
    return job.status if job is not None else "gone"
