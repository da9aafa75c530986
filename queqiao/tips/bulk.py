"""Many tips at once: reading an import (CSV or a JSON array) and the importable CSV export.

A row of either form becomes the body `POST /tips` takes, so each row is then checked by
the one tip parser exactly as a single tip is. The CSV export writes the same columns, so
what a member exports can be imported again.
"""

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from flask import Response
from flask_babel import gettext as _

from portal import parsing
from portal.api.helpers import json_depth_ok
from portal.errors import InvalidInput
from portal.spreadsheets import FORMULA_START, safe_cell

from .models import Tip

COLUMNS = ("title", "description", "brand", "working_group", "sharing", "keywords",
           "exclude", "max_price", "currency", "regions")
LIST_COLUMNS = ("keywords", "exclude", "regions")
LIST_SEPARATOR = " | "
# Field names the tip parser reports, as the CSV columns that hold them.
CSV_FIELDS = {"indicators.keywords": "keywords", "indicators.exclude": "exclude",
              "indicators.regions": "regions", "indicators.max_price": "max_price",
              "indicators": "keywords"}


class BatchTooLarge(InvalidInput):
    """More rows or bytes than one import takes: 413, saying the limit."""

    status = 413
    code = "batch_too_large"

    def __init__(self, message: str):
        super().__init__({"file": message}, message)


def check_size(size: int | None, max_bytes: int) -> None:
    """Refuse a body larger than `max_bytes` before reading it."""
    if size is not None and size > max_bytes:
        raise BatchTooLarge(_("An import takes at most %(kb)d KB; split the file.",
                              kb=max_bytes // 1024))


def read_import(raw: bytes, kind: str, *, max_bytes: int, max_rows: int) -> list[tuple[int, Any]]:
    """(row number, tip body) for each row of a CSV file or JSON array, numbered from 1."""
    check_size(len(raw), max_bytes)
    rows = _json_rows(raw) if kind == "json" else _csv_rows(raw)
    if not rows:
        raise InvalidInput({"file": _("The file holds no tips.")})
    if len(rows) > max_rows:
        raise BatchTooLarge(_("An import takes at most %(n)d tips; split the file.", n=max_rows))
    return list(enumerate(rows, start=1))


def read_upload(upload: Any, *, max_bytes: int,
                max_rows: int) -> tuple[list[tuple[int, Any]], str]:
    """The rows of an uploaded file (a form's or a multipart request's `file`), and whether
    it was csv or json."""
    if upload is None or not upload.filename:
        raise InvalidInput({"file": _("Choose a CSV or JSON file.")})
    raw = upload.stream.read(max_bytes + 1)
    kind = kind_of(upload.filename, upload.mimetype, raw)
    return read_import(raw, kind, max_bytes=max_bytes, max_rows=max_rows), kind


def kind_of(filename: str | None, content_type: str | None, raw: bytes) -> str:
    """json or csv, by the name or type given, else by the first character."""
    name, ctype = (filename or "").lower(), (content_type or "").lower()
    if name.endswith(".json") or "json" in ctype:
        return "json"
    if name.endswith(".csv") or "csv" in ctype:
        return "csv"
    return "json" if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[" else "csv"


def _json_rows(raw: bytes) -> list[Any]:
    if not json_depth_ok(raw):
        raise InvalidInput({"file": _("The JSON is nested too deeply.")})
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput({"file": _("Send a JSON array of tips, as POST /tips takes them.")}) \
            from None
    if not isinstance(data, list):
        raise InvalidInput({"file": _("Send a JSON array of tips, as POST /tips takes them.")})
    return data


def _csv_rows(raw: bytes) -> list[dict]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": _("The CSV file must be UTF-8.")}) from None
    if not parsing.storable(text):
        raise InvalidInput({"file": _("This text contains a character that cannot be stored.")})
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("title", "description", "brand", "working_group", "keywords")
               if c not in header]
    if missing:
        raise InvalidInput({"file": _("The CSV file needs the columns %(columns)s.",
                                      columns=", ".join(COLUMNS))})
    reader.fieldnames = header
    try:
        return [csv_row_to_tip(row) for row in reader]
    except csv.Error:
        raise InvalidInput({"file": _("The CSV file cannot be read.")}) from None


def _cell(row: dict, name: str) -> str:
    value = (row.get(name) or "").strip()
    # The export guards formulas with a leading apostrophe; take it off again.
    if value[:1] == "'" and value[1:2] in FORMULA_START:
        value = value[1:]
    return value


def csv_row_to_tip(row: dict) -> dict:
    """A CSV row as the body of POST /tips (lists split on ' | ', price in minor units)."""
    lists = {name: [t.strip() for t in _cell(row, name).split("|") if t.strip()]
             for name in LIST_COLUMNS}
    return {
        "title": _cell(row, "title"), "description": _cell(row, "description"),
        "brand": _cell(row, "brand"), "working_group": _cell(row, "working_group"),
        "sharing": _cell(row, "sharing") or "platform",
        "indicators": {"keywords": lists["keywords"], "exclude": lists["exclude"],
                       "regions": lists["regions"],
                       "max_price": _price(_cell(row, "max_price"), _cell(row, "currency"))},
    }


def _price(amount: str, currency: str) -> Any:
    """The money the tip parser reads; a cell that is no whole number is passed on as text,
    so the parser names the column."""
    if not amount:
        return None
    if amount.isdigit():
        return {"amount": int(amount), "currency": currency or "CNY"}
    return amount


def csv_fields(fields: dict[str, str]) -> dict[str, str]:
    """A row's field errors under the CSV's column names."""
    return {CSV_FIELDS.get(k, k): v for k, v in fields.items()}


def importable_csv(tips: Iterable[Tip]) -> str:
    """The tips in the import's columns; a BOM so spreadsheet tools read Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for t in tips:
        writer.writerow([safe_cell(t.title), safe_cell(t.description), safe_cell(t.brand),
                         t.working_group.slug, t.sharing,
                         safe_cell(LIST_SEPARATOR.join(t.keywords)),
                         safe_cell(LIST_SEPARATOR.join(t.exclusions)),
                         "" if t.max_price_amount is None else t.max_price_amount,
                         t.max_price_currency if t.max_price_amount is not None else "",
                         safe_cell(LIST_SEPARATOR.join(t.regions))])
    return out.getvalue()


def csv_download(tips: Iterable[Tip]) -> Response:
    """The importable CSV as a download."""
    return Response(importable_csv(tips), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=our-tips.csv"})

