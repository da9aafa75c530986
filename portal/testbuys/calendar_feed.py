"""Scheduled test purchases in each person's calendar feed (only those they may see)."""

from datetime import timedelta

from icalendar import Event
from sqlalchemy import select

from ..authz import visible
from ..calendar import calendar_source
from ..extensions import db
from ..urls import page_url
from .models import TestPurchase


@calendar_source
def purchase_events(user) -> list[Event]:
    """One event per scheduled buy the person may see."""
    rows = db.session.scalars(select(TestPurchase).where(
        visible(user, TestPurchase), TestPurchase.scheduled_for.is_not(None),
        TestPurchase.status != "cancelled"))
    events = []
    for p in rows:
        event = Event()
        event.add("uid", f"test-purchase-{p.id}@alliance-portal")
        event.add("summary", f"Test purchase: {p.title} ({p.status})")
        event.add("dtstart", p.scheduled_for)
        event.add("dtend", p.scheduled_for + timedelta(hours=1))
        event.add("dtstamp", p.updated_at)
        event.add("description", page_url("testbuys.show", purchase_id=p.id))
        events.append(event)
    return events
