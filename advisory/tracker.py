"""The tracker's list: what a reader may see, narrowed by status, group, category and year."""

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.groups import group_by_slug
from portal.authz import visible
from portal.errors import InvalidInput
from portal.extensions import db

from .lifecycle import STATUSES
from .models import CATEGORIES, Recommendation

FILTERS = ("status", "working_group", "category", "year")


def parse_filters(args: Any) -> dict:
    """Filters from query arguments; unknown values are a 422 naming the field."""
    errors, clean = {}, {}
    status = args.get("status") or ""
    if status:
        if status in STATUSES:
            clean["status"] = status
        else:
            errors["status"] = _("Choose one of: %(choices)s.", choices=", ".join(STATUSES))
    slug = args.get("working_group") or ""
    if slug:
        group = group_by_slug(slug)
        if group is None:
            errors["working_group"] = _("Choose one of the working groups.")
        else:
            clean["working_group"] = group
    category = args.get("category") or ""
    if category:
        if category in CATEGORIES:
            clean["category"] = category
        else:
            errors["category"] = _("Choose one of: %(choices)s.", choices=", ".join(CATEGORIES))
    year = args.get("year") or ""
    if year:
        try:
            clean["year"] = int(year)
            if not 2000 <= clean["year"] <= 2100:
                raise ValueError
        except ValueError:
            errors["year"] = _("Give a year such as 2026.")
    if errors:
        raise InvalidInput(errors)
    return clean


def tracker_query(user: Any, filters: dict):
    """Recommendations the user may see matching the filters, newest first."""
    query = (select(Recommendation).where(visible(user, Recommendation))
             # What every row shows (group, progress) comes in a fixed number of queries.
             .options(joinedload(Recommendation.working_group),
                      selectinload(Recommendation.milestones)))
    if "status" in filters:
        query = query.where(Recommendation.status == filters["status"])
    if "working_group" in filters:
        query = query.where(Recommendation.working_group_id == filters["working_group"].id)
    if "category" in filters:
        query = query.where(Recommendation.category == filters["category"])
    if "year" in filters:
        start = datetime(filters["year"], 1, 1, tzinfo=UTC)
        end = datetime(filters["year"] + 1, 1, 1, tzinfo=UTC)
        when = func.coalesce(Recommendation.first_submitted_at, Recommendation.created_at)
        query = query.where(when >= start, when < end)
    return query.order_by(Recommendation.created_at.desc(), Recommendation.id.desc())


def tracker_years(user: Any) -> list[int]:
    """The years of the recommendations the user may see, newest first, from the database."""
    when = func.coalesce(Recommendation.first_submitted_at, Recommendation.created_at)
    year = (func.substr(when, 1, 4) if db.session.get_bind().dialect.name == "sqlite"
            else func.extract("year", when))
    rows = db.session.scalars(select(year).where(visible(user, Recommendation)).distinct())
    return sorted({int(y) for y in rows if y is not None}, reverse=True)


def with_history(query):
    """The query loading each recommendation's events with it (CSV export, figures): one
    query more rather than one per recommendation."""
    return query.options(selectinload(Recommendation.events))


def figure_records(user: Any, filters: dict) -> list:
    """The visible recommendations matching the filters, as plain records for the figures."""
    from portal.extensions import db

    from .figures import Record

    return [Record(steps=tuple((e.action, e.at) for e in rec.events), status=rec.status,
                   response_outcome=rec.response_outcome)
            for rec in db.session.scalars(with_history(tracker_query(user, filters)))]
