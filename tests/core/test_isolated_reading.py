"""Issue 15, item 1: an uploaded spreadsheet is read in a child process with a memory and a
wall-clock limit (core.isolation), so that a file the archive check lets through still cannot
take the process that asked (web worker, Celery worker, command) down with it: a file that would
need more memory, or more time, than allowed is refused in Vietnamese and the asking process's
memory stays where it was."""

import functools
import threading
import time

import billiard
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.isolation import ChildOutOfTime, run_isolated
from core.spreadsheets import SpreadsheetError
from feedback.models import Question
from feedback.services.upload import read_question_rows
from sessions.participants.reading import read_rows as read_participant_rows
from tests import hostile_files as hostile
from tests.feedback import feedback_data
from tests.sessions import participant_data

MB = 1024 * 1024
READERS = {
    "questions": (read_question_rows, feedback_data.HEADER, feedback_data.row(1)),
    "participants": (read_participant_rows, participant_data.HEADER, participant_data.person(1)),
}
MEMORY_MESSAGE = (
    "Đọc tệp «lon.xlsx» cần hơn 200 MB bộ nhớ nên đã dừng; tệp quá lớn hoặc có cấu trúc bất thường. "
    "Hãy kiểm tra lại tệp, hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lại."
)


@pytest.fixture
def archive_check_passed(settings):
    """Caps so high that the archive check lets everything through: what is left is the child's."""
    settings.SPREADSHEET_MAX_SHEET_BYTES = settings.SPREADSHEET_MAX_SHARED_STRINGS_BYTES = 10_000 * MB
    settings.SPREADSHEET_MAX_TOTAL_BYTES = 10_000 * MB
    settings.SPREADSHEET_MAX_PART_BYTES = 10_000 * MB
    settings.SPREADSHEET_MAX_RATIO = 10**9
    settings.UPLOAD_READ_MEMORY_MB = 200
    return settings


@functools.cache
def huge_part(header: tuple) -> bytes:
    return hostile.huge_part(list(header), 400)  # 400 MB of XML in a 0.4 MB file


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class PeakMemory:
    """This process's resident memory sampled every few milliseconds while the block runs."""

    def __enter__(self):
        self.start = self.peak = resident_bytes()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, resident_bytes())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, resident_bytes())
        self.growth_mb = (self.peak - self.start) / MB


@pytest.mark.parametrize("kind", READERS)
def test_a_file_needing_more_memory_than_allowed_is_refused_and_this_process_stays_small(
    kind, archive_check_passed
):
    read, header, _ = READERS[kind]
    content = huge_part(tuple(header))
    assert len(content) < MB

    with PeakMemory() as memory, pytest.raises(SpreadsheetError) as error:
        read(filename="lon.xlsx", content=content)

    assert error.value.message == MEMORY_MESSAGE
    # Read here, the part alone would have been 400 MB of this process.
    assert memory.growth_mb < 50, f"this process grew by {memory.growth_mb:.0f} MB"
    # The process that asked reads the next file as before.
    assert len(read(filename="tot.xlsx", content=hostile.workbook([header, READERS[kind][2]]))) == 1


def test_a_reading_past_its_wall_clock_limit_is_killed_and_refused(archive_check_passed):
    archive_check_passed.SPREADSHEET_READ_SECONDS = 1000  # the reader's own clock never fires
    archive_check_passed.UPLOAD_READ_SECONDS = 1
    content = hostile.row_bomb(feedback_data.HEADER, 20_000_000)

    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as error:
        read_question_rows(filename="cham.xlsx", content=content)

    assert time.monotonic() - started < 5
    assert error.value.message.startswith("Đọc tệp «cham.xlsx» mất quá 1 giây nên đã dừng;")


def sleep_for(seconds):
    time.sleep(seconds)
    return "woke up"


def test_run_isolated_kills_a_child_that_does_not_answer():
    started = time.monotonic()
    with pytest.raises(ChildOutOfTime):
        run_isolated(sleep_for, 60, memory_mb=512, seconds=0.5)
    assert time.monotonic() - started < 5
    assert run_isolated(sleep_for, 0, memory_mb=512, seconds=30) == "woke up"


def read_in_daemon(results, content):
    """In a daemonic billiard process, as a task runs in a Celery prefork worker."""
    answers = []
    for filename, data in (
        ("tot.xlsx", hostile.workbook([feedback_data.HEADER, feedback_data.row(1)])),
        ("lon.xlsx", content),
    ):
        try:
            answers.append(len(read_question_rows(filename=filename, content=data)))
        except SpreadsheetError as exc:
            answers.append(exc.message)
    results.put(answers)


def test_a_daemonic_worker_process_reads_in_a_child_too(archive_check_passed):
    """A Celery prefork worker's processes are daemonic: multiprocessing refuses them children,
    so the reading starts a fresh interpreter instead, with the same limits."""
    results = billiard.Queue()
    process = billiard.Process(target=read_in_daemon, args=(results, huge_part(tuple(feedback_data.HEADER))))
    process.daemon = True
    process.start()
    answers = results.get(timeout=120)
    process.join(10)

    assert answers == [1, MEMORY_MESSAGE]


@pytest.mark.django_db
def test_question_upload_view_refuses_a_file_needing_too_much_memory(world, login, archive_check_passed):
    session = feedback_data.make_session(world)
    client = login(world.users["commune_official"])

    with PeakMemory() as memory:
        response = client.post(
            reverse("feedback:question.upload", args=[session.pk]),
            {"file": SimpleUploadedFile("lon.xlsx", huge_part(tuple(feedback_data.HEADER)))},
        )

    assert response.status_code == 200
    assert response.context["report"].errors == [MEMORY_MESSAGE]
    assert memory.growth_mb < 50
    assert not Question.objects.exists()
