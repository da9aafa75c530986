"""Meetings as RFC 5545 events: in each person's feed and in each group's feed."""

from zoneinfo import ZoneInfo

from icalendar import Event
from sqlalchemy import select

from portal.calendar import calendar_source
from portal.extensions import db
from portal.urls import page_url

from .models import Meeting
from .services import visible_meetings


def meeting_event(meeting: Meeting) -> Event:
    """One VEVENT, its times in the zone where the meeting is held."""
    zone = ZoneInfo(meeting.timezone or "UTC")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@alliance-portal")
    event.add("dtstamp", meeting.created_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", f"[{meeting.group.name_en}] {meeting.title}")
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    where = ", ".join(x for x in (meeting.location, meeting.link) if x)
    if where:
        event.add("location", where)
    url = page_url("workinggroups.meeting", slug=meeting.group.slug, meeting_id=meeting.id)
    event.add("url", url)
    lines = [f"{n}. {item}" for n, item in enumerate(meeting.agenda or [], start=1)]
    if lines:
        event.add("description", "Agenda:\n" + "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


@calendar_source
def meetings_for(user) -> list[Event]:
    """The meetings of every group whose meetings the person may see."""
    return [meeting_event(m) for m in db.session.scalars(visible_meetings(user))]


def group_events(group) -> list[Event]:
    """Every meeting of one group."""
    query = select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)
    return [meeting_event(m) for m in db.session.scalars(query)]
