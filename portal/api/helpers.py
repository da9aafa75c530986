"""Shared pieces of every API endpoint: JSON in, pagination, money, times."""

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import parsing
from ..errors import DomainError, InvalidInput
from ..extensions import csrf, db, limiter
from ..parsing import collect, raise_errors


class MalformedJSON(DomainError):
    """The body is not a JSON object."""

    status = 400
    code = "malformed_json"


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1: token-authenticated (so no CSRF), rate-limited."""
    bp = Blueprint(name, import_name, url_prefix="/api/v1")
    csrf.exempt(bp)
    limiter.limit(_api_limit)(bp)
    return bp


# Deeper nesting than any request of the contract needs; Python's parser would recurse until
# it failed, so deeper bodies are refused before they are parsed.
MAX_JSON_DEPTH = 64
_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth_ok(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the brackets of a JSON text (outside its strings) nest at most `limit` deep."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b'""', raw)):
        if bracket in b"[{":
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, or a 400 saying why it is not one (an empty body is `{}`
    when `optional`)."""
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if not json_depth_ok(raw):
        raise MalformedJSON(_("The JSON is nested too deeply (at most %(n)d levels).",
                              n=MAX_JSON_DEPTH))
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # a guard behind the depth check
        data = None
    if data is None:
        raise MalformedJSON(_("Send a JSON object with Content-Type: application/json."))
    if not isinstance(data, dict):
        raise MalformedJSON(_("The body must be a JSON object."))
    unstorable = [str(key)[:100] for key, value in data.items()
                  if not _storable(key) or not _storable(value)]
    if unstorable:
        raise InvalidInput({key: _("This text contains a character that cannot be stored.")
                            for key in unstorable})
    return data


def _storable(value: Any) -> bool:
    """Whether every text inside a JSON value (keys too) can be stored: no NUL, no lone
    surrogate. The depth is bounded already, so the walk is too."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not parsing.storable(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def page_args(max_per_page: int = 200) -> tuple[int, int]:
    """?page=&per_page=, validated (422 naming each one that is off)."""
    errors: dict[str, str] = {}
    page = collect(errors, parsing.page, request.args.get("page")) or 1
    per_page = collect(errors, parsing.whole_number, request.args.get("per_page"), "per_page",
                       low=1, high=max_per_page, default=50) or 50
    raise_errors(errors)
    return page, per_page


def paginated(query, serialize) -> dict[str, Any]:
    """{items, page, per_page, total} for a select() query."""
    page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serialize(r) for r in rows], "page": page, "per_page": per_page,
            "total": total}


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset."""
    return value.isoformat() if value else None


def money(amount: int | None, currency: str = "CNY") -> dict | None:
    """{"amount": minor units, "currency"}."""
    return None if amount is None else {"amount": amount, "currency": currency}


# Reading money, times and text is the one parser's job; the API's names for it.
parse_money = parsing.money
parse_datetime = parsing.moment
CURRENCIES = parsing.CURRENCIES


def text_field(data: dict, field: str, *, required: bool = True, max_length: int = 200) -> str:
    """A trimmed string field of bounded length."""
    return parsing.text(data.get(field), field, required=required, max_length=max_length)
