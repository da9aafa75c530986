"""In Debian's chromium: sign in, switch to Chinese, open the directory, see a live notification."""

import pytest
import requests

from tests.support.factories import PASSWORD
from tests.support.live import browser_login, wait_until

pytestmark = pytest.mark.browser


def test_member_signs_in_switches_to_chinese_and_gets_a_live_notification(page, live_server,
                                                                           make):
    user = make.make_user("member", name="Anna Member")
    browser_login(page, user.email, PASSWORD)
    page.click("#lang-zh")
    page.wait_for_selector("html[lang=zh-CN]")
    page.click("a.nav-link[href='/groups']")
    page.wait_for_url("**/groups")
    assert page.locator(".group-card").count() == 12
    assert page.locator("text=奢侈品").count() >= 1
    assert page.locator("#bell-count").is_hidden()
    wait_until(page, "window.portalSocket && window.portalSocket.connected")

    r = requests.post(live_server.url + "/api/v1/auth/tokens",
                      json={"email": user.email, "password": PASSWORD, "name": "phone"}, timeout=10)
    assert r.status_code == 201

    toast = page.wait_for_selector(".live-notification")
    assert "phone" in toast.inner_text()
    assert page.locator("#bell-count").inner_text() == "1"
    page.click("#bell")
    page.wait_for_url("**/notifications")
    assert "phone" in page.locator("#notification-list").inner_text()


def test_pages_load_without_console_errors(page, make):
    user = make.make_user("admin")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, user.email, PASSWORD)
    for path in ("/home", "/groups", "/groups/luxury-goods", "/profile", "/admin/users",
                 "/admin/chairs", "/notifications"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert errors == []
