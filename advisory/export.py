"""The tracker as CSV: one row per recommendation the reader may see."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from portal.spreadsheets import safe_cell

COLUMNS = ("id", "title", "working_group", "category", "status", "submitted_at", "decided_at",
           "decision", "answered_at", "response", "progress", "url")
DECIDING = {"endorse": "endorsed", "return": "returned", "decline": "declined"}



def row(rec: Any, base_url: str) -> list:
    """One recommendation's line."""
    decided = next((e for e in reversed(rec.events) if e.action in DECIDING), None)
    answered = next((e for e in rec.events if e.action == "respond"), None)
    return [rec.id, safe_cell(rec.title), rec.working_group.slug, rec.category, rec.status,
            rec.first_submitted_at.isoformat() if rec.first_submitted_at else "",
            decided.at.isoformat() if decided else "",
            DECIDING[decided.action] if decided else "",
            answered.at.isoformat() if answered else "", rec.response_outcome or "",
            rec.progress, f"{base_url}/recommendations/{rec.id}"]


def to_csv(recs: Iterable[Any], base_url: str = "") -> str:
    """The whole export, with a header line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for rec in recs:
        writer.writerow(row(rec, base_url))
    return out.getvalue()
