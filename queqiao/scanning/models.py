"""Hits of rules on listings, and feed files scanned in the background."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.models import UTCDateTime, utcnow
from queqiao.rules.models import Rule

OUTCOMES = ("taken_down", "false_positive")
MODES = ("active", "shadow")


class Hit(db.Model):
    """A listing matched by one version of a rule, with a snapshot of the listing."""

    __tablename__ = "hits"
    __table_args__ = (
        UniqueConstraint("listing_id", "rule_id", "rule_version", name="uq_hits_listing_rule_version"),
        Index("ix_hits_created_at", "created_at"),
        # The dashboard's monthly sums read only these two columns of a year's hits.
        Index("ix_hits_created_at_outcome", "created_at", "outcome"),
        Index("ix_hits_rule_id_created_at", "rule_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), index=True)
    rule_version: Mapped[int] = mapped_column()
    mode: Mapped[str] = mapped_column(String(10))
    listing_id: Mapped[str] = mapped_column(String(200))
    seller_id: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(500))
    snapshot: Mapped[dict] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feed_uploads.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rule: Mapped[Rule] = relationship()
    outcome_by: Mapped[User | None] = relationship()


class FeedUpload(db.Model):
    """A feed file (CSV or JSON Lines) scanned in the background, with its progress."""

    __tablename__ = "feed_uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    rows: Mapped[int] = mapped_column(default=0)
    scanned: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[list] = mapped_column(JSON, default=list)
    bad_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    total: Mapped[int] = mapped_column(default=0)  # records in the file (known once split)
    chunks: Mapped[int] = mapped_column(default=0)
    chunks_done: Mapped[int] = mapped_column(default=0)
    header: Mapped[str | None] = mapped_column(Text)  # a CSV file's header row
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()


class FeedChunk(db.Model):
    """A byte range of whole records of a feed file, scanned by one job at a time.

    A job claims the chunk (status running, claimed_at, task_id) for a lease; the chunk is
    done only in the transaction that stores its hits, so a worker that dies leaves it to
    be claimed again."""

    __tablename__ = "feed_chunks"
    __table_args__ = (UniqueConstraint("feed_id", "number", name="uq_feed_chunks_feed_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_uploads.id"), index=True)
    number: Mapped[int] = mapped_column()
    start: Mapped[int] = mapped_column(BigInteger)
    end: Mapped[int] = mapped_column(BigInteger)
    first_line: Mapped[int] = mapped_column()
    total: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    task_id: Mapped[str | None] = mapped_column(String(64))
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows: Mapped[int] = mapped_column(default=0)
    scanned: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    bad_count: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(String(500), default="")
