"""Tips as CSV, for members' own tools (the caller passes only visible tips)."""

import csv
import io
from collections.abc import Iterable

from portal.spreadsheets import safe_cell

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
        writer.writerow([t.id, safe_cell(t.title), safe_cell(t.brand), t.working_group.slug,
                         safe_cell(t.organisation.name), t.status, t.sharing,
                         safe_cell(" | ".join(t.keywords)), safe_cell(" | ".join(t.exclusions)),
                         t.max_price_amount if t.max_price_amount is not None else "",
                         t.max_price_currency, safe_cell(" | ".join(t.regions)),
                         t.created_at.isoformat()])
    return out.getvalue()

