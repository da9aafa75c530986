"""In Debian's chromium: the browser's zone becomes the person's at first sign-in, and times
are then shown in it."""

from zoneinfo import ZoneInfo

import pytest

from tests.support.factories import PASSWORD, reload
from tests.support.live import browser_login
from tests.workinggroups.helpers import make_thread

pytestmark = pytest.mark.browser

SLUG = "luxury-goods"


def test_first_sign_in_takes_the_browser_s_zone_and_posts_show_shanghai_time(browser, live_server,
                                                                             make):
    user = make.make_user("member", name="Lin Shanghai", groups=(SLUG,))
    thread = make_thread(user, title="Night market sellers")
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        with page.expect_response(lambda r: r.url.endswith("/profile/timezone")) as guess:
            browser_login(page, user.email, PASSWORD)
        assert guess.value.status == 200 and guess.value.json()["stored"] is True
        page.goto("/profile")
        assert page.locator("select[name=timezone]").input_value() == "Asia/Shanghai"
        page.goto(f"/groups/{SLUG}/threads/{thread.id}")
        stamp = page.locator(".card-header time").first
        title = stamp.get_attribute("title")
        assert title.endswith(" Asia/Shanghai (UTC+08:00)")
        local = reload(thread.posts[0]).created_at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert title.startswith(f"{local:%Y-%m-%d %H:%M}")
        assert stamp.inner_text() in ("just now", "1 minute ago")
        # Once set, no page guesses again.
        assert page.locator("script[src$='timezone-guess.js']").count() == 0
        assert errors == []
    finally:
        context.close()
