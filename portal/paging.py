"""One page of a long list on an HTML page: ?page= from 1, a fixed number of rows, and
whether another page follows (one row more is read rather than counting them all).

A list that grows with the alliance (recommendations, purchases, a group's member
companies) is read and rendered a page at a time, so the page costs the same however
long the list is; the links to the pages around it keep every other query argument,
so the reader's filters stay as they were.
"""

from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for

from . import parsing
from .extensions import db

PER_PAGE = 50


@dataclass
class Page:
    """The rows of one page, its number and whether there is a next one."""

    rows: list[Any] = field(default_factory=list)
    number: int = 1
    has_more: bool = False
    # The query argument holding the number (a page with two lists pages them apart).
    param: str = "page"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def url(self, number: int) -> str:
        """This page's address at another page number, with the same filters."""
        args = request.args.to_dict(flat=False)
        args.pop(self.param, None)
        if number > 1:
            args[self.param] = [str(number)]
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def page_number(param: str = "page") -> int:
    """?page= (or `param`) of the request (1 when absent; a 422 naming it when it is not a
    page)."""
    return parsing.page(request.args.get(param), param)


def page_of_list(items: list[Any], per_page: int | None = None, param: str = "page") -> Page:
    """The requested page of a list already in memory and in its order."""
    per_page = per_page or PER_PAGE
    number = page_number(param)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, len(items) > start + per_page, param)


def page_of(query: Any, per_page: int | None = None) -> Page:
    """The requested page of an ordered select() of ORM rows (PER_PAGE of them unless
    told)."""
    per_page = per_page or PER_PAGE
    number = page_number()
    rows = db.session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(rows[:per_page], number, len(rows) > per_page)
