"""The door's scanner posts each code without leaving the page (issue 14, item 3): the answer
comes back as JSON for the page's script, the page may compile the vendored QR reader
(WebAssembly), and the reader is committed, not fetched."""

import hashlib
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from notifications.models import Attendance
from notifications.services.checkin import checkin_token

from ..dialogue_portal.test_csp import POLICY, directives
from .conftest import add_participants, make_session

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(name, session):
    return reverse(f"notifications:{name}", args=[session.pk])


def test_checkin_scan_answers_a_script_with_its_messages(world, login):
    session = make_session(world, secretary=world.users["secretary"], date=timezone.localdate())
    first, second = add_participants(world, session, 2)
    client = login(world.users["secretary"])
    url = _url("checkin.scan", session)

    answers = [
        client.post(url, {"token": checkin_token(session_id=session.pk, participant_id=person.pk)}, **JSON)
        for person in (first, second, first)
    ]
    answers.append(client.post(url, {"token": "ma-gia-mao"}, **JSON))

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert {answer["Content-Type"] for answer in answers} == {"application/json"}
    at = timezone.localtime(Attendance.objects.get(participant=first).checked_in_at).strftime(
        "%H:%M ngày %d/%m/%Y"
    )
    assert [json.loads(answer.content) for answer in answers] == [
        {"messages": [{"level": "success", "text": "Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa)."}]},
        {"messages": [{"level": "success", "text": "Đã điểm danh Trần Thị Hương 2 (Xã Phước Hòa)."}]},
        {"messages": [{"level": "info", "text": f"Trần Thị Hương 1 đã điểm danh lúc {at}."}]},
        {"messages": [{"level": "error", "text": "Mã giấy mời không hợp lệ."}]},
    ]
    assert Attendance.objects.filter(session=session).count() == 2
    # The messages went to the script, none waits for the next page.
    page = client.get(_url("checkin", session))
    assert list(page.context["messages"]) == []


def test_checkin_scan_without_json_still_redirects(world, login):
    session = make_session(world, secretary=world.users["secretary"], date=timezone.localdate())
    person = add_participants(world, session, 1)[0]
    client = login(world.users["secretary"])

    response = client.post(
        _url("checkin.scan", session),
        {"token": checkin_token(session_id=session.pk, participant_id=person.pk)},
    )

    assert (response.status_code, response["Location"]) == (302, _url("checkin", session))


def test_checkin_scan_logged_out_script_is_sent_to_the_login_page(world, login):
    session = make_session(world, secretary=world.users["secretary"], date=timezone.localdate())
    person = add_participants(world, session, 1)[0]

    response = login(None).post(
        _url("checkin.scan", session),
        {"token": checkin_token(session_id=session.pk, participant_id=person.pk)},
        **JSON,
    )

    # Not a JSON answer: the script says the check-in did not happen and asks to reload.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Attendance.objects.count() == 0


def test_checkin_page_alone_may_compile_the_vendored_reader(world, login):
    session = make_session(world, secretary=world.users["secretary"], date=timezone.localdate())
    client = login(world.users["secretary"])

    page = client.get(_url("checkin", session))
    other = client.get(reverse("sessions:session.detail", args=[session.pk]))

    assert directives(page["Content-Security-Policy"]) == {
        **POLICY,
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
    }
    assert directives(other["Content-Security-Policy"]) == POLICY
    html = page.content.decode()
    assert 'data-decoder="/static/vendor/zxing-wasm/zxing-reader.js"' in html
    assert 'data-decoder-wasm="/static/vendor/zxing-wasm/zxing_reader.wasm"' in html
    assert '<script src="/static/js/checkin-scan.js"></script>' in html


def test_vendored_reader_is_committed_with_its_licences_and_hashes():
    files = {
        name: finders.find(f"vendor/zxing-wasm/{name}")
        for name in ("zxing-reader.js", "zxing_reader.wasm", "LICENSE", "LICENSE.zxing-cpp", "VENDORED.md")
    }
    assert None not in files.values()
    note = open(files["VENDORED.md"], encoding="utf-8").read()
    assert note.startswith("# zxing-wasm 3.1.8 (npm package `zxing-wasm`, MIT)")
    for name in ("zxing-reader.js", "zxing_reader.wasm"):
        with open(files[name], "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() in note
    reader = open(files["zxing-reader.js"], encoding="utf-8").read()
    wasm_hash = hashlib.sha256(open(files["zxing_reader.wasm"], "rb").read()).hexdigest()
    assert f"ZXING_WASM_SHA256=`{wasm_hash}`" in reader
    assert "ZXING_WASM_VERSION=O" in reader and "O=`3.1.8`" in reader
