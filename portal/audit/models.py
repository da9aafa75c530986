"""Audit events. Rows are only ever inserted; updates and deletes are refused."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..models import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One recorded action."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(40))

    actor: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an append-only record."""


def append_only(model: type) -> None:
    """Make the ORM refuse updates and deletes of `model` rows."""

    @event.listens_for(model, "before_update")
    def _no_update(mapper, connection, target):  # noqa: ARG001
        raise AppendOnlyError(f"{model.__name__} records are append-only")

    @event.listens_for(model, "before_delete")
    def _no_delete(mapper, connection, target):  # noqa: ARG001
        raise AppendOnlyError(f"{model.__name__} records are append-only")


append_only(AuditEvent)
