"""Shared pieces of every API endpoint: JSON in, pagination, money, times."""

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import DomainError, InvalidInput
from ..extensions import csrf, db, limiter


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


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 saying why it is not one."""
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJSON(_("Send a JSON object with Content-Type: application/json."))
    if not isinstance(data, dict):
        raise MalformedJSON(_("The body must be a JSON object."))
    return data


def page_args(max_per_page: int = 200) -> tuple[int, int]:
    """?page=&per_page=, validated."""
    errors = {}
    try:
        page = int(request.args.get("page", 1))
        if page < 1:
            raise ValueError
    except ValueError:
        errors["page"] = _("page is a whole number from 1.")
        page = 1
    try:
        per_page = int(request.args.get("per_page", 50))
        if not 1 <= per_page <= max_per_page:
            raise ValueError
    except ValueError:
        errors["per_page"] = _("per_page is a whole number from 1 to %(n)d.", n=max_per_page)
        per_page = 50
    if errors:
        raise InvalidInput(errors)
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


def _money_hint() -> str:
    """How money is written in the API."""
    return _("Give an amount in minor units, e.g. %(example)s.",
             example='{"amount": 9900, "currency": "CNY"}')


CURRENCIES = ("CNY", "USD", "EUR", "GBP", "HKD", "JPY")


def parse_money(value: Any, field: str, *, allow_zero: bool = True,
                required: bool = False) -> tuple[int, str] | None:
    """Money from the API's {"amount": int, "currency"} form (a bare integer means CNY)."""
    if value is None:
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return None
    if isinstance(value, bool):
        raise InvalidInput({field: _money_hint()})
    if isinstance(value, int):
        amount, currency = value, "CNY"
    elif isinstance(value, dict):
        amount, currency = value.get("amount"), value.get("currency", "CNY")
    else:
        amount, currency = None, None
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InvalidInput({field: _money_hint()})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput({field: _("The amount must be more than zero.") if not allow_zero
                            else _("The amount cannot be negative.")})
    if currency not in CURRENCIES:
        raise InvalidInput({field: _("Unknown currency %(c)s.", c=str(currency)[:10])})
    return amount, currency


def parse_datetime(value: Any, field: str, *, required: bool = True) -> datetime | None:
    """An ISO 8601 time with an offset."""
    if value in (None, ""):
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput({field: _("Give a time as ISO 8601, e.g. 2026-05-01T09:30:00+08:00.")}) from None
    if parsed.tzinfo is None:
        raise InvalidInput({field: _("Give the time with its offset, e.g. +08:00.")})
    return parsed


def text_field(data: dict, field: str, *, required: bool = True, max_length: int = 200) -> str:
    """A trimmed string field of bounded length."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return ""
    if not isinstance(value, str):
        raise InvalidInput({field: _("This field must be text.")})
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput({field: _("At most %(n)d characters.", n=max_length)})
    return value
