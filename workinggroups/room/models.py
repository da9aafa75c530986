"""A message said in a group's live room."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class RoomMessage(db.Model):
    """One chat line, kept so the room shows its history on page load."""

    __tablename__ = "room_messages"
    __table_args__ = (Index("ix_room_messages_group_id_id", "group_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    user: Mapped[User] = relationship()

    def as_event(self) -> dict:
        """The `chat.message` event (and the history item)."""
        return {"id": self.id, "slug": self.group.slug, "text": self.text,
                "at": self.created_at.isoformat(),
                "user": {"id": self.user.id, "name": self.user.name,
                         "organization": self.user.organisation.name}}
