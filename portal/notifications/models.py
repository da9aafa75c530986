"""A notification addressed to one person."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


def live_event(type_: str, title: str, url: str, at: datetime, payload: dict | None) -> dict:
    """The `notification` event (API.md: type, title, url, at, ...): what its readers share,
    without the fields kept for the portal itself (those starting with "_")."""
    return {"type": type_, "title": title, "url": url, "at": at.isoformat(),
            **{k: v for k, v in (payload or {}).items() if not k.startswith("_")}}


class Notification(db.Model):
    """Something a person was told, read or not yet."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500), default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def as_event(self) -> dict:
        """The `notification` event sent over Socket.IO."""
        return live_event(self.type, self.title, self.url, self.created_at, self.payload)

    @property
    def about(self) -> tuple[str, int, str] | None:
        """(table, id, view rule) of the object it is about, when notify() was told."""
        about = (self.payload or {}).get("_about")
        return tuple(about) if isinstance(about, list) and len(about) == 3 else None
