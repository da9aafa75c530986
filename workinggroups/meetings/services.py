"""Scheduling meetings, answering, recording attendance and minutes, flagging missing minutes."""

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import parsing
from portal.accounts.models import User, WorkingGroup
from portal.audit.services import record
from portal.authz import visible
from portal.errors import Conflict, InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.urls import page_url

from ..access import GroupName
from ..preferences import hearing_everything
from .models import MODES, RSVP_ANSWERS, Meeting, MeetingAttendance, MeetingRsvp

MAX_AGENDA_ITEMS = 30


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def valid_timezone(name: str | None) -> str:
    """An IANA zone name (UTC when none is given), or InvalidInput."""
    name = (name or "UTC").strip()
    if name not in _zones():
        raise InvalidInput({"timezone": _("Unknown time zone %(tz)s.", tz=name[:64])})
    ZoneInfo(name)
    return name


def clean_agenda(items: Any) -> list[str]:
    """Agenda items: a list of short texts (blank lines dropped)."""
    if items is None:
        return []
    if isinstance(items, str):
        items = items.splitlines()
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InvalidInput({"agenda": _("The agenda is a list of items.")})
    items = [i.strip() for i in items if i.strip()]
    if len(items) > MAX_AGENDA_ITEMS or any(len(i) > 300 for i in items):
        raise InvalidInput({"agenda": _("At most %(n)d items of 300 characters.",
                                        n=MAX_AGENDA_ITEMS)})
    return items


