"""The results report printed in the worker: start, progress bar, download, failure, running twice."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.jobs import JOB_FAILED, JobStatus
from feedback import report_jobs
from feedback.models import ReportJob
from feedback.tasks import build_report_task
from plans.models import Plan
from plans.planfile import import_plan

from ..matrix_rows import plan_file
from ..pdfcheck import body_lines, find_line, open_pdf
from .test_report import build_plan, issued_by

pytestmark = pytest.mark.django_db


def _issued_plan(world):
    return import_plan(
        data=plan_file(world, status="issued", number=7, issued_on="2024-03-01"), keep_status=True
    )


def _progress_url(job):
    return reverse("feedback:report.progress", args=[job.plan_id, job.pk])


def _download_url(job):
    return reverse("feedback:report.download", args=[job.plan_id, job.pk])


def _percent(html: str) -> str:
    return re.search(r'<span class="job-count">([^<]*)</span>', html).group(1)


def _job(plan, **fields):
    values = {"plan": plan, "status": JobStatus.RUNNING, "started_at": timezone.now(), "done": 40}
    values.update(fields)
    if values["status"] in (JobStatus.DONE, JobStatus.FAILED):
        values.setdefault("finished_at", timezone.now())
    return ReportJob.objects.create(**values)


def test_report_job_lifecycle_start_progress_download(world, login, django_capture_on_commit_callbacks):
    plan = build_plan(questions=40)
    plan = issued_by(plan, world.district)
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("feedback:report.start", args=[plan.pk]), HTTP_HX_REQUEST="true")
    job = ReportJob.objects.get()
    assert (job.status, job.done, job.total, job.questions, job.requested_by) == (
        JobStatus.PENDING,
        0,
        100,
        40,
        world.users["district_staff"],
    )
    html = response.content.decode()
    assert _percent(html) == "0%"
    assert f'hx-get="{_progress_url(job)}" hx-trigger="every 1s"' in html
    assert len(callbacks) == 1

    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()  # the eager worker prints the report here
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "feedback_reportjob" SET "done"')]
    # The bar moves with the layout, page by page, but never writes the same percent twice.
    percents = [int(re.search(r'"done" = (\d+)', sql).group(1)) for sql in updates]
    assert len(percents) >= 4
    assert percents == sorted(set(percents))

    job.refresh_from_db()
    assert (job.status, job.done, job.error) == (JobStatus.DONE, 100, "")
    assert job.filename == f"du-thao-BC-UBND-ket-qua-doi-thoai-{plan.pk}.pdf"
    html = client.get(_progress_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert _percent(html) == "100%"
    assert "hx-trigger" not in html
    assert f'href="{_download_url(job)}"' in html

    download = client.get(_download_url(job))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    with open_pdf(b"".join(download.streaming_content)) as pdf:
        assert find_line(body_lines(pdf.pages[0]), "BÁO CÁO").bold
    job.result.delete(save=False)


def test_report_job_started_twice_follows_the_same_job(world, login, django_capture_on_commit_callbacks):
    plan = _issued_plan(world)
    client = login(world.users["leader"])
    url = reverse("feedback:report.start", args=[plan.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(url)
        second = client.post(url)
    job = ReportJob.objects.get()
    assert first["Location"] == second["Location"] == _progress_url(job)
    assert len(callbacks) == 1


def test_report_task_run_twice_prints_once(world):
    plan = _issued_plan(world)
    job = ReportJob.objects.create(plan=plan)
    assert build_report_task(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    name, finished = job.result.name, job.finished_at
    # A redelivered task finds the job finished and leaves it (and its file) alone.
    assert build_report_task(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert (job.result.name, job.finished_at) == (name, finished)
    assert build_report_task(job_id=987654) == "gone"
    job.result.delete(save=False)


def test_report_task_leaves_a_job_running_in_a_live_worker_alone(world):
    job = _job(_issued_plan(world))
    assert build_report_task(job_id=job.pk) == JobStatus.RUNNING
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 40)


def test_report_start_replaces_a_job_whose_worker_died(world, django_capture_on_commit_callbacks):
    plan = _issued_plan(world)
    dead = _job(plan, started_at=timezone.now() - report_jobs.STALE_AFTER - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False):
        job = report_jobs.start_report_job(plan=plan, user=world.users["leader"])
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (
        JobStatus.FAILED,
        "Tác vụ bị gián đoạn (máy chủ xử lý dừng giữa chừng).",
    )
    assert job.pk != dead.pk and job.status == JobStatus.PENDING


def test_report_job_failure_shows_reason_and_stops_polling(world, login, monkeypatch):
    plan = _issued_plan(world)

    def broken(*args, **kwargs):
        raise OSError("hết dung lượng đĩa")

    monkeypatch.setattr(report_jobs, "render_report", broken)
    job = ReportJob.objects.create(plan=plan)
    assert build_report_task(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == JOB_FAILED
    html = login(world.users["leader"]).get(_progress_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert f"Không tạo được báo cáo: {JOB_FAILED}. Vui lòng" in html
    assert login(world.users["leader"]).get(_download_url(job)).status_code == 404


def test_report_job_pages_404_for_forged_or_other_plans_job(world, login):
    plan = _issued_plan(world)
    other = build_plan(questions=0, prefix="Z")
    job = _job(other)
    client = login(world.users["district_staff"])
    assert client.get(reverse("feedback:report.progress", args=[plan.pk, job.pk])).status_code == 404
    assert client.get(reverse("feedback:report.progress", args=[plan.pk, 987654])).status_code == 404
    assert client.get(reverse("feedback:report.download", args=[plan.pk, job.pk])).status_code == 404


def test_report_job_pages_refused_to_commune_and_units(world, login):
    plan = _issued_plan(world)
    job = _job(plan)
    for role in ("commune_official", "department_officer"):
        client = login(world.users[role])
        assert client.get(_progress_url(job)).status_code == 403
        assert client.post(reverse("feedback:report.start", args=[plan.pk])).status_code == 403
    assert ReportJob.objects.count() == 1


def test_report_pdf_of_a_large_plan_offers_the_worker_instead(world, login, monkeypatch):
    monkeypatch.setattr(report_jobs, "SYNC_QUESTION_LIMIT", 5)
    plan = build_plan(questions=6)
    plan = issued_by(plan, world.district)
    response = login(world.users["leader"]).get(reverse("feedback:report.pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.context["questions"] == 6
    assert response.context["job"] is None
    assert f'action="{reverse("feedback:report.start", args=[plan.pk])}"' in response.content.decode()


def test_a_new_report_replaces_the_older_file_of_the_plan(world):
    plan = _issued_plan(world)
    first = ReportJob.objects.create(plan=plan)
    build_report_task(job_id=first.pk)
    first.refresh_from_db()
    old_name = first.result.name
    assert default_storage.exists(old_name)

    second = ReportJob.objects.create(plan=plan)
    assert build_report_task(job_id=second.pk) == JobStatus.DONE

    second.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert not ReportJob.objects.filter(pk=first.pk).exists()
    assert second.status == JobStatus.DONE and default_storage.exists(second.result.name)
    second.result.delete(save=False)


def test_report_of_a_plan_not_issued_is_refused(world, login):
    plan = build_plan(questions=2)
    Plan.objects.filter(pk=plan.pk).update(issuer=world.district)
    client = login(world.users["leader"])
    assert client.get(reverse("feedback:report.pdf", args=[plan.pk])).status_code == 403
    assert client.post(reverse("feedback:report.start", args=[plan.pk])).status_code == 403
