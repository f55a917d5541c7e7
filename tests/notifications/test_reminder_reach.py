"""Reminders that reach someone, issue 14 point 7: a unit without an account (or whose officers
have no address) is written to at its directory address; whoever has no address at all is named
by the daily run and on the invitations page, with the phone numbers known."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory.models import Unit
from feedback.models import Channel, Question, QuestionStatus, Topic
from notifications.services.reminders import run_reminders, session_reach
from tests.factories import UnitFactory

from .conftest import make_session

D = datetime.date
ROOT = Path(__file__).resolve().parents[2]

# Session Monday 06/05/2024; answers due Monday 29/04 → the three-day reminder is on 24/04.
SESSION_DAY = D(2024, 5, 6)
DUE = D(2024, 4, 29)
REMINDER_DAY = D(2024, 4, 24)


def _question(world, session, unit, text="Hỏi về thẻ bảo hiểm y tế hộ cận nghèo"):
    return Question.objects.create(
        session=session,
        commune=world.commune,
        text=text,
        channel=Channel.BEFORE_SESSION,
        topic=Topic.objects.get(code="giam-ngheo"),
        status=QuestionStatus.ASSIGNED,
        assigned_unit=unit,
        due_date=DUE,
    )


def _session(world, **fields):
    """A session whose notice is published and whose communes' list deadline is met (no quota):
    only the units' answers are open."""
    return make_session(
        world,
        date=SESSION_DAY,
        quota=0,
        notice_published_at=timezone.now(),
        notice_time="06/5/2024",
        notice_venue="Hội trường",
        **fields,
    )


def _bhxh(world, email="bhxh.tuyphuoc@example.gov.vn") -> Unit:
    return UnitFactory(
        code="52-550-BHXH",
        name="Bảo hiểm xã hội huyện Tuy Phước",
        short_name="BHXH huyện",
        email=email,
        place=world.district,
    )


def test_unit_without_account_is_reminded_at_its_directory_address(world):
    unit = _bhxh(world)
    session = _session(world)
    _question(world, session, unit)

    run = run_reminders(today=REMINDER_DAY)

    assert [(row.to_email, row.user_id, row.unit_id, row.dedupe_key) for row in run.messages] == [
        (
            "bhxh.tuyphuoc@example.gov.vn",
            None,
            unit.pk,
            f"reminder:answers:s{session.pk}:n{unit.pk}:20240429:d-3:n{unit.pk}",
        )
    ]
    body = run.messages[0].body_text.strip().splitlines()
    assert body[0] == "Kính gửi Bảo hiểm xã hội huyện Tuy Phước,"
    # The unit cannot answer on the portal: the message says how to answer instead.
    assert body[-1] == (
        "Thư này được gửi tới địa chỉ của đơn vị trong danh mục vì đơn vị chưa có cán bộ nhận thư trên cổng "
        "thông tin. Đề nghị đơn vị gửi nội dung trả lời cho Ủy ban nhân dân huyện Tuy Phước bằng văn bản hoặc "
        "thư điện tử (hoặc liên hệ để được cấp tài khoản trên cổng)."
    )
    assert run.unreached == []
    assert run_reminders(today=REMINDER_DAY).messages == []  # the same day again: nothing new


def test_unit_whose_officer_has_an_address_is_reminded_through_the_officer_only(world):
    officer = world.users["department_officer"]
    officer.email = "donvi@example.gov.vn"
    officer.save()
    session = _session(world)
    _question(world, session, world.unit)

    rows = run_reminders(today=REMINDER_DAY).messages

    assert [(row.to_email, row.user_id) for row in rows] == [("donvi@example.gov.vn", officer.pk)]
    assert "địa chỉ của đơn vị trong danh mục" not in rows[0].body_text


def test_unit_whose_officer_has_no_address_falls_back_to_the_directory(world):
    # world.unit has an officer account without an e-mail; the directory has the unit's address.
    session = _session(world)
    _question(world, session, world.unit)

    rows = run_reminders(today=REMINDER_DAY).messages

    assert [(row.to_email, row.user_id) for row in rows] == [(world.unit.email, None)]


def test_unreached_unit_is_reported_with_its_officers_phone(world):
    world.unit.email = ""
    world.unit.save()
    officer = world.users["department_officer"]
    officer.first_name, officer.last_name, officer.phone = "Uyên", "Đặng Thị", "0912345678"
    officer.save()
    session = _session(world)
    _question(world, session, world.unit)
    _question(world, session, world.unit, text="Hỏi thêm")

    run = run_reminders(today=REMINDER_DAY)

    assert run.messages == []
    assert [str(unreached) for unreached in run.unreached] == [
        "Nhắc hạn «Dự thảo trả lời câu hỏi của người dân trước hội nghị» – "
        "Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước: Gọi điện: Đặng Thị Uyên 0912345678"
    ]


