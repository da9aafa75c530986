"""The demo content loads once, and every working-group page renders it in English and Chinese."""

import pytest
from flask_babel import refresh

from portal.accounts.models import user_by_email
from workinggroups.discussions.models import Thread
from workinggroups.documents.models import Document
from workinggroups.meetings.models import Meeting

SLUG = "luxury-goods"


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = (Meeting.query.count(), Thread.query.count(), Document.query.count())
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (Meeting.query.count(), Thread.query.count(), Document.query.count()) == counts
    assert counts == (9, 6, 3)


@pytest.mark.parametrize("locale,marker", [("en", "Upcoming meetings"), ("zh", "即将举行的会议")])
def test_every_group_page_renders_the_demo(demo, as_user, locale, marker):
    chair = user_by_email("chair.luxury-goods@maison.example")
    chair.locale = locale
    from portal.extensions import db

    db.session.commit()
    refresh()
    client = as_user(chair)
    meeting = Meeting.query.filter_by(group_id=chair.chaired_groups()[0].id).first()
    thread = Thread.query.filter_by(group_id=meeting.group_id).first()
    document = Document.query.filter_by(group_id=meeting.group_id).first()
    post = thread.posts[0]
    pages = ["/groups", f"/groups/{SLUG}", f"/groups/{SLUG}/meetings",
             f"/groups/{SLUG}/meetings/new", f"/groups/{SLUG}/meetings/{meeting.id}",
             f"/groups/{SLUG}/threads", f"/groups/{SLUG}/threads/new",
             f"/groups/{SLUG}/threads/{thread.id}", f"/groups/{SLUG}/documents",
             f"/groups/{SLUG}/documents/{document.id}", f"/groups/{SLUG}/room",
             f"/groups/{SLUG}/roster", "/home"]
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert marker in client.get(f"/groups/{SLUG}").get_data(as_text=True)
    edit = f"/groups/{SLUG}/threads/{thread.id}/posts/{post.id}/edit"
    assert client.get(edit).status_code == (200 if post.author_id == chair.id else 403)
