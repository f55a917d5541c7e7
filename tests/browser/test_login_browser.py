import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_login_shows_dashboard(world, browser_login, live_server):
    page = browser_login("chuyenvien")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Xin chào, Nguyễn Văn An"
    assert "Chuyên viên cơ quan ban hành" in page.locator("main").inner_text()


def test_browser_wrong_password_shows_message(world, browser_login):
    page = browser_login("chuyenvien", "sai")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.locator("form").inner_text()
