"""The audit log's filters and its CSV, shared by the page and the API."""

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from flask_babel import gettext as _

from portal.spreadsheets import safe_cell

from .. import parsing
from ..errors import InvalidInput
from .actions import action_label
from .models import AuditEvent

# action_label (the action in the reader's language) comes last: a reader that takes the
# columns by position keeps finding the others where they were.
CSV_COLUMNS = ("id", "at", "actor_id", "actor", "action", "object_type", "object_id",
               "summary", "ip", "request_id", "action_label")
# A download stops here; narrow the filters for more (the page says so).
MAX_CSV_ROWS = 50_000


def _text(args: Mapping, name: str) -> str:
    """A filter as comparable text (no control characters or lone surrogates)."""
    value = args.get(name) or ""
    return "".join(c for c in value if c >= " " and not "\ud800" <= c <= "\udfff").strip()[:200]


def _date(args: Mapping, name: str, errors: dict | None):
    """A day or moment; unreadable ones are no filter on the page, 422 from the API."""
    raw = args.get(name) or ""
    try:
        moment = datetime.fromisoformat(raw) if raw else None
        if moment is not None and not parsing.plausible_year(moment.year):
            raise ValueError(raw)
        return moment.astimezone() if moment else None
    except ValueError:
        if errors is not None:
            errors[name] = _("Give a date as YYYY-MM-DD.")
        return None


def search_args(args: Mapping, *, strict: bool = False) -> dict:
    """Keyword arguments of `services.search` from query arguments: action (a prefix),
    object_type, object_id, actor (a user id), since and until (days, both included).
    With `strict`, a filter that cannot be read is a 422 instead of no filter."""
    errors: dict[str, str] | None = {} if strict else None
    actor_id = parsing.identifier(args.get("actor"))
    if strict and args.get("actor") and actor_id is None:
        errors["actor"] = _("Give the number of a person.")
    since, until = _date(args, "since", errors), _date(args, "until", errors)
    if errors:
        raise InvalidInput(errors)
    return {"action": _text(args, "action"), "object_type": _text(args, "object_type"),
            "object_id": _text(args, "object_id"), "actor_id": actor_id, "since": since,
            "until": until + timedelta(days=1) if until else None}


def events_csv(events: Iterable[AuditEvent]) -> str:
    """Audit events as CSV (a BOM so spreadsheet tools read Chinese), formulas neutralised;
    each action also as its label in the reader's language."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([e.id, e.at.isoformat(), e.actor_id or "",
                         safe_cell(e.actor.name) if e.actor else "", e.action,
                         e.object_type or "", e.object_id or "", safe_cell(e.summary), e.ip or "",
                         e.request_id or "", str(action_label(e.action))])
    return out.getvalue()

