"""Reading input, once: text, money, times, ids, pages and choices.

Forms, the API, CSV feeds and the CLI all parse through these functions, so a value is
bounded the same way wherever it comes in, and anything out of range becomes a clear
field error (422) or an absent object (404) here rather than a 500 further down.
Each parser raises `InvalidInput({field: message})`; `collect()` gathers the messages of
several fields so a form reports every problem at once.
"""

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .errors import InvalidInput

T = TypeVar("T")

# Largest amount in minor units (fen, cent) anywhere in the portal: RMB 10 trillion, far
# past any purchase or value involved, yet well inside a 64-bit integer column.
MAX_AMOUNT = 10**15
# Largest row id: primary keys are 32-bit integer columns (PostgreSQL refuses a larger
# number in a query), so anything larger names no row.
MAX_ID = 2**31 - 1
# Times are accepted within this range of years, so date arithmetic cannot overflow.
YEARS = (2000, 2100)
MAX_PAGE = 1_000_000
CURRENCIES = ("CNY", "USD", "EUR", "GBP", "HKD", "JPY")
_YUAN = re.compile(r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$")


def collect(errors: dict[str, str], parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a parser; on a field error, note it in `errors` and return None."""
    try:
        return parse(*args, **kwargs)
    except InvalidInput as error:
        errors.update(error.fields)
        return None


def raise_errors(errors: dict[str, str]) -> None:
    """Refuse with every collected field error at once (422)."""
    if errors:
        raise InvalidInput(errors)


def text(value: Any, field: str, *, required: bool = False, max_length: int = 200) -> str:
    """A trimmed string of at most `max_length` characters ("" when absent and optional).

    Text that cannot be stored or shown (NUL, a lone surrogate) is refused, not cut.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return ""
    if not isinstance(value, str):
        raise InvalidInput({field: _("This field must be text.")})
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput({field: _("At most %(n)d characters.", n=max_length)})
    if not storable(value):
        raise InvalidInput({field: _("This text contains a character that cannot be stored.")})
    return value


def web_address(value: Any, field: str, *, required: bool = False, max_length: int = 1000) -> str:
    """An http(s) address with a host; anything else (javascript:, data:, a bare path) is
    refused, since these addresses are shown to other people as links."""
    address = text(value, field, required=required, max_length=max_length)
    if not address:
        return ""
    parts = urlsplit(address)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            c.isspace() for c in address):
        raise InvalidInput({field: _("Give a web address starting with https://.")})
    return address


def storable(value: str) -> bool:
    """Whether every database and the browser can keep this text as it is."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON such as "\ud800"
        return False
    return True


def choice(value: Any, field: str, choices: tuple[str, ...] | list[str]) -> str:
    """One of the allowed values, or a 422 listing them."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput({field: _("Choose one of: %(choices)s.", choices=", ".join(choices))})
    return value


def identifier(value: Any) -> int | None:
    """A row id from JSON, a form or a query string (an integer or its digits), or None."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,19}\s*", value):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def whole_number(value: Any, field: str, *, low: int, high: int, default: int | None = None) -> int:
    """An integer from `low` to `high` (its digits in a query string or form)."""
    if value in (None, "") and default is not None:
        return default
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,19}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput({field: _("A whole number from %(low)d to %(high)d.", low=low,
                                     high=high)})
    return value


def page(value: Any, field: str = "page") -> int:
    """A page number of a list, from 1."""
    return whole_number(value, field, low=1, high=MAX_PAGE, default=1)


def _money_hint() -> str:
    return _("Give an amount in minor units, e.g. %(example)s.",
             example='{"amount": 9900, "currency": "CNY"}')


def money(value: Any, field: str, *, allow_zero: bool = True,
          required: bool = False) -> tuple[int, str] | None:
    """Money in the API's {"amount": minor units, "currency"} form (a bare integer: CNY)."""
    if value is None:
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        amount, currency = value, "CNY"
    elif isinstance(value, dict):
        amount, currency = value.get("amount"), value.get("currency", "CNY")
    else:
        raise InvalidInput({field: _money_hint()})
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InvalidInput({field: _money_hint()})
    return bounded_amount(amount, field, allow_zero=allow_zero), _currency(currency, field)


def _currency(value: Any, field: str) -> str:
    if value not in CURRENCIES:
        raise InvalidInput({field: _("Unknown currency %(c)s.", c=str(value)[:10])})
    return value


def bounded_amount(amount: int, field: str, *, allow_zero: bool = True) -> int:
    """An amount in minor units that is not negative (nor zero, if so asked) and not absurd."""
    if amount < 0:
        raise InvalidInput({field: _("The amount cannot be negative.")})
    if amount == 0 and not allow_zero:
        raise InvalidInput({field: _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise InvalidInput({field: _("This amount is too large.")})
    return amount


def yuan(value: Any, field: str, *, allow_zero: bool = True, required: bool = False) -> int | None:
    """'1,500.50' or Decimal('1500.5') (yuan, as people type it) -> 150050 fen, exactly.

    Decimal arithmetic, never a float: 0.29 yuan is 29 fen, not 28.
    """
    if isinstance(value, Decimal):
        value = format(value, "f")
    cleaned = re.sub(r"[\s,¥￥]", "", value) if isinstance(value, str) else ""
    if not cleaned:
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return None
    if not _YUAN.match(cleaned):
        raise InvalidInput({field: _("Give an amount in yuan, e.g. 1500 or 1500.50.")})
    fen = int(Decimal(cleaned) * 100)
    return bounded_amount(fen, field, allow_zero=allow_zero)


def decimal_yuan(fen: int | None) -> Decimal | None:
    """Fen as the yuan a form shows (150050 -> Decimal('1500.50'))."""
    return None if fen is None else Decimal(fen) / 100


def moment(value: Any, field: str, *, required: bool = True) -> datetime | None:
    """An ISO 8601 time with its offset, within the years the portal deals in."""
    if value in (None, ""):
        if required:
            raise InvalidInput({field: _("This field is required.")})
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except (ValueError, InvalidOperation):
            raise InvalidInput({field: _(
                "Give a time as ISO 8601, e.g. 2026-05-01T09:30:00+08:00.")}) from None
    if parsed.tzinfo is None:
        raise InvalidInput({field: _("Give the time with its offset, e.g. +08:00.")})
    if not plausible_year(parsed.year):
        raise InvalidInput({field: _("Give a time between the years %(low)d and %(high)d.",
                                     low=YEARS[0], high=YEARS[1])})
    return parsed


def plausible_year(year: int) -> bool:
    """A year the portal deals in (dates outside it would overflow date arithmetic)."""
    return YEARS[0] <= year <= YEARS[1]


def _digits_at_most(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 0..limit (no sign)."""
    top = str(limit)
    options = [f"[0-9]{{1,{len(top) - 1}}}"] if len(top) > 1 else []
    for i, digit in enumerate(top):
        if digit != "0" and (i or digit != "1"):
            low = "1" if i == 0 else "0"
            rest = len(top) - i - 1
            options.append(f"{top[:i]}[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(top)
    return "(?:" + "|".join(options) + ")"


class RowId(IntegerConverter):
    """The URL converter of ids: a number past MAX_ID matches no route at all, so every
    method answers 404 (a converter that only refused it later would let another method's
    route answer 405)."""

    regex = _digits_at_most(MAX_ID)
