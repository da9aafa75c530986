"""What needs the person: to-do items each package lists for the top of the home page.

A package registers `@needs_you` sources in its `panels.py`; each returns the to-dos of one
kind (`Needs`) or None. The dashboard only collects them and puts the most urgent first.
Every source costs two statements at most (a count and one bounded page of rows), so the
home page costs the same however much is waiting.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db

NEEDS_LIMIT = 5

_sources: list[Callable[[Any], "Needs | None"]] = []


@dataclass
class Need:
    """One object waiting for the person: what it is, where it is, and by when."""

    label: str
    url: str
    due: date | None = None


@dataclass
class Needs:
    """To-dos of one kind: the reason they need the person, the first few, and how many."""

    reason: str
    url: str
    items: list[Need] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """How many are not listed."""
        return self.total - len(self.items)

    @property
    def first_due(self) -> date:
        """The earliest due date of the listed items (those without one come last)."""
        return min((i.due for i in self.items if i.due is not None), default=date.max)


def needs_you(fn: Callable[[Any], "Needs | None"]) -> Callable[[Any], "Needs | None"]:
    """Register fn(user) -> Needs | None as a source of the home page's "Needs you"."""
    _sources.append(fn)
    return fn


def day(moment: date | datetime | None) -> date | None:
    """A due date from a date or a moment (the day it falls on, UTC)."""
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def listed(query: Select, reason: str, url: str, item: Callable[[Any], Need],
           limit: int = NEEDS_LIMIT) -> Needs | None:
    """The first `limit` rows of an ordered query as to-dos, with the count of all of them;
    None when nothing waits."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if not total:
        return None
    rows = db.session.scalars(query.limit(limit)).unique().all()
    return Needs(reason=reason, url=url, items=[item(row) for row in rows], total=total)


def needs_of(user: Any) -> list[Needs]:
    """Every source's to-dos for the person, the soonest due first."""
    found = [needs for needs in (source(user) for source in _sources) if needs]
    return sorted(found, key=lambda n: n.first_due)
