"""Discussions: threads and replies by role, mentions, follow and mute, safe Markdown, edits."""

import threading
from html.parser import HTMLParser

import pytest

from portal.accounts.models import User
from portal.extensions import db, socketio
from portal.notifications.models import Notification
from tests.support.factories import reload
from workinggroups.discussions import services
from workinggroups.discussions.models import Post, Thread
from workinggroups.preferences import save_setting

from .helpers import group, make_thread

SLUG = "luxury-goods"


def _told(type_):
    return {n.user_id for n in Notification.query.filter_by(type=type_)}


@pytest.mark.parametrize("role,status", [("member", 201), ("chair", 201), ("staff", 201),
                                         ("admin", 201), ("outsider", 404)])
def test_who_may_start_a_thread_through_the_api(api, people, role, status):
    r = api(people[role]).post(f"/api/v1/working-groups/{SLUG}/threads",
                               json={"title": "Refill scams", "body": "**Watch** this"})
    assert r.status_code == status
    if status == 201:
        body = r.get_json()
        assert body["posts"][0]["html"] == "<p><strong>Watch</strong> this</p>\n"
        assert body["url"] == f"/groups/{SLUG}/threads/{body['id']}"


@pytest.mark.parametrize("data,field", [({"title": "", "body": "x"}, "title"),
                                        ({"title": "x" * 201, "body": "x"}, "title"),
                                        ({"title": "T", "body": "  "}, "body"),
                                        ({"title": "T", "body": 5}, "body"),
                                        ({"title": None}, "body")])
def test_bad_thread_input_is_422(api, people, data, field):
    r = api(people["member"]).post(f"/api/v1/working-groups/{SLUG}/threads", json=data)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    assert Thread.query.count() == 0 and Post.query.count() == 0


def test_replies_and_reading_by_role(api, people):
    thread = make_thread(people["member"])
    for role, status in (("chair", 201), ("staff", 201), ("outsider", 404)):
        r = api(people[role]).post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Reply"})
        assert r.status_code == status
    assert api(people["member"]).post(f"/api/v1/threads/{thread.id}/posts", json={"body": ""}
                                      ).status_code == 422
    r = api(people["member"]).get(f"/api/v1/threads/{thread.id}")
    assert r.status_code == 200 and len(r.get_json()["posts"]) == 3
    assert api(people["outsider"]).get(f"/api/v1/threads/{thread.id}").status_code == 404
    assert api(people["outsider"]).get(f"/api/v1/working-groups/{SLUG}/threads"
                                       ).status_code == 404
    listed = api(people["member"]).get(f"/api/v1/working-groups/{SLUG}/threads").get_json()
    assert listed["total"] == 1 and listed["items"][0]["replies"] == 2


XSS = ("<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
       "[click](javascript:alert(2)) <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">a</a>"
       "\n\n<iframe src=\"https://evil.example\"></iframe> [ok](https://example.com)")


