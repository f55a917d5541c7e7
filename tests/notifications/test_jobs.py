import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.jobs import JOB_FAILED, JobStatus, Progress
from notifications import jobs, tasks
from notifications.models import BatchJob, BatchJobPart, JobKind, OutboxMessage, OutboxStatus
from notifications.services.invitations import queue_invitations
from plans.models import PlanStatus
from tests import pdfcheck

from ..factories import PlaceFactory, UserFactory
from .conftest import add_participants, make_plan, make_session


def _start(session):
    return reverse("notifications:job.start_letters", args=[session.pk])


def _progress(job):
    return reverse("notifications:job.progress", args=[job.session_id, job.pk])


def _download(job):
    return reverse("notifications:job.download", args=[job.session_id, job.pk])


def _count(html: str) -> str:
    return re.search(r'<span class="job-count">([^<]*)</span>', html).group(1)


def _letters_job(session, *, status=JobStatus.RUNNING, total=8, done=3, commune=None):
    over = status in (JobStatus.DONE, JobStatus.FAILED)
    return BatchJob.objects.create(
        kind=JobKind.LETTERS,
        session=session,
        commune=commune,
        status=status,
        total=total,
        done=done,
        finished_at=timezone.now() if over else None,
    )


def test_letters_job_lifecycle_eager(world, login, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(jobs, "LETTERS_STEP", 2)
    session = make_session(world)
    add_participants(world, session, 5)
    client = login(world.users["district_staff"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_start(session), HTTP_HX_REQUEST="true")
    job = BatchJob.objects.get()
    assert (job.kind, job.status, job.done, job.total, job.requested_by) == (
        JobKind.LETTERS,
        JobStatus.PENDING,
        0,
        5,
        world.users["district_staff"],
    )
    html = response.content.decode()
    assert _count(html) == "0/5 (0%)"
    assert f'hx-get="{_progress(job)}" hx-trigger="every 1s"' in html
    assert "Tải tệp giấy mời" not in html
    assert len(callbacks) == 1

    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()  # the eager worker renders the letters here

    progress_updates = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "notifications_batchjob" SET "done"')
    ]
    # One progress write per step of two letters (3 steps for 5 letters), never one per letter.
    assert len(progress_updates) == 3
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == (JobStatus.DONE, 5, 5, "")
    assert job.finished_at is not None
    pdf = pdfcheck.open_pdf(job.result.read())
    assert len(pdf.pages) == 5

    html = client.get(_progress(job)).content.decode()
    assert _count(html) == "5/5 (100%)"
    assert "hx-trigger" not in html
    assert f'href="{_download(job)}"' in html

    download = client.get(_download(job))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="giay-moi-phien-{session.pk}.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")


# The stored file is named after the job's id, free only where ids are never reused (PostgreSQL's
# sequences; SQLite gives a rolled-back id again and the storage then adds a suffix).
@pytest.mark.postgresql
def test_letters_job_of_one_commune(world, login, django_capture_on_commit_callbacks):
    # A commune official prints their commune's letters once the plan is published.
    session = make_session(world, plan=make_plan(world, status=PlanStatus.APPROVED))
    add_participants(world, session, 2)
    add_participants(world, session, 3, commune=world.other_commune, start=10)
    client = login(world.users["commune_official"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_start(session), {"commune": world.commune.code})

    job = BatchJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _progress(job)
    assert (job.commune, job.status, job.done, job.total) == (world.commune, JobStatus.DONE, 2, 2)
    assert re.fullmatch(
        rf"giay-moi/phien-{session.pk}/[A-Za-z0-9_-]{{22}}/job-{job.pk}\.pdf", job.result.name
    )
    download = client.get(_download(job))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="giay-moi-phien-{session.pk}-52-550-03.pdf"'
    )


def test_letters_job_other_commune_official_403(world, login):
    session = make_session(world)
    add_participants(world, session, 1)
    job = _letters_job(session, commune=world.commune)
    client = login(world.users["other_commune_official"])

    assert client.post(_start(session), {"commune": world.commune.code}).status_code == 403
    assert client.get(_progress(job)).status_code == 403
    assert BatchJob.objects.count() == 1


