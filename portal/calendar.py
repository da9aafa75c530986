"""Calendar feeds (RFC 5545): each package contributes the events a person may see."""

from collections.abc import Callable, Iterable

from icalendar import Calendar, Event

_sources: list[Callable[[object], Iterable[Event]]] = []


def calendar_source(fn: Callable[[object], Iterable[Event]]) -> Callable:
    """Register a function giving the calendar events a user may see."""
    _sources.append(fn)
    return fn


def build_calendar(name: str, events: Iterable[Event]) -> bytes:
    """A VCALENDAR holding the events."""
    cal = Calendar()
    cal.add("prodid", "-//Anti-Counterfeiting Alliance//Portal//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("method", "PUBLISH")
    for event in events:
        cal.add_component(event)
    # RFC 5545: every TZID an event names needs its VTIMEZONE in the calendar.
    cal.add_missing_timezones()
    return cal.to_ical()


def user_calendar(user) -> bytes:
    """Everything on the user's calendar, from every package, through the access policy."""
    events: list[Event] = []
    for source in _sources:
        events.extend(source(user))
    return build_calendar(f"Alliance portal – {user.name}", events)
