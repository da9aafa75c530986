"""The calendar of planned buys: month and week views, filtered by group, purchaser, status."""

import calendar as cal
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from icalendar import Event
from sqlalchemy import select

from portal.accounts.groups import group_list
from portal.accounts.models import User
from portal.authz import access, visible
from portal.calendar import calendar_source
from portal.extensions import db
from portal.ui import reader_zone
from portal.urls import page_url

from . import bp
from .models import STATUSES, TestPurchase
from .services import as_id

MAX_PURCHASERS = 200  # choices in the purchaser filter


def _day(value: str | None, zone: ZoneInfo) -> date:
    today = datetime.now(zone).date()
    try:
        return date.fromisoformat(value) if value else today
    except ValueError:
        return today


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The moment the day begins in the reader's zone, in UTC."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def moved_to(when: datetime, day: date, zone: ZoneInfo) -> datetime:
    """`when` moved to another day at the same time of day on the reader's clock (a buy
    dragged from Tuesday 09:30 to Friday stays at 09:30 where the reader is, across a change
    of summer time too)."""
    local = when.astimezone(zone)
    return datetime.combine(day, local.time().replace(tzinfo=None), zone).astimezone(UTC)


def _range(view: str, day: date) -> tuple[date, date, date, date]:
    """First and last day shown, and the days before and after for paging."""
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6), start - timedelta(days=7), start + timedelta(7)
    first = day.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = first.replace(day=cal.monthrange(first.year, first.month)[1])
    end = last + timedelta(days=6 - last.weekday())
    return start, end, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)


@bp.get("/calendar")
@access("signed_in")
def calendar():
    """Planned buys the person may see, by day on the reader's own clock."""
    zone = reader_zone()
    view = "week" if request.args.get("view") == "week" else "month"
    day = _day(request.args.get("date"), zone)
    start, end, prev, following = _range(view, day)
    query = select(TestPurchase).where(
        visible(current_user, TestPurchase), TestPurchase.scheduled_for.is_not(None),
        TestPurchase.scheduled_for >= _midnight(start, zone),
        TestPurchase.scheduled_for < _midnight(end + timedelta(1), zone))
    filters = {k: request.args.get(k, "") for k in ("group", "purchaser", "status")}
    groups = group_list()
    group = next((g for g in groups if g.slug == filters["group"]), None)
    if group:
        query = query.where(TestPurchase.working_group_id == group.id)
    if filters["status"] in STATUSES:
        query = query.where(TestPurchase.status == filters["status"])
    if as_id(filters["purchaser"]):
        query = query.where(TestPurchase.purchaser_id == as_id(filters["purchaser"]))
    by_day: dict[date, list[TestPurchase]] = {}
    for p in db.session.scalars(query.order_by(TestPurchase.scheduled_for)):
        by_day.setdefault(p.scheduled_for.astimezone(zone).date(), []).append(p)
    # The purchaser filter's choices: the people buying visible purchases, in one query
    # over distinct people (not over every purchase), and a bounded list.
    purchasers = db.session.scalars(select(User).where(User.id.in_(
        select(TestPurchase.purchaser_id).where(visible(current_user, TestPurchase),
                                                TestPurchase.purchaser_id.is_not(None))))
        .order_by(User.name, User.id).limit(MAX_PURCHASERS)).all()
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    return render_template("testbuys/calendar.html", view=view, day=day, weeks=weeks,
                           by_day=by_day, prev=prev, following=following, filters=filters,
                           groups=groups, statuses=STATUSES,
                           purchasers=purchasers, zone=zone)


@bp.post("/<int:purchase_id>/reschedule")
@access("signed_in")
def reschedule(purchase_id: int):
    """Move a planned buy to another day (dragged on the calendar), with the same clash check.

    The calendar sends the day it was dropped on (`date`), and the buy keeps its time of day
    on the reader's clock; a full `scheduled_for` moment is read as well."""
    from flask import jsonify

    from portal.api.helpers import json_body, parse_datetime
    from portal.errors import InvalidInput

    from . import services

    purchase = services.get_purchase(purchase_id, current_user)
    body = json_body()
    if "date" in body and purchase.scheduled_for is not None:
        try:
            day = date.fromisoformat(body["date"]) if isinstance(body["date"], str) else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidInput({"date": _("Give a date as YYYY-MM-DD.")})
        when = moved_to(purchase.scheduled_for, day, reader_zone())
    else:
        when = parse_datetime(body.get("scheduled_for"), "scheduled_for")
    services.schedule(current_user, purchase.id, scheduled_for=when,
                      purchaser_id=purchase.purchaser_id)
    return jsonify(id=purchase.id, scheduled_for=when.isoformat())


# --- Calendar feed ------------------------------------------------------------

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
