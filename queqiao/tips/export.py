"""Tips as CSV, for members' own tools (the caller passes only visible tips)."""

import csv
import io
from collections.abc import Iterable

from .models import Tip

COLUMNS = ("id", "title", "brand", "working_group", "organisation", "status", "sharing",
           "keywords", "exclude", "max_price", "currency", "regions", "created_at")


def tips_csv(tips: Iterable[Tip]) -> str:
    """One row a tip; lists joined with ' | '. A BOM so spreadsheet tools read Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for t in tips:
        writer.writerow([t.id, _safe(t.title), _safe(t.brand), t.working_group.slug,
                         _safe(t.organisation.name), t.status, t.sharing,
                         _safe(" | ".join(t.keywords)), _safe(" | ".join(t.exclusions)),
                         t.max_price_amount if t.max_price_amount is not None else "",
                         t.max_price_currency, _safe(" | ".join(t.regions)),
                         t.created_at.isoformat()])
    return out.getvalue()


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas in user text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
