"""A post reads the same on load and live: organisation, time, edit link for its author, and
@mentions of members and groups highlighted and linked (never inside code)."""

import re
from datetime import UTC
from zoneinfo import ZoneInfo

from portal.extensions import db
from workinggroups.discussions import services as discussions

from .helpers import make_thread

SLUG = "luxury-goods"


def test_mentions_of_members_and_groups_are_linked_on_the_page(people, make, as_user):
    anna = make.make_user("member", name="Anna Lumière", groups=(SLUG,))
    thread = make_thread(people["member"])
    discussions.reply(people["member"], thread,
                      f"Ask @{anna.email} and @{SLUG}; not @nobody@nowhere.example or `@{SLUG}`")
    page = as_user(people["member"]).get(f"/groups/{SLUG}/threads/{thread.id}").get_data(
        as_text=True)
    assert f'<a class="mention" href="mailto:{anna.email}" title="Anna Lumière">@{anna.email}</a>' in page
    assert f'<a class="mention mention-group" href="/groups/{SLUG}"' in page
    assert "@nobody@nowhere.example" in page and 'href="mailto:nobody' not in page
    assert f"<code>@{SLUG}</code>" in page


def test_a_post_fragment_reads_like_the_page_for_each_reader(people, make, as_user):
    author = make.make_user("member", name="Rita Reply", groups=(SLUG,))
    thread = make_thread(people["member"])
    post = discussions.reply(author, thread, "Seen in Putian")
    url = f"/groups/{SLUG}/threads/{thread.id}/posts/{post.id}"
    mine = as_user(author).get(url)
    assert mine.status_code == 200
    html = mine.get_data(as_text=True)
    assert author.organisation.name in html and "Seen in Putian" in html
    stamp = post.created_at.astimezone(UTC)
    assert re.search(rf'<time datetime="{stamp:%Y-%m-%dT%H:%M:%S}Z" title="{stamp:%Y-%m-%d %H:%M}'
                     r' UTC" data-relative="[^"]+">just now</time>', html)
    assert f"/posts/{post.id}/edit" in html
    reader = people["member"]
    reader.timezone = "Asia/Shanghai"
    db.session.commit()
    other = as_user(reader).get(url).get_data(as_text=True)
    assert author.organisation.name in other and "/edit" not in other
    local = stamp.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f'title="{local:%Y-%m-%d %H:%M} Asia/Shanghai (UTC+08:00)"' in other


def test_the_fragment_answers_each_role_as_the_thread_page_does(people, as_user):
    thread = make_thread(people["member"])
    post = discussions.reply(people["member"], thread, "Members only")
    url = f"/groups/{SLUG}/threads/{thread.id}/posts/{post.id}"
    assert as_user(people["outsider"]).get(url).status_code == 404
    for who in people:
        client = as_user(people[who])
        page = client.get(f"/groups/{SLUG}/threads/{thread.id}").status_code
        assert client.get(url).status_code == page, who
    assert as_user(people["member"]).get(
        f"/groups/{SLUG}/threads/{thread.id}/posts/{post.id + 999}").status_code == 404
    other = make_thread(people["member"], title="Another")
    assert as_user(people["member"]).get(
        f"/groups/{SLUG}/threads/{other.id}/posts/{post.id}").status_code == 404
