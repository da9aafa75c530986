"""Reading listings (API bodies, feed and corpus rows) into checked records."""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import FileStorage

from portal import parsing
from portal.errors import InvalidInput
from queqiao.engine import Listing

from .gazetteer import listing_region


@dataclass(frozen=True, slots=True)
class ScannedListing:
    """A listing as sent by the platform: what the engine reads plus what a hit keeps."""

    id: str
    title: str
    price: int | None
    seller_id: str | None
    region: str | None
    url: str | None

    def for_engine(self) -> Listing:
        # The region as a gazetteer code, as rules store theirs ("廣東省" is CN-GD).
        return Listing(self.id, self.title, self.price, listing_region(self.region))

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title,
                "price": None if self.price is None else {"amount": self.price, "currency": "CNY"},
                "seller_id": self.seller_id, "region": self.region, "url": self.url}


class BadListing(ValueError):
    """A listing that cannot be read; `fields` says which parts and why."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def _ident(value: Any, limit: int = 200) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return parsing.text(value, "value", max_length=limit) or None


def _price(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        if value.get("currency", "CNY") != "CNY":
            raise InvalidInput({"price": _("Listing prices are in CNY.")})
        value = value.get("amount")
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,19}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput({"price": _("Give the price in fen, a whole number.")})
    return parsing.bounded_amount(value, "price")


def _url(value: Any) -> str | None:
    return parsing.web_address(value, "url") or None


def read_listing(data: Any) -> ScannedListing:
    """Check one listing object; raise BadListing naming every bad field."""
    if not isinstance(data, dict):
        raise BadListing({"listing": _("Each listing must be an object.")})
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, reader in (("id", _ident), ("seller_id", _ident), ("price", _price),
                         ("region", lambda v: _ident(v, 80)), ("url", _url)):
        try:
            values[name] = reader(data.get(name))
        except InvalidInput as error:
            errors[name] = next(iter(error.fields.values()))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = _("This field is required.")
    else:
        parsing.collect(errors, parsing.text, title, "title", max_length=500)
    if "id" not in errors and values.get("id") is None:
        errors["id"] = _("This field is required.")
    if errors:
        raise BadListing(errors)
    return ScannedListing(values["id"], title, values["price"], values["seller_id"],
                          values["region"], values["url"])


FORMATS = (".csv", ".jsonl", ".ndjson", ".json")


def read_upload_rows(upload: FileStorage | None) -> Iterator[tuple[int, Any]]:
    """The rows of an uploaded CSV or JSON Lines file (read as it streams in)."""
    name = (upload.filename or "").lower() if upload is not None else ""
    if not name:
        raise InvalidInput({"file": _("Choose a CSV or JSON Lines file.")})
    if not name.endswith(FORMATS):
        raise InvalidInput({"file": _("Feed files are CSV (.csv) or JSON Lines (.jsonl).")})
    text = io.TextIOWrapper(upload.stream, encoding="utf-8-sig", errors="replace", newline="")
    return read_rows(text, name)


def row_error(item: Any) -> bool:
    """Whether an item `read_rows` yields is its error about the row (a lazy message), not
    the row's value (which may itself be any JSON value, a bare string too)."""
    return isinstance(item, LazyString)


def read_rows(text, path: str) -> Iterator[tuple[int, Any]]:
    """Yield (line number, listing dict or error) for every data row of a text stream; an
    error is a lazy message, worded in whatever language it is shown in."""
    if path.endswith(".csv"):
        yield from _csv_rows(text)
    else:
        yield from _jsonl_rows(text)


def _csv_rows(text) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    columns = [name.strip().lower() for name in header]
    if "title" not in columns or "id" not in columns:
        yield 1, _l("The header row must name at least the columns id and title.")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:  # e.g. a NUL byte or an oversized field: skip the row
            yield reader.line_num, _l("This line cannot be read as CSV (a NUL byte or an "
                                      "overlong field).")
            continue
        if not row:
            continue
        if len(row) != len(columns):
            yield reader.line_num, _l("Expected %(n)d columns, found %(m)d.",
                                      n=len(columns), m=len(row))
            continue
        yield reader.line_num, dict(zip(columns, row, strict=True))


def _jsonl_rows(text) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError:
            yield number, _l("This line is not a JSON object.")
