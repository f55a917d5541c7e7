import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.http import Http404

from core.files import delete_stored_file, serve_stored_file, unguessable_path
from feedback.models import WrittenReply

from ..factories import QuestionFactory

RANDOM = r"[A-Za-z0-9_-]{22}"


@pytest.fixture
def stored(db, settings, tmp_path):
    """A written reply's document with a Vietnamese name, saved through its upload_to."""
    settings.MEDIA_ROOT = tmp_path
    question = QuestionFactory()
    reply = WrittenReply(question=question, due_date="2024-06-01")
    reply.file.save("Công văn trả lời.pdf", ContentFile(b"%PDF-1.4 tra loi"), save=False)
    return reply.file


def test_unguessable_path_keeps_the_name_under_a_random_directory():
    first, second = (
        unguessable_path("giay-moi/phien-16", "job-4.pdf"),
        unguessable_path("giay-moi/phien-16", "job-4.pdf"),
    )

    assert re.fullmatch(rf"giay-moi/phien-16/{RANDOM}/job-4\.pdf", first)
    assert first != second
    assert re.fullmatch(rf"a/{RANDOM}/x\.pdf", unguessable_path("a", "../../etc/x.pdf"))


def test_serve_streams_the_bytes_when_no_web_server_takes_over(stored, settings):
    settings.PROTECTED_MEDIA_REDIRECT = ""

    response = serve_stored_file(stored, filename="Công văn trả lời.pdf")

    assert b"".join(response.streaming_content) == b"%PDF-1.4 tra loi"
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''C%C3%B4ng%20v%C4%83n%20tr%E1%BA%A3%20l%E1%BB%9Di.pdf"
    )
    assert "X-Accel-Redirect" not in response


def test_serve_hands_the_file_to_nginx_with_an_empty_body(stored, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "x-accel-redirect"
    settings.PROTECTED_MEDIA_PREFIX = "/_protected/"

    response = serve_stored_file(stored, filename="tra-loi.pdf", as_attachment=False)

    assert re.fullmatch(rf"feedback/tra-loi/cau-hoi-\d+/{RANDOM}/Công_văn_trả_lời\.pdf", stored.name)
    assert response["X-Accel-Redirect"] == quote(f"/_protected/{stored.name}")
    assert response["X-Accel-Redirect"].isascii()
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="tra-loi.pdf"'


def test_serve_hands_the_path_to_apache_with_x_sendfile(stored, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "x-sendfile"

    response = serve_stored_file(stored, filename="tra-loi.pdf")

    assert response["X-Sendfile"] == quote(stored.path)
    assert response.content == b""


def test_serve_a_lost_file_is_404_and_a_wrong_setting_is_refused(stored, settings):
    Path(stored.path).unlink()
    with pytest.raises(Http404):
        serve_stored_file(stored, filename="tra-loi.pdf")
    settings.PROTECTED_MEDIA_REDIRECT = "nginx"
    with pytest.raises(ImproperlyConfigured):
        serve_stored_file(stored, filename="tra-loi.pdf")


def test_delete_removes_the_random_directory_too(stored):
    directory = Path(stored.path).parent

    delete_stored_file(stored)

    assert not directory.exists()
    assert directory.parent.exists()
