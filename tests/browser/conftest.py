import importlib
import os
import shutil

import pytest
from django.apps import apps

# Playwright's sync API keeps an event loop running in this thread; Django's ORM calls
# made by the test itself (fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (loaded only when a browser test runs)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    # Anything the Content-Security-Policy blocks (an inline script or handler) is a failure.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == []


@pytest.fixture
def browser_login(page, live_server):
    def _login(username: str, password: str = "matkhau-thu-nghiem"):
        page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login


@pytest.fixture(autouse=True)
def migration_data(db):
    """Transactional tests empty every table when they finish, rows written by data
    migrations included; put those rows back for the browser tests that need them."""
    categories = importlib.import_module("sessions.migrations.0004_participant_categories")
    categories.create_categories(apps, None)
    topics = importlib.import_module("feedback.migrations.0002_topics")
    topics.add_topics(apps, None)