def test_letters_job_unknown_commune_404(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    assert client.post(_start(session), {"commune": "99-999-99"}).status_code == 404
    assert BatchJob.objects.count() == 0


def test_job_progress_shows_count_and_percent_while_running(world, login):
    session = make_session(world)
    job = _letters_job(session, total=8, done=3)
    client = login(world.users["leader"])

    response = client.get(_progress(job))

    html = response.content.decode()
    assert response.status_code == 200
    assert _count(html) == "3/8 (37%)"
    assert 'aria-valuenow="37"' in html
    assert 'style="width: 37%"' in html
    assert f'hx-get="{_progress(job)}" hx-trigger="every 1s" hx-swap="outerHTML"' in html


def test_job_progress_failed_shows_error_and_stops_polling(world, login):
    session = make_session(world)
    job = _letters_job(session, status=JobStatus.FAILED, total=4, done=2)
    BatchJob.objects.filter(pk=job.pk).update(
        error="OSError: hết chỗ trên đĩa", finished_at="2024-05-01T08:00Z"
    )
    client = login(world.users["district_staff"])

    html = client.get(_progress(job)).content.decode()

    assert _count(html) == "2/4 (50%)"
    assert "hx-trigger" not in html
    assert "Không tạo được tệp giấy mời: OSError: hết chỗ trên đĩa." in html


def test_job_download_only_when_done(world, login):
    session = make_session(world)
    job = _letters_job(session)
    client = login(world.users["district_staff"])

    assert client.get(_download(job)).status_code == 404


def test_job_forged_id_404(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    for name in ("job.progress", "job.download"):
        assert client.get(reverse(f"notifications:{name}", args=[session.pk, 999999])).status_code == 404


def test_job_of_another_session_404(world, login):
    session = make_session(world)
    other = make_session(world, plan=session.plan)
    job = _letters_job(other)
    client = login(world.users["district_staff"])

    assert client.get(reverse("notifications:job.progress", args=[session.pk, job.pk])).status_code == 404
    assert client.get(reverse("notifications:job.download", args=[session.pk, job.pk])).status_code == 404


def test_job_progress_permissions_like_invitations_page(world, login):
    district = PlaceFactory(code="52-551", kind="huyen", name="An Nhơn", parent=world.province)
    foreign_staff = UserFactory(username="chuyenvien-annhon", role="district_staff", place=district)
    session = make_session(world)
    job = _letters_job(session)

    for user in (world.users["commune_official"], world.users["department_officer"], foreign_staff):
        assert login(user).get(_progress(job)).status_code == 403
        assert login(user).post(_start(session)).status_code == 403
    assert BatchJob.objects.count() == 1


def test_build_letters_job_gone_or_over_left_alone(world):
    session = make_session(world)
    job = _letters_job(session, status=JobStatus.DONE, total=1, done=1)

    assert jobs.build_letters(job_id=999999) is None
    assert jobs.build_letters(job_id=job.pk).status == JobStatus.DONE
    assert not BatchJob.objects.get(pk=job.pk).result


def test_sending_progress_counts_sent_and_failed_rows(world, login):
    session = make_session(world)
    add_participants(world, session, 4)
    queue_invitations(session_id=session.pk)
    first, second, third, _ = OutboxMessage.objects.order_by("id")
    OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).update(
        status=OutboxStatus.SENT, sent_at="2024-05-01T08:00Z"
    )
    OutboxMessage.objects.filter(pk=third.pk).update(status=OutboxStatus.FAILED)
    client = login(world.users["secretary"])
    url = reverse("notifications:job.sending", args=[session.pk])

    html = client.get(url).content.decode()
    assert _count(html) == "3/4 (75%)"
    assert f'hx-get="{url}" hx-trigger="every 1s"' in html

    OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENT, sent_at="2024-05-01T08:00Z"
    )
    html = client.get(url).content.decode()
    assert _count(html) == "4/4 (100%)"
    assert "hx-trigger" not in html


def test_sending_progress_is_computed_from_outbox(world):
    session = make_session(world)
    add_participants(world, session, 3)
    add_participants(world, session, 1, email=False, start=4)

    assert jobs.sending_progress(session_id=session.pk) == Progress(done=0, total=0, finished=True)
    queue_invitations(session_id=session.pk)
    assert jobs.sending_progress(session_id=session.pk) == Progress(done=0, total=3, finished=False)
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.order_by("id").first().pk).update(
        status=OutboxStatus.SENT, sent_at="2024-05-01T08:00Z"
    )
    assert jobs.sending_progress(session_id=session.pk).percent == 33


