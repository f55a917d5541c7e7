"""Benchmark of issues 5 and 14: a session's invitations, printed and sent with their letters.

    DATABASE_URL=postgres://dialogue:dialogue@127.0.0.1:5432/dialogue \\
    BENCH_BROKER_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/invitations.py \\
        [--letters 1000] [--emails 10000] [--only letters|emails]

letters: 1,000 letters (GIẤY MỜI) as one printable PDF through the job the invitations page
  starts (notifications.jobs.start_letters_job). Timed twice, from the job's start to its
  finished PDF: in this process with eager Celery (development mode: the parts one after the
  other), and through a real Celery worker with two processes on Redis (the parts side by side,
  then merged). Target: the worker's time <= 5 s (issue 14, item 11: the letter laid out once
  per session, each person's parts placed on it, notifications.letter_press).
emails: 10,000 invitation emails through the sending job (start_sending_job → send_invitations →
  batches over one SMTP connection each) with a real Celery worker (two processes) to an aiosmtpd
  server on 127.0.0.1, each carrying its recipient's own letter as a PDF, until every outbox row
  is sent and the server has every message, each once and each with its letter. Target: <= 90 s.

Needs a migrated PostgreSQL database and a Redis database of its own (it is flushed). What it
creates in the database is deleted at the end. Prints the figures; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS_TARGET = 5.0
EMAILS_TARGET = 90.0
WORKER_PROCESSES = 2
CODE = "BENCH-GM"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
# Timed as production runs, without the debug query log; eager Celery until the worker phase.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("CELERY_BROKER_URL", None)
MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-invitations-")
os.environ["MEDIA_ROOT"] = MEDIA_ROOT
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
CELERY = str(Path(sys.executable).with_name("celery"))

import django  # noqa: E402

django.setup()

import pypdfium2  # noqa: E402
import redis  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from core.jobs import JobStatus  # noqa: E402
from dialogue_portal.celery import app  # noqa: E402
from directory.models import KIND_LEVEL, MapEra, Place, PlaceKind  # noqa: E402
from notifications.jobs import LETTERS_STEP, start_letters_job  # noqa: E402
from notifications.models import BatchJob, OutboxMessage, OutboxStatus  # noqa: E402
from notifications.services.invitations import request_invitations  # noqa: E402
from plans.models import Plan  # noqa: E402
from sessions.models import Participant, ParticipantCategory, Session  # noqa: E402

# ---------------------------------------------------------------- the data


def place(code: str, kind: str, name: str, parent: Place | None = None) -> Place:
    return Place.objects.create(
        era=MapEra.BEFORE_2025,
        code=code,
        kind=kind,
        name=name,
        parent=parent,
        level=KIND_LEVEL[kind],
        path=f"{parent.path if parent else ''}{code}/",
    )


def build_world() -> tuple[Place, Place, Plan]:
    remove_world()
    district = place(CODE, PlaceKind.HUYEN, "Tuy Phước")
    commune = place(f"{CODE}-03", PlaceKind.XA, "Phước Hòa", district)
    hamlet = place(f"{CODE}-03-01", PlaceKind.THON, "Lộc Thượng", commune)
    plan = Plan.objects.create(
        issuer=district,
        kind="poverty",
        year=2024,
        summary="Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024",
        place_name="Tuy Phước",
        closing="Trên đây là Kế hoạch tổ chức hội nghị đối thoại.",
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_delegation="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn Bình",
    )
    return commune, hamlet, plan


def add_session(commune: Place, hamlet: Place, plan: Plan, count: int, *, email: bool) -> Session:
    session = Session.objects.create(
        plan=plan,
        venue_name="Hội trường UBND xã Phước Hòa",
        host_commune=commune,
        time_kind="exact",
        date=datetime.date(2024, 5, 6),
        start_time=datetime.time(7, 30),
        end_time=datetime.time(11, 0),
    )
    category, _ = ParticipantCategory.objects.get_or_create(code="ho-ngheo", defaults={"name": "Hộ nghèo"})
    Participant.objects.bulk_create(
        (
            Participant(
                session=session,
                commune=commune,
                hamlet=hamlet,
                category=category,
                full_name=f"Trần Thị Hương {number}",
                email=f"nguoidan{number}@example.vn" if email else "",
                row_number=number,
            )
            for number in range(1, count + 1)
        ),
        batch_size=2000,
    )
    return session


def remove_world() -> None:
    plans = Plan.objects.filter(issuer__code=CODE)
    Session.objects.filter(plan__in=plans).delete()
    plans.delete()
    for suffix in ("-03-01", "-03", ""):
        Place.objects.filter(code=f"{CODE}{suffix}").delete()


# ---------------------------------------------------------------- the worker


class Worker:
    """`celery worker` with two processes on the bench's Redis database, in its own process group."""

    def __init__(self, log: Path, smtp_port: int = 0):
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            ),
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_RESULT_BACKEND": "",  # nothing reads the tasks' results
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port or 25),
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [CELERY, "-A", "dialogue_portal", "worker", "--pool=prefork", "-c", str(WORKER_PROCESSES)]
            + [
                "-l",
                os.environ.get("BENCH_WORKER_LOG_LEVEL", "warning"),
                "-n",
                f"bench{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the worker exited ({self.log.name})")
            if app.control.ping(timeout=0.5):
                return
        raise SystemExit(f"the worker did not start ({self.log.name})")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the worker's processes (user and system), from /proc."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # a process that just ended
            if int(fields[2]) == self.process.pid:  # its process group
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def use_broker() -> None:
    """Send this process's tasks to the worker from now on instead of running them eagerly."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, result_backend=None)
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, *, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


# ---------------------------------------------------------------- letters


def run_letters_job(session: Session, *, timeout: float) -> tuple[float, BatchJob]:
    started = time.perf_counter()
    with transaction.atomic():
        job = start_letters_job(session=session, user=None)
    # Eagerly the job is over here; through the worker, poll as the progress bar does.
    wait_for(
        lambda: BatchJob.objects.filter(pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]).exists(),
        timeout=timeout,
        what="the letters job",
    )
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return elapsed, job


def check_letters(job: BatchJob, count: int) -> bool:
    if job.status != JobStatus.DONE:
        print(f"  job failed: {job.error}")
        return False
    with job.result.open("rb") as file:
        document = pypdfium2.PdfDocument(file.read())
    pages = len(document)
    first, last = (" ".join(document[n].get_textpage().get_text_range().split()) for n in (0, pages - 1))
    document.close()
    in_order = "Trần Thị Hương 1 " in first + " " and f"Trần Thị Hương {count} " in last + " "
    print(f"  pages: {pages}, first and last letter in list order: {in_order}, bytes: {job.result.size}")
    return pages == count and in_order


def bench_letters(count: int, log: Path) -> bool:
    commune, hamlet, plan = build_world()
    try:
        session = add_session(commune, hamlet, plan, count, email=False)
        warm = add_session(commune, hamlet, plan, LETTERS_STEP * WORKER_PROCESSES, email=False)
        run_letters_job(warm, timeout=120)  # fonts and stylesheet loaded, as in a running server

        single, job = run_letters_job(session, timeout=600)
        print(f"letters: {count} (parts of {LETTERS_STEP})")
        print(f"  one process (eager Celery): {single:.2f} s, {single * 1000 / count:.1f} ms a letter")
        ok = check_letters(job, count)

        use_broker()
        worker = Worker(log)
        try:
            worker.wait_ready()
            run_letters_job(warm, timeout=120)  # each worker process renders a part once first
            cpu = worker.cpu_seconds()
            parallel, job = run_letters_job(session, timeout=600)
            cpu = worker.cpu_seconds() - cpu
        finally:
            worker.stop()
        print(
            f"  worker with {WORKER_PROCESSES} processes: {parallel:.2f} s "
            f"(target <= {LETTERS_TARGET:.0f}), {parallel * 1000 / count:.1f} ms a letter; "
            f"the worker used {cpu:.1f} s of CPU"
        )
        ok = check_letters(job, count) and ok
        return ok and parallel <= LETTERS_TARGET
    finally:
        remove_world()


# ---------------------------------------------------------------- emails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingHandler:
    """Accepts every message and counts them by recipient."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()
        self.with_letter = 0
        self.letter_bytes = 0

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        letter = content.find(b"Content-Type: application/pdf")
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            if letter >= 0 and b'filename="Giay-moi-' in content[letter:]:
                self.with_letter += 1
                self.letter_bytes += len(content)
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def bench_emails(count: int, log: Path) -> bool:
    commune, hamlet, plan = build_world()
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    use_broker()
    worker = Worker(log, smtp_port=smtp.port)
    try:
        session = add_session(commune, hamlet, plan, count, email=True)
        worker.wait_ready()

        cpu = worker.cpu_seconds()
        started = time.perf_counter()
        with transaction.atomic():
            request_invitations(session_id=session.pk)
        rows = OutboxMessage.objects.filter(session=session)

        def all_sent() -> bool:
            return handler.total() >= count and rows.filter(status=OutboxStatus.SENT).count() == count

        wait_for(all_sent, timeout=1200, what="every invitation sent", step=0.2)
        elapsed = time.perf_counter() - started
        cpu = worker.cpu_seconds() - cpu
    finally:
        worker.stop()
        smtp.stop()
    statuses = Counter(rows.values_list("status", flat=True))
    once = len(handler.received) == count and set(handler.received.values()) == {1}
    remove_world()
    print(f"emails: {count}")
    print(
        f"  worker with {WORKER_PROCESSES} processes to aiosmtpd: {elapsed:.2f} s (target <= {EMAILS_TARGET:.0f}),"
        f" {count / elapsed:.0f} messages/s; the worker used {cpu:.1f} s of CPU"
    )
    print(f"  rows: {dict(statuses)}; server got {handler.total()} messages, each recipient once: {once}")
    average = handler.letter_bytes / max(handler.with_letter, 1) / 1024
    print(f"  messages with their letter attached: {handler.with_letter}, {average:.0f} KiB a message")
    lettered = handler.with_letter == count
    return once and lettered and statuses == {OutboxStatus.SENT: count} and elapsed <= EMAILS_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--only", choices=["letters", "emails"])
    args = parser.parse_args()
    log = Path(MEDIA_ROOT) / "worker.log"
    # The figures depend on what else the machine runs; say how busy it was.
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}, worker log: {log}")

    results = []
    if args.only in (None, "letters"):
        results.append(bench_letters(args.letters, log))
    if args.only in (None, "emails"):
        results.append(bench_emails(args.emails, log))
    redis.Redis.from_url(BROKER_URL).flushdb()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    ok = all(results)
    print("result: " + ("ok" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