class ActiveParts(HTMLParser):
    """Collects what a browser would run: script-like tags, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "img", "object", "embed", "style"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(name)
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                    ("javascript:", "data:", "vbscript:")):
                self.found.append(value)


def active_parts(html: str) -> list[str]:
    """What in this HTML could run."""
    parser = ActiveParts()
    parser.feed(html)
    return parser.found


def test_script_handlers_and_javascript_links_are_rendered_harmless(as_user, api, people):
    thread = make_thread(people["member"], title="<script>alert('t')</script>", body=XSS)
    services.reply(people["chair"], thread, XSS)
    page = as_user(people["member"]).get(f"/groups/{SLUG}/threads/{thread.id}").get_data(
        as_text=True)
    posts = page.split('id="posts"')[1].split('id="reply-form"')[0]
    assert active_parts(posts) == []
    assert active_parts(page.split('<script src=')[0]) == []  # nothing before the app's scripts
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in posts
    html = api(people["member"]).get(f"/api/v1/threads/{thread.id}").get_json()["posts"][1]["html"]
    assert active_parts(html) == [] and "<p>" in html


def test_new_thread_tells_the_group_by_their_levels(people, make):
    quiet = make.make_user("member", org=people["member"].organisation)
    save_setting(quiet, group(SLUG), "mentions", False)
    make_thread(people["chair"])
    told = _told("thread.new")
    assert people["member"].id in told and quiet.id not in told
    assert people["outsider"].id not in told and people["chair"].id not in told


def test_mentions_reach_a_person_and_a_whole_group_but_not_who_cannot_read(people, make):
    quiet = make.make_user("member", org=people["member"].organisation)
    save_setting(quiet, group(SLUG), "mentions", False)
    muted = make.make_user("member", org=people["member"].organisation)
    save_setting(muted, group(SLUG), "mute", False)
    thread = make_thread(people["chair"], body="hello")
    Notification.query.delete()
    services.reply(people["member"], thread,
                   f"cc @{quiet.email} and @{people['outsider'].email} and @{muted.email}")
    mentioned = _told("thread.mention")
    assert quiet.id in mentioned
    assert people["outsider"].id not in mentioned  # may not read the thread
    assert muted.id not in mentioned
    Notification.query.delete()
    services.reply(people["chair"], thread, "Everyone in @luxury-goods please look")
    assert {quiet.id, people["member"].id} <= _told("thread.mention")
    assert muted.id not in _told("thread.mention") and muted.id not in _told("thread.reply")


def test_follow_and_mute_a_thread(people, make, as_user):
    quiet = make.make_user("member", org=people["member"].organisation)
    save_setting(quiet, group(SLUG), "mentions", False)
    thread = make_thread(people["chair"])
    assert as_user(quiet).post(f"/groups/{SLUG}/threads/{thread.id}/subscription",
                               data={"state": "follow"}).status_code == 302
    assert as_user(people["member"]).post(f"/groups/{SLUG}/threads/{thread.id}/subscription",
                                          data={"state": "mute"}).status_code == 302
    Notification.query.delete()
    services.reply(people["chair"], thread, "News")
    told = _told("thread.reply")
    assert quiet.id in told and people["member"].id not in told
    assert as_user(people["outsider"]).post(f"/groups/{SLUG}/threads/{thread.id}/subscription",
                                            data={"state": "follow"}).status_code == 404


def test_stale_edit_is_refused_with_a_message_and_nothing_is_lost(api, people):
    thread = make_thread(people["member"], body="first text")
    post = thread.posts[0]
    client = api(people["member"])
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "second text", "version": 1})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "third text", "version": 1})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "stale_version"
    assert "Someone else changed this post" in r.get_json()["error"]["message"]
    assert reload(post).body == "second text"
    assert client.patch(f"/api/v1/posts/{post.id}", json={"body": "x"}).status_code == 422
    assert api(people["chair"]).patch(f"/api/v1/posts/{post.id}",
                                      json={"body": "x", "version": 2}).status_code == 403
    assert api(people["outsider"]).patch(f"/api/v1/posts/{post.id}",
                                         json={"body": "x", "version": 2}).status_code == 404


def test_two_edits_at_the_same_moment_one_wins_the_other_is_refused(app, people):
    """Two requests race on separate connections (SQLite and PostgreSQL alike)."""
    thread = make_thread(people["member"], body="original")
    post_id, user_id = thread.posts[0].id, people["member"].id
    barrier = threading.Barrier(2)
    outcomes: list = []

    def edit(text):
        with app.app_context():
            try:
                author = db.session.get(User, user_id)
                post = db.session.get(Post, post_id)
                assert post.version == 1
                barrier.wait(5)
                services.edit_post(author, post, text, 1)
                outcomes.append(("saved", text))
            except Exception as e:  # noqa: BLE001 - the refusal is what we look for
                outcomes.append((type(e).__name__, text))
            finally:
                db.session.remove()

    workers = [threading.Thread(target=edit, args=(t,)) for t in ("from Anna", "from Bo")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    kinds = sorted(k for k, _t in outcomes)
    assert kinds == ["Conflict", "saved"], outcomes
    winner = next(t for k, t in outcomes if k == "saved")
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert post.body == winner and post.version == 2


def test_edit_page_shows_the_conflict_and_the_current_text(as_user, people):
    thread = make_thread(people["member"], body="original")
    post = thread.posts[0]
    url = f"/groups/{SLUG}/threads/{thread.id}/posts/{post.id}/edit"
    client = as_user(people["member"])
    assert client.get(url).status_code == 200
    assert client.post(url, data={"body": "mine", "version": "1"}).status_code == 302
    r = client.post(url, data={"body": "stale", "version": "1"})
    assert r.status_code == 409
    text = r.get_data(as_text=True)
    assert "Someone else changed this post" in text and "mine" in text
    assert reload(post).body == "mine"
    for role, status in (("chair", 403), ("outsider", 404)):
        assert as_user(people[role]).get(url).status_code == status


@pytest.mark.parametrize("role,status", [("member", 200), ("chair", 200), ("staff", 200),
                                         ("admin", 200), ("outsider", 404)])
def test_discussion_pages_by_role(as_user, people, role, status):
    thread = make_thread(people["member"])
    client = as_user(people[role])
    for path in (f"/groups/{SLUG}/threads", f"/groups/{SLUG}/threads/new",
                 f"/groups/{SLUG}/threads/{thread.id}"):
        assert client.get(path).status_code == status, path
    r = client.post(f"/groups/{SLUG}/threads/{thread.id}/reply", data={"body": "hi"})
    assert r.status_code == (302 if status == 200 else 404)


def test_thread_of_another_group_is_404_under_this_slug(as_user, people, make):
    other = make_thread(people["outsider"], "pharmaceutical")
    assert as_user(people["admin"]).get(f"/groups/{SLUG}/threads/{other.id}").status_code == 404


def test_start_thread_and_reply_on_pages(as_user, people):
    client = as_user(people["member"])
    r = client.post(f"/groups/{SLUG}/threads/new", data={"title": "Hi", "body": "Body *x*"})
    assert r.status_code == 302
    thread = Thread.query.one()
    assert client.post(f"/groups/{SLUG}/threads/new", data={"title": "", "body": ""}
                       ).status_code == 422
    assert client.post(f"/groups/{SLUG}/threads/{thread.id}/reply", data={"body": ""}
                       ).status_code == 422
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<em>x</em>" in page


def test_discussions_empty_state(as_user, people):
    text = as_user(people["member"]).get(f"/groups/{SLUG}/threads").get_data(as_text=True)
    assert "No discussions yet. Start the first thread." in text


def test_reply_arrives_live_on_an_open_thread_and_not_for_outsiders(app, as_user, people):
    thread = make_thread(people["member"])
    ids = {r: u.id for r, u in people.items()}
    thread_id = thread.id
    reader = socketio.test_client(app, flask_test_client=as_user(people["member"]))
    outsider = socketio.test_client(app, flask_test_client=as_user(people["outsider"]))
    try:
        assert reader.emit("join_thread", {"id": thread_id}, callback=True) == {"ok": True}
        assert outsider.emit("join_thread", {"id": thread_id}, callback=True)["ok"] is False
        reader.get_received()
        services.reply(db.session.get(User, ids["chair"]), db.session.get(Thread, thread_id),
                       "Live **now**")
        events = [e["args"][0] for e in reader.get_received() if e["name"] == "thread.post"]
        assert len(events) == 1 and "<strong>now</strong>" in events[0]["html"]
        assert [e for e in outsider.get_received() if e["name"] == "thread.post"] == []
    finally:
        reader.disconnect()
        outsider.disconnect()
