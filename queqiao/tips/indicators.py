"""Checking what a tip says: its fields and structured indicators, from the API or a form."""

import re
from typing import Any

from flask_babel import gettext as _

from portal import parsing
from portal.accounts.groups import group_by_slug
from portal.api.helpers import parse_money
from portal.errors import InvalidInput
from portal.parsing import collect
from queqiao.listings.gazetteer import resolve_region

from .models import SHARING_LEVELS

MAX_TERMS = 50
MAX_TERM_LENGTH = 100
LIMITS = {"title": 200, "brand": 120, "description": 20000}
# Terms in a form are one a line, or separated by commas (Latin or Chinese) or 、.
_SEPARATORS = re.compile(r"[\n,，、;；]+")


def split_terms(text: str | None) -> list[str]:
    """Terms from a form's text area."""
    return [t for t in (s.strip() for s in _SEPARATORS.split(text or "")) if t]


def _terms(value: Any, field: str, errors: dict, *, required: bool = False) -> list[str]:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = _("Give a list of words or phrases.")
        return []
    terms: list[str] = []
    for term in (" ".join(v.split()) for v in value):
        if term and term.lower() not in {t.lower() for t in terms}:
            terms.append(term)
    if required and not terms:
        errors[field] = _("Give at least one keyword or phrase.")
    elif len(terms) > MAX_TERMS:
        errors[field] = _("At most %(n)d entries.", n=MAX_TERMS)
    elif any(len(t) > MAX_TERM_LENGTH for t in terms):
        errors[field] = _("Each entry has at most %(n)d characters.", n=MAX_TERM_LENGTH)
    return terms


def _regions(values: list[str]) -> list[str]:
    regions: list[str] = []
    for value in values:
        region = resolve_region(value) or value
        if region not in regions:
            regions.append(region)
    return regions


def parse_indicators(value: Any, errors: dict) -> dict:
    """Indicators {keywords, exclude, max_price, regions}, errors under `indicators.<name>`."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors["indicators"] = _("Give the indicators as an object with keywords, exclude, "
                                 "max_price and regions.")
        return {}
    parsed = {
        "keywords": _terms(value.get("keywords"), "indicators.keywords", errors, required=True),
        "exclude": _terms(value.get("exclude"), "indicators.exclude", errors),
        # Regions the gazetteer knows are kept as its codes (shown by name in the reader's
        # language); anything else ("overseas warehouse") stays as written.
        "regions": _regions(_terms(value.get("regions"), "indicators.regions", errors)),
        "max_price": None,
    }
    try:
        parsed["max_price"] = parse_money(value.get("max_price"), "indicators.max_price",
                                          allow_zero=False)
    except InvalidInput as e:
        errors.update(e.fields)
    return parsed


def _text(data: dict, field: str, errors: dict) -> str:
    return collect(errors, parsing.text, data.get(field), field, required=True,
                   max_length=LIMITS[field]) or ""


def parse_sharing(value: Any, errors: dict) -> str:
    """One of the three sharing levels."""
    if value not in SHARING_LEVELS:
        errors["sharing"] = _("Choose platform, working_group or alliance.")
        return ""
    return value


def parse_group(value: Any, author: Any, errors: dict):
    """A working group the author's organisation belongs to."""
    group = group_by_slug(value) if isinstance(value, str) and value else None
    if group is None:
        errors["working_group"] = _("Unknown working group.")
    elif group.id not in author.group_ids():
        errors["working_group"] = _("Your organisation is not a member of this working group.")
        group = None
    return group


def parse_tip(data: dict, author: Any, *, partial: bool = False) -> dict:
    """Clean values for a new tip (or, with `partial`, for the fields present in an edit).

    Server-owned fields (author, organisation, status, timestamps) are ignored."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field in ("title", "description", "brand"):
        if not partial or field in data:
            values[field] = _text(data, field, errors)
    if not partial or "working_group" in data:
        values["working_group"] = parse_group(data.get("working_group"), author, errors)
    if not partial or "sharing" in data:
        values["sharing"] = parse_sharing(data.get("sharing", None if partial else "platform"),
                                          errors)
    if not partial or "indicators" in data:
        values["indicators"] = parse_indicators(data.get("indicators"), errors)
    if errors:
        raise InvalidInput(errors)
    return values
