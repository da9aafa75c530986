"""The daily e-mail digest: what happened in each group a person asked a digest of."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User, WorkingGroup
from portal.aftercommit import after_commit
from portal.authz import can
from portal.extensions import db
from portal.mail import send_mail
from portal.models import utcnow
from portal.ui import exact_time, reader_zone
from portal.urls import page_url

from .discussions.models import Post, Thread
from .documents.models import Document, DocumentVersion
from .meetings.models import Meeting
from .preferences import GroupSetting
from .room.models import RoomMessage

PERIOD = timedelta(days=1)
# A second run the same day sends nothing new: a digest goes out at most this often.
MIN_GAP = timedelta(hours=20)


def _activity(group_id: int, since: datetime, zone: ZoneInfo) -> dict[str, list[str]]:
    """Lines of news of a group since a moment, by kind; times on the reader's clock."""
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.group_id == group_id, Meeting.created_at > since).order_by(Meeting.starts_at))
    threads = db.session.scalars(select(Thread).where(
        Thread.group_id == group_id, Thread.created_at > since).order_by(Thread.id))
    replies = db.session.execute(
        select(Thread.title, func.count(Post.id)).join(Post, Post.thread_id == Thread.id)
        .where(Thread.group_id == group_id, Post.created_at > since, Thread.created_at <= since)
        .group_by(Thread.id, Thread.title).order_by(Thread.title))
    documents = db.session.execute(
        select(Document.title, DocumentVersion.number).join(DocumentVersion)
        .where(Document.group_id == group_id, DocumentVersion.uploaded_at > since)
        .order_by(Document.title, DocumentVersion.number))
    chat = db.session.scalar(select(func.count(RoomMessage.id)).where(
        RoomMessage.group_id == group_id, RoomMessage.created_at > since)) or 0
    return {
        "meetings": [f"{m.title} ({exact_time(m.starts_at, zone)})" for m in meetings],
        "threads": [t.title for t in threads],
        "replies": [f"{title} (+{n})" for title, n in replies],
        "documents": [f"{title} v{n}" for title, n in documents],
        "chat": [str(chat)] if chat else [],
    }


def _compose(user: User, group, news: dict[str, list[str]]) -> tuple[str, str]:
    headings = {"meetings": _("New meetings"), "threads": _("New threads"),
                "replies": _("New replies"), "documents": _("New documents"),
                "chat": _("Messages in the live room")}
    subject = _("Daily digest: %(group)s", group=group.name(user.locale))
    lines = [subject, ""]
    for kind, items in news.items():
        if items:
            lines.append(headings[kind])
            lines.extend(f"  • {item}" for item in items)
            lines.append("")
    lines.append(page_url("workinggroups.home", slug=group.slug))
    return subject, "\n".join(lines)


def send_digests(now: datetime | None = None) -> int:
    """E-mail each person who asked for it the day's news of each group; returns how many."""
    now = now or utcnow()
    sent = 0
    settings = db.session.scalars(select(GroupSetting).where(GroupSetting.digest.is_(True)))
    for setting in settings:
        if setting.digest_sent_at and now - setting.digest_sent_at < MIN_GAP:
            continue
        user = db.session.get(User, setting.user_id)
        group = db.session.get(WorkingGroup, setting.group_id)
        if user is None or not user.is_active or not can(user, "group.view_private", group):
            continue
        with force_locale(user.locale):
            news = _activity(group.id, setting.digest_sent_at or now - PERIOD,
                             reader_zone(user))
            setting.digest_sent_at = now
            if not any(news.values()):
                continue
            subject, body = _compose(user, group, news)
        address = user.email
        after_commit(db.session(), lambda a=address, s=subject, b=body: send_mail(a, s, b))
        sent += 1
    db.session.commit()
    return sent
