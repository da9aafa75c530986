"""Threads, their posts (versioned so racing edits are caught) and who follows or mutes them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow

SUBSCRIPTION_STATES = ("follow", "mute")


class Thread(db.Model):
    """A discussion in one group; its first post is the opening message."""

    __tablename__ = "threads"
    # What thread.view reads: the group.
    view_rule_reads = ("group",)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    group: Mapped[WorkingGroup] = relationship()
    author: Mapped[User] = relationship()
    posts: Mapped[list["Post"]] = relationship(back_populates="thread", order_by="Post.id")


class Post(db.Model):
    """One message of a thread, Markdown; `version` grows with each edit."""

    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship()


class ThreadSubscription(db.Model):
    """A person following a thread (told of every reply) or muting it (told of none)."""

    __tablename__ = "thread_subscriptions"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(10), default="follow")
