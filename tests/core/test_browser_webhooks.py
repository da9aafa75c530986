"""In Debian's chromium on a phone-sized screen: register a webhook from the navigation,
copy the secret, watch the ping arrive signed at a real receiver, redeliver, delete."""

import os
import time

import pytest

from tests.support.factories import PASSWORD
from tests.support.live import browser_login, start_server
from tests.support.receiver import start_receiver

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def webhook_server(_schema, tmp_path_factory):
    """A live portal that may send to loopback (the receiver runs on this machine)."""
    os.environ["WEBHOOK_ALLOW_PRIVATE"] = "1"
    try:
        server = start_server(_schema, tmp_path_factory.mktemp("webhooks"), name="webhooks")
    finally:
        del os.environ["WEBHOOK_ALLOW_PRIVATE"]
    yield server
    server.stop()


@pytest.fixture
def phone(browser, webhook_server):
    """A page 390 px wide on that portal."""
    context = browser.new_context(base_url=webhook_server.url, locale="en-GB",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def _arrived(receiver, count: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while len(receiver.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receiver.received) >= count, receiver.received


def _fits(page) -> None:
    page.wait_for_load_state("load")  # measured with the style sheets in place, not mid-parse
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_member_registers_a_webhook_on_a_phone(phone, make):
    receiver = start_receiver()
    try:
        user = make.make_user("member")
        browser_login(phone, user.email, PASSWORD)
        phone.click(".navbar-toggler")
        phone.wait_for_selector(".navbar-collapse.show")  # the menu has finished opening
        phone.click("button.user-menu")  # the organisation's integrations sit by the API docs
        item = phone.locator(".dropdown-menu.show a.dropdown-item[href='/webhooks/']")
        item.wait_for(state="visible")
        with phone.expect_navigation(url="**/webhooks/", timeout=30_000):
            item.click()
        assert phone.locator(".empty-state").is_visible()
        _fits(phone)

        phone.fill("input[name=url]", receiver.url + "/in")
        phone.check("input[value='tip.accepted']")
        phone.click("form [type=submit][value='Register webhook']")
        secret = phone.locator("#new-secret code").inner_text().strip()
        assert secret.startswith("whsec_")
        _fits(phone)
        _arrived(receiver, 1)
        assert receiver.received[0].signed_with(secret)

        with phone.expect_navigation(url="**/webhooks/*"):
            phone.click("text=See its delivery log")
        for _ in range(100):
            if phone.locator("tr[data-status=delivered]").count():
                break
            phone.wait_for_timeout(100)
            phone.reload()
        assert phone.locator("tr[data-status=delivered] code").inner_text() == "ping"
        _fits(phone)
        phone.click("tr[data-status=delivered] button:has-text('Redeliver')")
        phone.wait_for_selector(".alert-success")
        _arrived(receiver, 2)
        assert receiver.received[1].body == receiver.received[0].body

        phone.click("button:has-text('Delete')")
        phone.wait_for_url("**/webhooks/")
        assert phone.locator(".empty-state").is_visible()
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
