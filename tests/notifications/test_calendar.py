import datetime

from django.urls import reverse

from notifications import calendar

from .conftest import make_session

DTSTAMP = datetime.datetime(2024, 4, 20, 3, 0, tzinfo=datetime.UTC)


def test_render_calendar_one_session_exact_output(world):
    session = make_session(
        world,
        venue_address="Thôn Lộc Thượng; xã Phước Hòa",
        chair="Đồng chí Nguyễn Văn Bình, Phó Chủ tịch UBND huyện",
    )

    content = calendar.render_calendar([session], name="Phiên 1", dtstamp=DTSTAMP)

    assert content == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//UBND//Cong thong tin hoi nghi doi thoai//VI\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Phiên 1\r\n"
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:session-{session.pk}@doithoai\r\n"
        "DTSTAMP:20240420T030000Z\r\n"
        "DTSTART:20240506T003000Z\r\n"
        "DTEND:20240506T040000Z\r\n"
        "SUMMARY:Hội nghị đối thoại: Hội trường UBND xã Phước Hòa\r\n"
        # Folded at 75 octets (not characters): Vietnamese letters take two or three octets.
        "LOCATION:Hội trường UBND xã Phước Hòa\\, Thôn Lộc Thượng\\; x\r\n"
        " ã Phước Hòa\r\n"
        "DESCRIPTION:Kế hoạch Dự thảo /KH-UBND: Tổ chức các hội ngh\r\n"
        " ị đối thoại chính sách về giảm nghèo năm 2024\\nThời gian:\r\n"
        "  7h30 - 11h00\\, 06/5/2024\\nChủ trì: Đồng chí Nguyễn Văn Bình\\, \r\n"
        " Phó Chủ tịch UBND huyện\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_render_calendar_lines_at_most_75_octets(world):
    session = make_session(world, venue_name="Nhà văn hóa " * 20)

    content = calendar.render_calendar([session], name="Phiên", dtstamp=DTSTAMP)

    lines = content.split("\r\n")
    assert max(len(line.encode("utf-8")) for line in lines) == 75
    unfolded = content.replace("\r\n ", "")
    assert f"LOCATION:{'Nhà văn hóa ' * 20}" in unfolded.split("\r\n")


def test_fold_never_splits_a_character():
    line = "SUMMARY:" + "ệ" * 60

    folded = calendar.fold(line)

    parts = folded.split("\r\n")
    assert [len(part.encode("utf-8")) for part in parts] == [74, 73, 43]
    assert "".join(part.removeprefix(" ") if i else part for i, part in enumerate(parts)) == line


def test_escape_text_commas_semicolons_newlines_backslashes():
    assert calendar.escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_render_calendar_without_hours_all_day_event(world):
    session = make_session(world, start_time=None, end_time=None)

    content = calendar.render_calendar([session], name="Phiên", dtstamp=DTSTAMP)

    assert "DTSTART;VALUE=DATE:20240506\r\nDTEND;VALUE=DATE:20240507\r\n" in content


def test_session_ics_view_calendar_file(world, login):
    session = make_session(world)
    client = login(world.users["district_staff"])

    response = client.get(reverse("notifications:session.ics", args=[session.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="phien-{session.pk}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.count("BEGIN:VEVENT") == 1


def test_session_ics_without_fixed_date_404_page(world, login):
    session = make_session(world, date=None)
    client = login(world.users["district_staff"])

    response = client.get(reverse("notifications:session.ics", args=[session.pk]))

    assert response.status_code == 404
    assert "Phiên chưa có ngày cụ thể" in response.content.decode()


def test_plan_ics_fixed_date_sessions_only(world, login):
    session = make_session(world)
    later = make_session(world, plan=session.plan, date=datetime.date(2024, 6, 3))
    make_session(world, plan=session.plan, date=None)
    client = login(world.users["leader"])

    response = client.get(reverse("notifications:plan.ics", args=[session.plan.pk]))

    body = response.content.decode()
    uids = [line for line in body.split("\r\n") if line.startswith("UID:")]
    assert uids == [f"UID:session-{session.pk}@doithoai", f"UID:session-{later.pk}@doithoai"]


def test_plan_ics_without_dated_sessions_404(world, login):
    session = make_session(world, date=None)
    client = login(world.users["leader"])

    response = client.get(reverse("notifications:plan.ics", args=[session.plan.pk]))

    assert response.status_code == 404
    assert "Kế hoạch chưa có phiên nào có ngày cụ thể" in response.content.decode()


def test_session_ics_unknown_session_404(world, login):
    client = login(world.users["leader"])

    assert client.get(reverse("notifications:session.ics", args=[999999])).status_code == 404
