"""Tips: a member's detection technique, its history, conversation and evidence."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow

SHARING_LEVELS = ("platform", "working_group", "alliance")
STATUSES = ("submitted", "needs_info", "accepted", "rejected", "withdrawn")


class Tip(db.Model):
    """How a member recognises fakes of its products, with structured indicators."""

    __tablename__ = "tips"
    # What tip.view reads besides its columns (notifications load no more to check it).
    view_rule_reads = ()
    __table_args__ = (
        Index("ix_tips_status_submitted_at", "status", "submitted_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    brand: Mapped[str] = mapped_column(String(120), index=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    sharing: Mapped[str] = mapped_column(String(20), default="platform")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    exclusions: Mapped[list] = mapped_column(JSON, default=list)
    max_price_amount: Mapped[int | None] = mapped_column()
    max_price_currency: Mapped[str] = mapped_column(String(3), default="CNY")
    regions: Mapped[list] = mapped_column(JSON, default=list)
    # The keywords as one text, kept beside the JSON list for full-text search.
    keywords_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the tip last entered the vetting queue (first submission or resubmission).
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    working_group: Mapped[WorkingGroup] = relationship()
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User] = relationship()
    events: Mapped[list["TipEvent"]] = relationship(
        back_populates="tip", order_by="TipEvent.id", cascade="all, delete-orphan")
    comments: Mapped[list["TipComment"]] = relationship(
        back_populates="tip", order_by="TipComment.id", cascade="all, delete-orphan")
    attachments: Mapped[list["TipAttachment"]] = relationship(
        back_populates="tip", order_by="TipAttachment.id", cascade="all, delete-orphan")

    @property
    def indicators(self) -> dict:
        """The structured indicators as the API writes them."""
        max_price = None
        if self.max_price_amount is not None:
            max_price = {"amount": self.max_price_amount, "currency": self.max_price_currency}
        return {"keywords": list(self.keywords or []), "exclude": list(self.exclusions or []),
                "max_price": max_price, "regions": list(self.regions or [])}

    def __repr__(self) -> str:
        return f"<Tip {self.id} {self.status}>"


class TipEvent(db.Model):
    """One step of a tip's history: submitted, edited, decided, resubmitted, re-shared."""

    __tablename__ = "tip_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TipComment(db.Model):
    """A message in a tip's conversation (Markdown, rendered safely)."""

    __tablename__ = "tip_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class TipAttachment(db.Model):
    """An evidence file of a tip, kept under the SHA-256 of its bytes."""

    __tablename__ = "tip_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    mime: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()