def test_invitations_page_has_letters_button_and_sending_fragment(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    html = client.get(reverse("notifications:invitations.detail", args=[session.pk])).content.decode()

    assert f'hx-post="{_start(session)}"' in html
    assert "Tạo tệp giấy mời để in</button>" in html
    assert f'hx-get="{reverse("notifications:job.sending", args=[session.pk])}" hx-trigger="load"' in html


def _invitees(content: bytes) -> list[str]:
    pdf = pdfcheck.open_pdf(content)
    return [
        re.search(r"Trần Thị Hương \d+", pdfcheck.squash(pdfcheck.extract_text(page))).group(0)
        for page in pdf.pages
    ]


def test_letters_parts_rendered_out_of_order_merge_in_list_order(world, monkeypatch):
    monkeypatch.setattr(jobs, "LETTERS_STEP", 2)
    session = make_session(world)
    add_participants(world, session, 5)
    job = _letters_job(session, status=JobStatus.PENDING, total=5, done=0)

    job = jobs.build_letters(job_id=job.pk)
    part_ids = jobs.letters_parts_to_build(job)
    parts = list(BatchJobPart.objects.filter(job=job).order_by("index"))
    assert [len(part.participant_ids) for part in parts] == [2, 2, 1]
    assert part_ids == [part.pk for part in parts]
    assert (job.status, job.done, job.total) == (JobStatus.RUNNING, 0, 5)

    # Two worker processes finish the parts in any order; each adds its letters to the bar.
    assert jobs.build_letters_part(part_id=parts[2].pk) is None
    assert BatchJob.objects.get(pk=job.pk).done == 1
    assert jobs.build_letters_part(part_id=parts[0].pk) is None
    assert BatchJob.objects.get(pk=job.pk).done == 3
    # Merging too early changes nothing.
    assert jobs.merge_letters(job_id=job.pk).status == JobStatus.RUNNING
    assert jobs.build_letters_part(part_id=parts[1].pk) == job.pk
    assert BatchJob.objects.get(pk=job.pk).done == 5

    job = jobs.merge_letters(job_id=job.pk)

    assert (job.status, job.done, job.total, job.error) == (JobStatus.DONE, 5, 5, "")
    content = job.result.read()
    assert _invitees(content) == [f"Trần Thị Hương {n}" for n in range(1, 6)]
    # The joined pages keep their fonts, size and QR code.
    pdf = pdfcheck.open_pdf(content)
    assert pdfcheck.foreign_fonts(pdf) == set()
    assert {tuple(round(side) for side in pdfcheck.page_size_mm(page)) for page in pdf.pages} == {(210, 297)}
    assert [len(page.images) for page in pdf.pages] == [1] * 5
    # The parts' files are gone once joined.
    assert list(BatchJobPart.objects.filter(job=job).values_list("result", flat=True)) == ["", "", ""]
    part_dir = Path(settings.MEDIA_ROOT) / f"giay-moi/phien-{session.pk}/phan"
    assert list(part_dir.iterdir()) == []


def test_letters_job_delivered_twice_counts_each_letter_once(world, monkeypatch):
    monkeypatch.setattr(jobs, "LETTERS_STEP", 2)
    session = make_session(world)
    add_participants(world, session, 3)
    job = _letters_job(session, status=JobStatus.PENDING, total=3, done=0)

    jobs.build_letters(job_id=job.pk)
    first, second = BatchJobPart.objects.filter(job=job).order_by("index")
    jobs.build_letters_part(part_id=first.pk)
    # The start and a part delivered again (a worker died before acknowledging them).
    job = jobs.build_letters(job_id=job.pk)
    assert BatchJobPart.objects.filter(job=job).count() == 2
    assert jobs.letters_parts_to_build(job) == [second.pk]
    assert jobs.build_letters_part(part_id=first.pk) is None
    assert (job.status, BatchJob.objects.get(pk=job.pk).done) == (JobStatus.RUNNING, 2)
    assert jobs.build_letters_part(part_id=second.pk) == job.pk
    assert jobs.build_letters_part(part_id=second.pk) == job.pk

    job = jobs.merge_letters(job_id=job.pk)
    result = job.result.name
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    assert _invitees(job.result.read()) == [f"Trần Thị Hương {n}" for n in range(1, 4)]

    # The merge queued by both deliveries of the last part, and the whole job again: no change.
    assert jobs.merge_letters(job_id=job.pk).result.name == result
    assert tasks.build_letters_task(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert (job.status, job.done, job.result.name) == (JobStatus.DONE, 3, result)
    assert jobs.letters_parts_to_build(job) == []


def test_letters_job_eager_task_runs_parts_and_merge_in_turn(world, monkeypatch):
    monkeypatch.setattr(jobs, "LETTERS_STEP", 2)
    session = make_session(world)
    add_participants(world, session, 4)
    job = _letters_job(session, status=JobStatus.PENDING, total=4, done=0)

    assert tasks.build_letters_task(job_id=job.pk) == JobStatus.RUNNING  # its parts ran inside

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 4, 4)
    assert _invitees(job.result.read()) == [f"Trần Thị Hương {n}" for n in range(1, 5)]


def test_letters_job_part_error_fails_job_with_reason(world, monkeypatch):
    monkeypatch.setattr(jobs, "LETTERS_STEP", 2)
    monkeypatch.setattr(jobs, "TEMPLATE", "notifications/document/khong-co.html")
    session = make_session(world)
    add_participants(world, session, 3)
    job = _letters_job(session, status=JobStatus.PENDING, total=3, done=0)

    tasks.build_letters_task(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.FAILED, 0)
    assert job.error == JOB_FAILED  # Vietnamese for staff; the exception went to the log
    assert job.finished_at is not None
    assert not job.result
    assert jobs.merge_letters(job_id=job.pk).status == JobStatus.FAILED
