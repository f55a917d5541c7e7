from core.jobs import JOB_FAILED, JobStatus, Progress, fail_jobs, job_progress
from notifications.models import BatchJob, JobKind
from tests.notifications.conftest import make_session


def test_progress_percent_rounds_down_and_caps_at_100():
    assert Progress(done=1, total=3, finished=False).percent == 33
    assert Progress(done=5, total=4, finished=True).percent == 100
    assert Progress(done=0, total=0, finished=False).percent == 0
    assert Progress(done=0, total=0, finished=True).percent == 100


def test_fail_jobs_marks_only_the_given_jobs_failed_with_the_reason(world):
    session = make_session(world)
    running, other = (
        BatchJob.objects.create(
            kind=JobKind.LETTERS, session=session, status=JobStatus.RUNNING, total=4, done=1
        )
        for _ in range(2)
    )

    assert fail_jobs(BatchJob.objects.filter(pk=running.pk)) == 1

    running.refresh_from_db()
    other.refresh_from_db()
    assert (running.status, running.error, running.finished_at is not None) == (
        JobStatus.FAILED,
        JOB_FAILED,
        True,
    )
    assert job_progress(running) == Progress(done=1, total=4, finished=True, failed=True)
    assert (other.status, other.error, other.finished_at) == (JobStatus.RUNNING, "", None)
