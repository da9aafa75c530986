"""Starting threads, replying, editing with a version check, following and muting."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from portal import parsing
from portal.accounts.models import User, WorkingGroup
from portal.aftercommit import after_commit
from portal.audit.services import record
from portal.authz import can, visible
from portal.errors import Conflict, InvalidInput
from portal.extensions import db, socketio
from portal.models import utcnow
from portal.notifications.services import notify
from portal.realtime import evict
from portal.urls import page_url

from ..access import GroupName
from ..preferences import hearing_everything, muted_ids
from .mentions import mentioned_people, post_html
from .models import SUBSCRIPTION_STATES, Post, Thread, ThreadSubscription

MAX_BODY = 20_000


def thread_room(thread_id: int) -> str:
    """The Socket.IO room of an open thread page."""
    return f"thread:{thread_id}"


def _clean_body(body: Any) -> str:
    body = body.strip() if isinstance(body, str) else ""
    if not body:
        raise InvalidInput({"body": _("Write something first.")})
    if len(body) > MAX_BODY:
        raise InvalidInput({"body": _("At most %(n)d characters.", n=MAX_BODY)})
    if not parsing.storable(body):
        raise InvalidInput({"body": _("This text contains a character that cannot be stored.")})
    return body


def _clean_title(title: Any) -> str:
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not title or len(title) > 200:
        raise InvalidInput({"title": _("Give a title of at most 200 characters.")})
    if not parsing.storable(title):
        raise InvalidInput({"title": _("This text contains a character that cannot be stored.")})
    return title


def start_thread(actor: User, group: WorkingGroup, title: Any, body: Any) -> Thread:
    """Open a thread with its first post; the author follows it."""
    errors = {}
    for check, value in ((_clean_title, title), (_clean_body, body)):
        try:
            check(value)
        except InvalidInput as e:
            errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    thread = Thread(group=group, title=_clean_title(title), author=actor)
    post = Post(thread=thread, author=actor, body=_clean_body(body))
    db.session.add_all([thread, post])
    db.session.flush()
    db.session.add(ThreadSubscription(thread_id=thread.id, user_id=actor.id))
    record(actor, "thread.start", thread, f"Thread {thread.title!r} in {group.slug}")
    _tell(actor, thread, post, new_thread=True)
    db.session.commit()
    return thread


def reply(actor: User, thread: Thread, body: Any) -> Post:
    """Add a reply; followers and mentioned people are told, an open thread page sees it live."""
    post = Post(thread=thread, author=actor, body=_clean_body(body))
    thread.last_post_at = utcnow()
    db.session.add(post)
    db.session.flush()
    _tell(actor, thread, post, new_thread=False)
    event = post_event(post)
    room = thread_room(thread.id)
    # The room is checked when a page joins it; whoever lost access since is put out first.
    evict(room, lambda user: can(user, "thread.view", thread))
    after_commit(db.session(), lambda: socketio.emit("thread.post", event, to=room))
    db.session.commit()
    return post


def post_event(post: Post) -> dict:
    """A post as the live page receives it (the HTML is already sanitised)."""
    return {"thread_id": post.thread_id, "id": post.id, "version": post.version,
            "author": {"id": post.author.id, "name": post.author.name},
            "html": str(post_html(post.body)), "at": post.created_at.isoformat()}


def _subscriptions(thread: Thread) -> dict[int, str]:
    rows = db.session.execute(select(ThreadSubscription.user_id, ThreadSubscription.state).where(
        ThreadSubscription.thread_id == thread.id))
    return {user_id: state for user_id, state in rows}


def _tell(actor: User, thread: Thread, post: Post, *, new_thread: bool) -> None:
    """Mentioned people first; then, by their levels, the rest of the group and followers."""
    group = thread.group
    url = page_url("workinggroups.thread", slug=group.slug, thread_id=thread.id) + f"#post-{post.id}"
    group_muted = muted_ids(group)
    subs = _subscriptions(thread)
    mentioned = [u for u in mentioned_people(post.body) if u.id not in group_muted]
    notify(mentioned, "thread.mention",
           _l("%(name)s mentioned you in “%(title)s”", name=actor.name, title=thread.title),
           url, obj=thread, view_rule="thread.view", exclude=actor)
    told = {u.id for u in mentioned}
    wanted = {u.id: u for u in hearing_everything(group)}
    if not new_thread:
        for user_id, state in subs.items():
            if state == "follow" and user_id not in group_muted and user_id not in wanted:
                wanted[user_id] = db.session.get(User, user_id)
    others = [u for uid, u in wanted.items()
              if uid not in told and subs.get(uid) != "mute"]
    title = (_l("New thread in %(group)s: %(title)s", group=GroupName(group), title=thread.title)
             if new_thread else
             _l("%(name)s replied in “%(title)s”", name=actor.name, title=thread.title))
    notify(others, "thread.new" if new_thread else "thread.reply", title, url, obj=thread,
           view_rule="thread.view", exclude=actor)


def edit_post(actor: User, post: Post, body: Any, version: Any) -> Post:
    """Change a post only if nobody changed it since `version` was read (else Conflict)."""
    body = _clean_body(body)
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput({"version": _("Give the version you edited.")})
    result = db.session.execute(
        update(Post).where(Post.id == post.id, Post.version == version)
        .values(body=body, version=Post.version + 1, edited_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("Someone else changed this post while you were editing it. "
                         "Your text was not saved; reload to see their version."),
                       code="stale_version")
    record(actor, "post.edit", post, f"Post {post.id} edited", version=version + 1)
    db.session.commit()
    db.session.refresh(post)
    return post


def set_subscription(user: User, thread: Thread, state: str | None) -> None:
    """Follow, mute, or go back to the group's level (None)."""
    if state not in (*SUBSCRIPTION_STATES, None):
        raise InvalidInput({"state": _("Choose follow or mute.")})
    sub = db.session.scalar(select(ThreadSubscription).where(
        ThreadSubscription.thread_id == thread.id, ThreadSubscription.user_id == user.id))
    if state is None:
        if sub is not None:
            db.session.delete(sub)
    elif sub is None:
        db.session.add(ThreadSubscription(thread_id=thread.id, user_id=user.id, state=state))
    else:
        sub.state = state
    db.session.commit()


def subscription_of(user: User, thread: Thread) -> str | None:
    """follow | mute | None."""
    return _subscriptions(thread).get(user.id)


def threads_of(group: WorkingGroup):
    """The group's threads, latest activity first."""
    return (select(Thread).where(Thread.group_id == group.id)
            .options(joinedload(Thread.author), selectinload(Thread.posts).load_only(Post.id))
            .order_by(Thread.last_post_at.desc(), Thread.id.desc()))


def visible_threads(user: User):
    """Threads the person may read."""
    return select(Thread).where(visible(user, Thread))