def _check(title: str, starts_at: datetime | None, ends_at: datetime | None, mode: str,
           link: str) -> dict[str, str]:
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = _("Give a title of at most 200 characters.")
    if starts_at is None:
        errors["starts_at"] = _("This field is required.")
    if ends_at is None:
        errors["ends_at"] = _("This field is required.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if mode not in MODES:
        errors["mode"] = _("Choose in person, online or hybrid.")
    if link:
        parsing.collect(errors, parsing.web_address, link, "link")
    if mode in ("online", "hybrid") and not link:
        errors["link"] = _("An online or hybrid meeting needs a link.")
    return errors


def schedule(actor: User, group: WorkingGroup, *, title: str, starts_at: datetime | None,
             ends_at: datetime | None, timezone: str | None = None, mode: str = "in_person",
             location: str = "", link: str = "", agenda: Any = None) -> Meeting:
    """Schedule a meeting of the group and tell its members."""
    title, location, link = (title or "").strip(), (location or "").strip(), (link or "").strip()
    errors = _check(title, starts_at, ends_at, mode, link)
    try:
        timezone = valid_timezone(timezone)
    except InvalidInput as e:
        errors.update(e.fields)
    try:
        agenda = clean_agenda(agenda)
    except InvalidInput as e:
        errors.update(e.fields)
    if len(location) > 300:
        errors["location"] = _("At most %(n)d characters.", n=300)
    if errors:
        raise InvalidInput(errors)
    meeting = Meeting(group=group, title=title, starts_at=starts_at, ends_at=ends_at,
                      timezone=timezone, mode=mode, location=location, link=link, agenda=agenda,
                      created_by=actor)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.schedule", meeting, f"Meeting {title!r} of {group.slug} scheduled")
    notify(hearing_everything(group), "meeting.scheduled",
           _l("New meeting in %(group)s: %(title)s", group=GroupName(group), title=title),
           page_url("workinggroups.meeting", slug=group.slug, meeting_id=meeting.id),
           obj=meeting, view_rule="meeting.view", exclude=actor, event="meeting.scheduled",
           meeting_id=meeting.id, starts_at=meeting.starts_at.isoformat())
    db.session.commit()
    return meeting


def reschedule(actor: User, meeting: Meeting, *, title: str, starts_at: datetime | None,
               ends_at: datetime | None, timezone: str | None, mode: str, location: str = "",
               link: str = "", agenda: Any = None) -> Meeting:
    """Change an upcoming meeting; calendars see a new SEQUENCE, those who answered are told."""
    if meeting.cancelled_at is not None or meeting.is_past():
        raise Conflict(_("Only an upcoming meeting can be changed."), code="illegal_transition")
    title, location, link = (title or "").strip(), (location or "").strip(), (link or "").strip()
    errors = _check(title, starts_at, ends_at, mode, link)
    for check, value in ((valid_timezone, timezone), (clean_agenda, agenda)):
        try:
            check(value)
        except InvalidInput as e:
            errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    meeting.title, meeting.starts_at, meeting.ends_at = title, starts_at, ends_at
    meeting.timezone, meeting.mode = valid_timezone(timezone), mode
    meeting.location, meeting.link, meeting.agenda = location, link, clean_agenda(agenda)
    meeting.sequence += 1
    record(actor, "meeting.reschedule", meeting, f"Meeting {meeting.id} changed")
    notify([r.user for r in meeting.rsvps], "meeting.changed",
           _l("Meeting changed: %(title)s", title=title),
           page_url("workinggroups.meeting", slug=meeting.group.slug, meeting_id=meeting.id),
           obj=meeting, view_rule="meeting.view", exclude=actor, event="meeting.changed",
           meeting_id=meeting.id, starts_at=meeting.starts_at.isoformat())
    db.session.commit()
    return meeting


def answer(user: User, meeting: Meeting, reply: str) -> MeetingRsvp:
    """A member's RSVP (changeable until the meeting ends)."""
    if reply not in RSVP_ANSWERS:
        raise InvalidInput({"answer": _("Answer yes, no or maybe.")})
    if meeting.cancelled_at is not None or meeting.is_past():
        raise Conflict(_("This meeting is over; answers are closed."), code="meeting_over")
    rsvp = next((r for r in meeting.rsvps if r.user_id == user.id), None)
    if rsvp is None:
        rsvp = MeetingRsvp(meeting=meeting, user_id=user.id, answer=reply)
        db.session.add(rsvp)
    rsvp.answer, rsvp.answered_at = reply, utcnow()
    db.session.commit()
    return rsvp


def record_attendance(actor: User, meeting: Meeting, user_ids: list[int]) -> None:
    """Who was there: people of the group's member companies only."""
    if meeting.starts_at > utcnow():
        raise Conflict(_("Attendance is recorded once the meeting has started."),
                       code="meeting_not_started")
    from ..preferences import group_people

    allowed = {u.id for u in group_people(meeting.group)}
    unknown = [i for i in user_ids if i not in allowed]
    if unknown:
        raise InvalidInput({"attendees": _("Only people of the group's member companies.")})
    meeting.attendees.clear()
    db.session.flush()
    for user_id in sorted(set(user_ids)):
        meeting.attendees.append(MeetingAttendance(user_id=user_id))
    record(actor, "meeting.attendance", meeting, f"Attendance of meeting {meeting.id} recorded",
           count=len(set(user_ids)))
    db.session.commit()


def record_minutes(actor: User, meeting: Meeting, minutes: str) -> None:
    """The minutes (Markdown) of a meeting that has ended."""
    minutes = (minutes or "").strip()
    if not meeting.is_past():
        raise Conflict(_("Minutes are recorded after the meeting."), code="meeting_not_over")
    if not minutes:
        raise InvalidInput({"minutes": _("This field is required.")})
    if len(minutes) > 50_000:
        raise InvalidInput({"minutes": _("At most %(n)d characters.", n=50_000)})
    meeting.minutes, meeting.minutes_at = minutes, utcnow()
    record(actor, "meeting.minutes", meeting, f"Minutes of meeting {meeting.id} recorded")
    db.session.commit()


def cancel(actor: User, meeting: Meeting) -> None:
    """Call off a meeting that has not happened."""
    if meeting.cancelled_at is not None or meeting.is_past():
        raise Conflict(_("Only an upcoming meeting can be cancelled."), code="illegal_transition")
    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    record(actor, "meeting.cancel", meeting, f"Meeting {meeting.id} cancelled")
    db.session.commit()


def flag_overdue_minutes(now: datetime | None = None) -> int:
    """Tell the chairs of each meeting still without minutes a day after it ended (once)."""
    now = now or utcnow()
    candidates = db.session.scalars(select(Meeting).where(
        Meeting.minutes.is_(None), Meeting.cancelled_at.is_(None),
        Meeting.minutes_reminded_at.is_(None), Meeting.ends_at < now))
    flagged = 0
    for meeting in candidates:
        if not meeting.minutes_overdue(now):
            continue
        chairs = [p.user for p in meeting.group.current_positions(now.date())]
        notify(chairs, "meeting.minutes_overdue",
               _l("Minutes missing for %(title)s", title=meeting.title),
               page_url("workinggroups.meeting", slug=meeting.group.slug, meeting_id=meeting.id),
               obj=meeting, view_rule="meeting.manage")
        meeting.minutes_reminded_at = now
        flagged += 1
    db.session.commit()
    return flagged


def meetings_of(group: WorkingGroup, *, upcoming: bool | None = None):
    """A select() of the group's meetings, soonest first (latest first for past ones)."""
    query = select(Meeting).where(Meeting.group_id == group.id)
    now = utcnow()
    if upcoming is True:
        return query.where(Meeting.ends_at > now).order_by(Meeting.starts_at)
    if upcoming is False:
        return query.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc())
    return query.order_by(Meeting.starts_at)


def visible_meetings(user: User):
    """Every meeting the person may see, as a select()."""
    return (select(Meeting).where(visible(user, Meeting)).options(joinedload(Meeting.group))
            .order_by(Meeting.starts_at))


def overdue_for_chair(user: User) -> list[Meeting]:
    """Meetings of groups the person runs that still lack minutes a day after they ended."""
    group_ids = [g.id for g in user.chaired_groups()]
    if not group_ids:
        return []
    rows = db.session.scalars(select(Meeting).where(
        Meeting.group_id.in_(group_ids), Meeting.minutes.is_(None),
        Meeting.cancelled_at.is_(None)).order_by(Meeting.ends_at))
    return [m for m in rows if m.minutes_overdue()]
