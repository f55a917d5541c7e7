"""No stored file is served at a public URL, in any configuration; each goes through a view that
checks the reader, and the names carry a random part (issue 15, item 3)."""

import importlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import dialogue_portal.urls
from core.jobs import JobStatus
from feedback.models import ReportJob, SessionConclusion, WrittenReply
from notifications.models import BatchJob, BatchJobPart, JobKind
from plans.models import PlanStatus
from sessions.models import Quota

from ..factories import QuestionFactory
from ..notifications.conftest import add_participants, make_plan, make_session

RANDOM = r"[A-Za-z0-9_-]{22}"


@pytest.fixture(params=[True, False], ids=["debug", "production-like"])
def configuration(request, settings, tmp_path):
    """The URLs as loaded with DEBUG on (the development default) and off, with the production
    hand-over to nginx in the second case; urls.py reads the settings when it is imported."""
    debug = request.param
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = debug
    settings.PROTECTED_MEDIA_REDIRECT = "" if debug else "x-accel-redirect"
    importlib.reload(dialogue_portal.urls)
    clear_url_caches()
    yield debug
    settings.DEBUG = False
    importlib.reload(dialogue_portal.urls)
    clear_url_caches()


def _store(field, name: str, content: bytes = b"%PDF-1.4 noi dung") -> str:
    field.save(name, ContentFile(content), save=False)
    field.instance.save()
    return field.name


def _every_stored_file(world) -> dict[str, str]:
    """One file of each kind the portal stores, saved through its model's upload_to."""
    plan = make_plan(world, status=PlanStatus.ISSUED, number=7, issued_on="2024-04-20")
    session = make_session(world, plan=plan)
    question = QuestionFactory(session=session, commune=world.commune)
    reply = WrittenReply(question=question, due_date="2024-06-01")
    conclusion = SessionConclusion(
        session=session,
        chair="Chủ tịch UBND huyện",
        opening="Ngày 06/5/2024, UBND huyện tổ chức hội nghị đối thoại.",
        summary="Người dân hỏi về vay vốn.",
        closing="UBND huyện thông báo để các cơ quan biết.",
        recipients="UBND xã Phước Hòa",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn Bình",
    )
    letters = BatchJob.objects.create(kind=JobKind.LETTERS, session=session, commune=world.commune)
    part = BatchJobPart.objects.create(job=letters, index=0)
    return {
        "plan": _store(plan.issued_pdf, "ke-hoach.pdf"),
        "conclusion": _store(conclusion.issued_pdf, "01-TB-UBND.pdf"),
        "reply": _store(reply.file, "tra-loi.pdf"),
        "report": _store(ReportJob.objects.create(plan=plan).result, "bao-cao.pdf"),
        "letters": _store(letters.result, f"job-{letters.pk}.pdf"),
        "letters part": _store(part.result, f"job-{letters.pk}-0000.pdf"),
    }


def test_no_stored_file_is_served_at_a_media_url(world, login, configuration):
    names = _every_stored_file(world)
    # A letters file at the name it had before the names were random.
    letters = BatchJob.objects.get()
    legacy = f"giay-moi/phien-{letters.session_id}/job-{letters.pk}.pdf"
    legacy_path = Path(letters.result.storage.path(legacy))
    legacy_path.write_bytes(b"%PDF-1.4 Tran Thi Huong")
    names["letters before"] = legacy

    for kind, name in names.items():
        assert Path(letters.result.storage.path(name)).is_file(), kind
        for user in (None, world.users["leader"]):
            response = login(user).get(f"/media/{name}")
            assert (kind, response.status_code) == (kind, 404)


def test_stored_names_have_a_random_directory(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    names = _every_stored_file(world)
    session = BatchJob.objects.get().session

    expected = {
        "plan": r"plans/issued/{r}/ke-hoach\.pdf",
        "conclusion": rf"feedback/thong-bao-ket-luan/phien-{session.pk}/{{r}}/01-TB-UBND\.pdf",
        "reply": r"feedback/tra-loi/cau-hoi-\d+/{r}/tra-loi\.pdf",
        "report": rf"feedback/bao-cao/ke-hoach-{session.plan_id}/{{r}}/bao-cao\.pdf",
        "letters": rf"giay-moi/phien-{session.pk}/{{r}}/job-\d+\.pdf",
        "letters part": rf"giay-moi/phien-{session.pk}/phan/{{r}}/job-\d+-0000\.pdf",
    }
    for kind, name in names.items():
        assert re.fullmatch(expected[kind].format(r=RANDOM), name), (kind, name)


@pytest.mark.postgresql
def test_commune_official_cannot_read_another_communes_letters_by_changing_the_number(
    world, login, configuration, django_capture_on_commit_callbacks
):
    session = make_session(world, plan=make_plan(world, status=PlanStatus.APPROVED))
    add_participants(world, session, 1)
    add_participants(world, session, 1, commune=world.other_commune, start=10)
    Quota.objects.create(session=session, place=world.other_commune, count=30)
    jobs = {}
    for user, commune in (
        ("commune_official", world.commune),
        ("other_commune_official", world.other_commune),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            login(world.users[user]).post(
                reverse("notifications:job.start_letters", args=[session.pk]), {"commune": commune.code}
            )
        jobs[user] = BatchJob.objects.get(commune=commune)
        assert jobs[user].status == JobStatus.DONE
    own, others = jobs["commune_official"], jobs["other_commune_official"]
    client = login(world.users["commune_official"])

    assert client.get(reverse("notifications:job.download", args=[session.pk, own.pk])).status_code == 200
    assert client.get(reverse("notifications:job.download", args=[session.pk, others.pk])).status_code == 403
    assert client.get(f"/media/{others.result.name}").status_code == 404
    other_session = make_session(world, plan=session.plan)
    moved = reverse("notifications:job.download", args=[other_session.pk, others.pk])
    assert client.get(moved).status_code == 404


def test_production_download_hands_the_letters_to_nginx(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_REDIRECT = "x-accel-redirect"
    settings.PROTECTED_MEDIA_PREFIX = "/_protected/"
    _every_stored_file(world)
    job = BatchJob.objects.get()
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save()

    response = login(world.users["commune_official"]).get(
        reverse("notifications:job.download", args=[job.session_id, job.pk])
    )

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == quote(f"/_protected/{job.result.name}")
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="giay-moi-phien-{job.session_id}-52-550-03.pdf"'
    )
    assert (
        login(None).get(reverse("notifications:job.download", args=[job.session_id, job.pk])).status_code
        == 302
    )


def test_production_download_of_each_kind_goes_through_its_view(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_REDIRECT = "x-accel-redirect"
    names = _every_stored_file(world)
    question = WrittenReply.objects.get().question
    session = question.session
    SessionConclusion.objects.update(status="issued", number=1, issued_on="2024-05-10")
    report = ReportJob.objects.get()
    ReportJob.objects.filter(pk=report.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now(), filename="bao-cao-ket-qua.pdf"
    )
    leader = login(world.users["leader"])

    downloads = {
        "plan": reverse("plans:plan.pdf", args=[session.plan_id]),
        "conclusion": reverse("feedback:conclusion.pdf", args=[session.pk]),
        "reply": reverse("feedback:reply.file", args=[question.pk]),
        "report": reverse("feedback:report.download", args=[session.plan_id, report.pk]),
    }
    for kind, url in downloads.items():
        response = leader.get(url)
        assert (kind, response.status_code, response.content) == (kind, 200, b"")
        assert response["X-Accel-Redirect"] == quote(f"/_protected/{names[kind]}")