def test_send_reminders_command_says_who_could_not_be_reached(world):
    _bhxh(world, email="")
    session = _session(world)
    _question(world, session, Unit.objects.get(code="52-550-BHXH"))
    out = io.StringIO()

    call_command("send_reminders", "--today", "2024-04-24", stdout=out)

    assert out.getvalue().splitlines() == [
        "Không gửi được thư – Nhắc hạn «Dự thảo trả lời câu hỏi của người dân trước hội nghị» – "
        "Bảo hiểm xã hội huyện Tuy Phước: Không có thư điện tử, không có số điện thoại: gửi giấy nhắc "
        "hoặc liên hệ trực tiếp",
        "Ngày 24/04/2024: đã xếp 0 thư vào hộp thư đi. 1 việc không có ai nhận được thư điện tử "
        "(xem các dòng trên).",
    ]


@pytest.mark.parametrize("value", ["BAD", "2024-13-45", "24/04/2024"])
def test_send_reminders_bad_today_is_a_one_line_error_not_a_traceback(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "send_reminders", "--today", value],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"CommandError: Ngày không hợp lệ: «{value}» (cần dạng YYYY-MM-DD, ví dụ 2026-12-08) / "
        f"invalid date: {value!r} (expected YYYY-MM-DD)"
    ]


def test_reminder_quotes_a_session_name_typed_with_a_full_stop_inside_its_sentence(world):
    session = _session(world, name="Hội nghị đối thoại tại xã Phước Hòa năm 2024.")
    _question(world, session, world.unit)

    row = run_reminders(today=REMINDER_DAY).messages[0]

    assert row.body_text.splitlines()[3] == (
        "Hội nghị đối thoại: Hội nghị đối thoại tại xã Phước Hòa năm 2024 (7h30 - 11h00, 06/5/2024, "
        "Hội trường UBND xã Phước Hòa)."
    )
    assert "năm 2024.</strong>" not in row.body_html


# ---------------------------------------------------------------- the invitations page


def test_session_reach_lists_unreached_first_with_how(world):
    _bhxh(world, email="")
    official = world.users["commune_official"]
    official.phone = "02563851234"
    official.save()
    staff = world.users["district_staff"]
    staff.email = "chuyenvien@example.gov.vn"
    staff.save()
    # A draft plan's session: no public notice to remind of, so no leader hears of it; the
    # commune's list is still missing.
    session = make_session(world, date=SESSION_DAY)
    _question(world, session, Unit.objects.get(code="52-550-BHXH"))
    _question(world, session, world.unit)

    rows = session_reach(session, today=D(2024, 4, 1))

    assert [
        (row.reach.label, row.reach.reached, row.reach.how if not row.reach.reached else "") for row in rows
    ] == [
        (
            "Bảo hiểm xã hội huyện Tuy Phước",
            False,
            "Không có thư điện tử, không có số điện thoại: gửi giấy nhắc hoặc liên hệ trực tiếp",
        ),
        (
            "Cán bộ xã Phước Hòa",
            False,
            f"Gọi điện: {official.get_full_name() or official.username} 02563851234",
        ),
        ("Chuyên viên phòng – UBND huyện Tuy Phước", True, ""),
        ("Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước", True, ""),
    ]
    by_label = {row.reach.label: row for row in rows}
    assert by_label["Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước"].reach.via_directory is True
    assert by_label["Cán bộ xã Phước Hòa"].labels == ["Danh sách người tham dự và câu hỏi của người dân"]


def test_invitations_page_shows_who_reminders_cannot_reach(world, login):
    _bhxh(world, email="")
    session = make_session(world, date=timezone.localdate() + datetime.timedelta(days=20))
    _question(world, session, Unit.objects.get(code="52-550-BHXH"))

    response = login(world.users["district_staff"]).get(
        reverse("notifications:invitations.detail", args=[session.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="reminder-reach"' in html
    unreached = [row.reach.label for row in response.context["reminder_reach"] if not row.reach.reached]
    assert "Bảo hiểm xã hội huyện Tuy Phước" in unreached
    assert html.count('data-reached="0"') == len(unreached)


def test_session_reach_reads_only_its_own_sessions_deadlines(world, django_assert_max_num_queries):
    own = _session(world)
    _question(world, own, world.unit)
    other = _session(world)
    _question(world, other, _bhxh(world, email=""))

    with django_assert_max_num_queries(12):
        rows = session_reach(own, today=D(2024, 4, 1))

    assert [row.reach.label for row in rows] == [
        "Chuyên viên phòng – UBND huyện Tuy Phước",
        "Phòng Lao động - Thương binh và Xã hội huyện Tuy Phước",
    ]
