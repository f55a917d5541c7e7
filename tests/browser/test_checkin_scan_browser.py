"""The door on most phones (issue 14, item 3): a printed letter's QR code read by the camera of a
browser without BarcodeDetector (Safari on iPhone, Firefox, in-app browsers), through the
vendored reader, and a handheld scanner typing one code after another into the field.

The camera is chromium's fake video capture, fed with a photo-like picture of the first page of
a real letter (rendered, rasterised by pdftoppm, slightly turned and blurred)."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageFilter
from playwright.sync_api import expect

from notifications.documents import render_invitations
from notifications.models import Attendance
from notifications.services.checkin import checkin_token
from plans.models import Plan, PlanStatus

from ..notifications.conftest import add_participants, make_session
from ..pdfcheck import open_pdf
from .conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPI = 150
FRAME = (1280, 720)
PASSWORD = "matkhau-thu-nghiem"


def _door_session(world):
    # Dated today: check-in opens on the session's day.
    session = make_session(world, secretary=world.users["secretary"], quota=30, date=timezone.localdate())
    Plan.objects.filter(pk=session.plan_id).update(status=PlanStatus.APPROVED)
    return session


def letter_photo(pdf: bytes, folder: Path) -> Image.Image:
    """Page 1 of the letters as a phone would see it: the lower half of the page around the QR
    code, turned a few degrees on a table, a little out of focus."""
    source = folder / "letters.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(folder / "page"),
        ],
        check=True,
    )
    page = Image.open(folder / "page.png").convert("RGB")
    with open_pdf(pdf) as document:
        (image,) = document.pages[0].images
        scale = DPI / 72
        centre = ((image["x0"] + image["x1"]) / 2 * scale, (image["top"] + image["bottom"]) / 2 * scale)
    width, height = 1000, 600
    left = min(max(0, int(centre[0] - width / 3)), page.width - width)
    top = min(max(0, int(centre[1] - height / 2)), page.height - height)
    sheet = page.crop((left, top, left + width, top + height))
    sheet = sheet.rotate(4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(96, 84, 70))
    photo = Image.new("RGB", FRAME, (96, 84, 70))
    sheet.thumbnail(FRAME)
    photo.paste(sheet, ((FRAME[0] - sheet.width) // 2, (FRAME[1] - sheet.height) // 2))
    return photo.filter(ImageFilter.GaussianBlur(0.8))


def write_y4m(picture: Image.Image, path: Path, *, frames: int = 2) -> None:
    """A YUV4MPEG2 file (4:2:0, the chroma planes at half size) repeating one picture."""
    luma, blue, red = picture.convert("YCbCr").split()
    half = (picture.width // 2, picture.height // 2)
    planes = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    with path.open("wb") as handle:
        handle.write(f"YUV4MPEG2 W{picture.width} H{picture.height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            handle.write(b"FRAME\n" + planes)


@pytest.fixture
def camera_page(browser):
    """Opens a page of a second chromium whose camera shows the given y4m file."""
    opened = {}

    def _open(video: Path, *, init_script: str = "delete window.BarcodeDetector;", phone: bool = True):
        fake = browser.browser_type.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        size = (
            {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True} if phone else {}
        )
        context = fake.new_context(locale="vi-VN", **size)
        context.grant_permissions(["camera"])
        # By default as on Safari or Firefox: no BarcodeDetector (chromium on Linux has none either).
        context.add_init_script(init_script)
        page = context.new_page()
        page.set_default_timeout(15000)
        opened.update(browser=fake, violations=[], requests=[])
        page.on(
            "console",
            lambda message: (
                opened["violations"].append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("request", lambda req: opened["requests"].append(req.url))
        return page, opened

    yield _open
    if opened:
        opened["browser"].close()
        assert opened["violations"] == []


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()


def test_browser_camera_reads_a_printed_letter_without_barcode_detector(
    world, camera_page, live_server, tmp_path
):
    session = _door_session(world)
    first, _second = add_participants(world, session, 2)
    photo = letter_photo(render_invitations(session=session).content, tmp_path)
    photo.save("/tmp/h3-letter-frame.png")
    write_y4m(photo, tmp_path / "letter.y4m")
    page, seen = camera_page(tmp_path / "letter.y4m")

    _login(page, live_server, "thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    assert page.evaluate("'BarcodeDetector' in window") is False
    camera = page.get_by_role("button", name="Dùng máy ảnh điện thoại")
    expect(camera).to_be_visible()
    camera.click()

    result = page.locator("#scan-results .alert").first
    expect(result).to_contain_text("Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa).", timeout=30000)
    assert result.get_attribute("data-level") == "success"
    attendance = Attendance.objects.get(session=session)
    assert (attendance.participant, attendance.walk_in, attendance.checked_in_by) == (
        first,
        False,
        world.users["secretary"],
    )
    # Read by the vendored reader, served by the portal (nothing from elsewhere).
    assert any(url.endswith("/static/vendor/zxing-wasm/zxing_reader.wasm") for url in seen["requests"])
    assert all(url.startswith(live_server.url) for url in seen["requests"])
    # The camera keeps running for the next letter; the same letter held up is sent once.
    expect(page.locator("#camera")).to_be_visible()
    expect(page.get_by_role("button", name="Tắt máy ảnh")).to_be_visible()
    # The counts per commune catch up without a reload.
    expect(page.locator('#attendance tr[data-commune="52-550-03"] td').nth(3)).to_have_text("1 (3%)")
    listed = page.locator(f'#checkin-people [data-participant="{first.pk}"] .badge')
    expect(listed).to_have_text(re.compile(r"^Đã điểm danh \d\d:\d\d$"))
    page.wait_for_timeout(1500)
    assert page.locator("#scan-results .alert").count() == 1
    page.screenshot(path="/tmp/h3-camera.png", full_page=True)

    page.get_by_role("button", name="Tắt máy ảnh").click()
    expect(page.locator("#camera")).to_be_hidden()
    assert Attendance.objects.filter(session=session).count() == 1


def test_browser_handheld_scanner_types_codes_one_after_another(world, page, browser_login, live_server):
    session = _door_session(world)
    first, second = add_participants(world, session, 2)
    tokens = [checkin_token(session_id=session.pk, participant_id=person.pk) for person in (first, second)]

    browser_login("thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    field = page.locator("#id_token")
    # Ready for the first scan without a click.
    expect(field).to_be_focused()

    # A scanner types fast and ends with Enter; the second letter follows at once.
    page.keyboard.type(tokens[0] + "\n", delay=2)
    page.keyboard.type(tokens[1] + "\n", delay=2)

    results = page.locator("#scan-results .alert")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("Đã điểm danh Trần Thị Hương 2 (Xã Phước Hòa).")
    expect(results.nth(1)).to_contain_text("Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa).")
    assert {Attendance.objects.get(participant=person).walk_in for person in (first, second)} == {False}
    expect(field).to_be_focused()
    expect(field).to_have_value("")

    # A letter scanned twice, and a code that is no letter's: each says so, in its own colour.
    page.keyboard.type(tokens[0] + "\n", delay=2)
    expect(results.nth(0)).to_contain_text("Trần Thị Hương 1 đã điểm danh lúc ")
    assert results.nth(0).get_attribute("class").split()[:2] == ["alert", "alert-warning"]
    page.keyboard.type("ma-gia-mao\n", delay=2)
    expect(results.nth(0)).to_contain_text("Mã giấy mời không hợp lệ.")
    assert results.nth(0).get_attribute("class").split()[:2] == ["alert", "alert-danger"]
    # A Vietnamese input method left on rewrites the typed code: said so, nothing sent.
    page.keyboard.type("đâ" + tokens[1][2:] + "\n", delay=2)
    expect(results.nth(0)).to_contain_text(
        "Mã đọc được có chữ có dấu: hãy tắt bộ gõ tiếng Việt (Unikey, EVKey…) rồi quét lại."
    )
    expect(results).to_have_count(5)
    expect(field).to_be_focused()
    expect(page.locator('#attendance tr[data-commune="52-550-03"] td').nth(3)).to_have_text("2 (7%)")
    expect(page.locator("#checkin-people .badge")).to_have_count(2)
    page.screenshot(path="/tmp/h3-scanner.png", full_page=True)
    assert Attendance.objects.filter(session=session).count() == 2


def test_browser_camera_uses_the_browsers_own_reader_where_it_reads_qr_codes(
    world, camera_page, live_server, tmp_path
):
    session = _door_session(world)
    person = add_participants(world, session, 1)[0]
    token = checkin_token(session_id=session.pk, participant_id=person.pk)
    write_y4m(Image.new("RGB", (320, 240), (200, 200, 200)), tmp_path / "grey.y4m")
    # A BarcodeDetector as Chrome on Android has it, reading the letter's code in every picture.
    page, seen = camera_page(
        tmp_path / "grey.y4m",
        init_script=(
            "window.BarcodeDetector = class {"
            "  static getSupportedFormats() { return Promise.resolve(['qr_code', 'ean_13']); }"
            "  detect(source) { return Promise.resolve(source.videoWidth ? [{rawValue: TOKEN}] : []); }"
            "};"
        ).replace("TOKEN", json.dumps(token)),
    )

    _login(page, live_server, "thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    page.get_by_role("button", name="Dùng máy ảnh điện thoại").click()

    expect(page.locator("#scan-results .alert").first).to_contain_text(
        "Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa)."
    )
    assert Attendance.objects.get(session=session).participant == person
    # The letter is held in front of the camera: sent once, not once a picture.
    page.wait_for_timeout(1500)
    assert page.locator("#scan-results .alert").count() == 1
    assert not any("/zxing" in url for url in seen["requests"])


def test_browser_camera_without_a_qr_reader_of_its_own_loads_the_vendored_one(
    world, camera_page, live_server, tmp_path
):
    """Chrome on an Android phone without Google's services has a BarcodeDetector that reads no
    QR code: the vendored reader takes over."""
    session = _door_session(world)
    add_participants(world, session, 1)
    photo = letter_photo(render_invitations(session=session).content, tmp_path)
    write_y4m(photo, tmp_path / "letter.y4m")
    page, seen = camera_page(
        tmp_path / "letter.y4m",
        init_script=(
            "window.BarcodeDetector = class {"
            "  static getSupportedFormats() { return Promise.resolve([]); }"
            "  detect() { return Promise.reject(new Error('not supported')); }"
            "};"
        ),
        phone=False,
    )

    _login(page, live_server, "thuky")
    page.goto(f"{live_server.url}/thong-bao/phien/{session.pk}/diem-danh/")
    page.get_by_role("button", name="Dùng máy ảnh điện thoại").click()

    expect(page.locator("#scan-results .alert").first).to_contain_text(
        "Đã điểm danh Trần Thị Hương 1 (Xã Phước Hòa).", timeout=30000
    )
    assert any(url.endswith("/static/vendor/zxing-wasm/zxing_reader.wasm") for url in seen["requests"])
    page.screenshot(path="/tmp/h3-camera-desktop.png", full_page=True)
