"""A member organisation's webhook and the deliveries made to it."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow


class Webhook(db.Model):
    """A URL of an organisation's own system that is sent the events it asked for."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON, default=list)
    # Kept to sign each delivery (HMAC needs the key itself); shown to people only once.
    secret: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Deliveries in a row that used up every attempt; at WEBHOOK_DISABLE_AFTER it is switched off.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Loopback and private addresses, allowed for this webhook by an admin of the install.
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    created_by = relationship("User")

    def wants(self, event_type: str) -> bool:
        """Whether this webhook asked for events of this type (ping always)."""
        return event_type == "ping" or event_type in (self.events or [])


class WebhookDelivery(db.Model):
    """One event for one webhook: the same id and body on every attempt, so receivers dedupe."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    # pending, retrying, sending, delivered, failed, withheld
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whom the payload was written for and what it is about: checked again before each attempt.
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    about_table: Mapped[str | None] = mapped_column(String(60))
    about_id: Mapped[int | None] = mapped_column(Integer)
    view_rule: Mapped[str | None] = mapped_column(String(60))

    webhook = relationship("Webhook")
    viewer = relationship("User")
