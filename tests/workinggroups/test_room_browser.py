"""In Debian's chromium: two members chat live from two browser contexts; an outsider is kept out."""

import pytest
import requests

from tests.support.factories import PASSWORD
from tests.support.live import browser_login

from .helpers import make_meeting, make_thread

pytestmark = pytest.mark.browser

SLUG = "luxury-goods"


def _member_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    browser_login(page, user.email, PASSWORD)
    page.goto(f"/groups/{SLUG}/room")
    page.wait_for_selector("#room[data-joined=yes]")
    return context, page


def _say(page, text):
    page.fill("#chat-text", text)
    page.click("#chat-send")


def test_two_members_chat_live_and_an_outsider_cannot_enter(browser, live_server, make):
    anna = make.make_user("member", name="Anna Lumière", groups=(SLUG,))
    bo = make.make_user("member", name="Bo Chen", groups=(SLUG,))
    outsider = make.make_user("member", name="Olaf Other", groups=("pharmaceutical",))
    outsider_email = outsider.email
    ctx_a, page_a = _member_page(browser, live_server, anna)
    ctx_b, page_b = _member_page(browser, live_server, bo)
    try:
        page_a.wait_for_selector("#presence li:has-text('Bo Chen')")
        _say(page_a, "Seen the new livestream sellers?")
        page_b.wait_for_selector(".chat-line:has-text('Seen the new livestream sellers?')")
        _say(page_b, "Yes — 已经举报了")
        page_a.wait_for_selector(".chat-line:has-text('已经举报了')")
        assert "Bo Chen" in page_a.locator(".chat-line").last.inner_text()
        # kept: a fresh load shows both messages from the server
        page_b.reload()
        lines = page_b.locator("#room-log .chat-line").all_inner_texts()
        assert any("livestream" in line for line in lines) and any("已经举报了" in line
                                                                  for line in lines)
    finally:
        ctx_a.close()
        ctx_b.close()

    ctx_o = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page_o = ctx_o.new_page()
        page_o.set_default_timeout(30_000)
        browser_login(page_o, outsider_email, PASSWORD)
        response = page_o.goto(f"/groups/{SLUG}/room")
        assert response.status == 404
        assert page_o.locator(".chat-line").count() == 0
        history = page_o.request.get(f"/api/v1/working-groups/{SLUG}/messages")
        assert history.status in (401, 404)
        token = requests.post(live_server.url + "/api/v1/auth/tokens",
                              json={"email": outsider_email, "password": PASSWORD},
                              timeout=10).json()["token"]
        r = requests.get(f"{live_server.url}/api/v1/working-groups/{SLUG}/messages",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 404
        # the socket refuses to let the outsider join from an open page either
        page_o.goto("/groups")
        page_o.wait_for_selector("#bell")
        page_o.evaluate("""() => new Promise(resolve => window.portalSocket.connected
            ? resolve(true) : window.portalSocket.on('connect', () => resolve(true)))""")
        ack = page_o.evaluate("""slug => new Promise(resolve =>
            window.portalSocket.emit('join_group', {slug: slug}, resolve))""", SLUG)
        assert ack == {"ok": False, "error": "not_found"}
    finally:
        ctx_o.close()


def test_a_reply_arrives_live_on_an_open_thread_page(page, live_server, make):
    reader = make.make_user("member", name="Rita Reader", groups=(SLUG,))
    writer = make.make_user("member", name="Wen Writer", groups=(SLUG,))
    writer_email = writer.email
    thread = make_thread(reader, title="Holiday wave")
    thread_id = thread.id
    page.set_default_timeout(30_000)
    browser_login(page, reader.email, PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"/groups/{SLUG}/threads/{thread_id}")
    page.wait_for_selector("#posts[data-live=yes]")
    token = requests.post(live_server.url + "/api/v1/auth/tokens",
                          json={"email": writer_email, "password": PASSWORD},
                          timeout=10).json()["token"]
    r = requests.post(f"{live_server.url}/api/v1/threads/{thread_id}/posts",
                      json={"body": "Seen it too — **12** new shops <script>alert(1)</script>"},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201
    live = page.wait_for_selector(".live-post")
    assert "12" in live.inner_text() and "Wen Writer" in live.inner_text()
    assert page.locator(".live-post strong:has-text('12')").count() == 1
    assert page.locator(".live-post script").count() == 0
    assert errors == []


def test_group_pages_load_without_console_errors(page, make):
    chair = make.make_user("chair", chair_of=SLUG, name="Chloé Chair")
    meeting = make_meeting(chair, title="Spring session")
    thread = make_thread(chair, title="Trends")
    ids = (meeting.id, thread.id, thread.posts[0].id)
    page.set_default_timeout(30_000)
    browser_login(page, chair.email, PASSWORD)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in (f"/groups/{SLUG}", f"/groups/{SLUG}/meetings", f"/groups/{SLUG}/meetings/new",
                 f"/groups/{SLUG}/meetings/{ids[0]}", f"/groups/{SLUG}/meetings/{ids[0]}/edit",
                 f"/groups/{SLUG}/threads",
                 f"/groups/{SLUG}/threads/new", f"/groups/{SLUG}/threads/{ids[1]}",
                 f"/groups/{SLUG}/threads/{ids[1]}/posts/{ids[2]}/edit",
                 f"/groups/{SLUG}/documents", f"/groups/{SLUG}/room", f"/groups/{SLUG}/roster"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert errors == []


def test_quick_typing_loses_nothing_to_the_previous_messages_acknowledgement(
        browser, live_server, make):
    typist = make.make_user("member", name="Quinn Quick", groups=(SLUG,))
    context, page = _member_page(browser, live_server, typist)
    try:
        sent = [f"quick note {n:02d} about seller shop-{n}" for n in range(12)]
        page.click("#chat-text")
        for text in sent:
            page.keyboard.type(text, delay=5)
            page.keyboard.press("Enter")
        page.wait_for_selector(f".chat-line:has-text('{sent[-1]}')")
        page.wait_for_timeout(300)
        shown = page.locator("#room-log .chat-text").all_inner_texts()
        assert shown[-len(sent):] == sent
        assert page.input_value("#chat-text") == ""
    finally:
        context.close()
