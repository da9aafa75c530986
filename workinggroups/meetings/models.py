"""A meeting, its RSVPs and who attended."""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow

MODES = ("in_person", "online", "hybrid")
RSVP_ANSWERS = ("yes", "no", "maybe")
MINUTES_GRACE = timedelta(days=1)


class Meeting(db.Model):
    """A scheduled meeting of one group; times are UTC, `timezone` is where it is held."""

    __tablename__ = "meetings"
    # What its view rules (meeting.view, meeting.manage) read: the group.
    view_rule_reads = ("group",)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    mode: Mapped[str] = mapped_column(String(20), default="online")
    location: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sequence: Mapped[int] = mapped_column(default=0)

    group: Mapped[WorkingGroup] = relationship()
    created_by: Mapped[User | None] = relationship()
    rsvps: Mapped[list["MeetingRsvp"]] = relationship(back_populates="meeting",
                                                       cascade="all, delete-orphan")
    attendees: Mapped[list["MeetingAttendance"]] = relationship(back_populates="meeting",
                                                                cascade="all, delete-orphan")

    def minutes_overdue(self, now: datetime | None = None) -> bool:
        """Still without minutes a day after it ended."""
        now = now or utcnow()
        return (self.cancelled_at is None and not self.minutes
                and self.ends_at + MINUTES_GRACE < now)

    def is_past(self, now: datetime | None = None) -> bool:
        """Over already."""
        return self.ends_at <= (now or utcnow())

    def rsvp_of(self, user_id: int) -> str | None:
        """The person's answer, if any."""
        return next((r.answer for r in self.rsvps if r.user_id == user_id), None)


class MeetingRsvp(db.Model):
    """A person's answer to a meeting invitation."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="rsvps")
    user: Mapped[User] = relationship()


class MeetingAttendance(db.Model):
    """Someone the chair recorded as present."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship()
