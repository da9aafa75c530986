"""In Debian's chromium: a reply that arrives live reads like a reloaded one (organisation,
time, edit link for its author) and its @mentions are highlighted and linked."""

import pytest
import requests

from portal.accounts.tokens import issue_token
from tests.support.factories import PASSWORD
from tests.support.live import browser_login

from .helpers import make_thread

pytestmark = pytest.mark.browser

SLUG = "luxury-goods"


def _thread_page(browser, live_server, user, thread_id):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_login(page, user.email, PASSWORD)
    page.goto(f"/groups/{SLUG}/threads/{thread_id}")
    page.wait_for_selector("#posts[data-live=yes]")
    return context, page


def test_live_reply_reads_like_a_reloaded_one_with_linked_mentions(browser, live_server, make):
    anna = make.make_user("member", name="Anna Lumière", groups=(SLUG,))
    rita = make.make_user("member", name="Rita Reply", groups=(SLUG,))
    rita_org = rita.organisation.name
    thread_id = make_thread(anna, title="Putian sellers").id
    _t, token = issue_token(rita, "writer")
    ctx_a, page_a = _thread_page(browser, live_server, anna, thread_id)
    ctx_r, page_r = _thread_page(browser, live_server, rita, thread_id)
    try:
        body = f"Thanks @{anna.email}, telling @{SLUG} too."
        r = requests.post(f"{live_server.url}/api/v1/threads/{thread_id}/posts",
                          json={"body": body}, headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
        assert r.status_code == 201, r.text
        for page in (page_a, page_r):
            page.wait_for_selector(".live-post:has-text('telling')")
        live_a = page_a.locator(".live-post").last
        header = live_a.locator(".card-header").inner_text()
        assert "Rita Reply" in header and rita_org in header and "just now" in header
        assert live_a.locator(".card-header time").get_attribute("title").endswith(" UTC")
        assert live_a.locator("a:has-text('Edit')").count() == 0
        # The author's own open page offers the edit link at once.
        assert page_r.locator(".live-post").last.locator("a:has-text('Edit')").count() == 1
        person = live_a.locator(f"a.mention[href='mailto:{anna.email}']")
        group = live_a.locator(f"a.mention-group[href='/groups/{SLUG}']")
        assert person.count() == 1 and group.count() == 1
        assert person.evaluate("a => getComputedStyle(a).fontWeight") in ("600", "bold")
        # After a reload the reply reads the same.
        page_a.reload()
        reloaded = page_a.locator(".post").last
        assert reloaded.locator(".card-header").inner_text() == header
        assert reloaded.locator("a.mention").count() == 2
    finally:
        ctx_a.close()
        ctx_r.close()
