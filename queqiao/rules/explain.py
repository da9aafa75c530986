"""A rule's verdict on one listing, condition by condition, in the reader's language."""

from typing import Any

from flask_babel import gettext as _

from portal.errors import InvalidInput
from portal.ui import format_money
from queqiao.engine import Reason, explain
from queqiao.listings.gazetteer import resolve_region
from queqiao.listings.readers import BadListing, ScannedListing, read_listing
from queqiao.listings.regions import region_label

from .conditions import spec_for
from .models import Rule


def read_explained_listing(value: Any) -> ScannedListing:
    """The listing to explain, as in the scans API (its id may be left out)."""
    if not isinstance(value, dict):
        raise InvalidInput({"listing": _("Give the listing as an object with title, price and "
                                         "region.")})
    try:
        return read_listing({"id": "listing", **value} if value.get("id") is None else value)
    except BadListing as bad:
        raise InvalidInput({f"listing.{k}": v for k, v in bad.fields.items()}) from None


def _terms(terms: tuple[str, ...]) -> str:
    return ", ".join(terms)


def _region(text: str | None) -> str:
    code = resolve_region(text) if text else None
    return region_label(code or text)


def _detail(reason: Reason, regions: list[str], listing: ScannedListing) -> str:
    """The reason told in a sentence of the reader's language."""
    c, ok, terms = reason.condition, reason.ok, _terms(reason.terms)
    if c == "all":
        return (_("The title contains every required term: %(terms)s.", terms=terms) if ok
                else _("The title lacks the required terms: %(terms)s.", terms=terms))
    if c == "any":
        return (_("The title contains %(terms)s.", terms=terms) if ok
                else _("The title contains none of: %(terms)s.", terms=terms))
    if c == "none":
        return (_("The title contains none of the exclusions: %(terms)s.", terms=terms) if ok
                else _("The title contains the exclusion: %(terms)s.", terms=terms))
    if c == "max_price":
        ceiling = format_money(reason.max_price)
        if reason.price is None:
            return _("The listing has no price; the rule asks for %(max)s at most.", max=ceiling)
        values = {"price": format_money(reason.price), "max": ceiling}
        return (_("The price %(price)s is at most %(max)s.", **values) if ok
                else _("The price %(price)s is above %(max)s.", **values))
    names = ", ".join(region_label(code) for code in regions)
    if listing.region is None:
        return _("The listing names no region; the rule asks for one of: %(regions)s.",
                 regions=names)
    values = {"region": _region(listing.region), "regions": names}
    return (_("The region %(region)s is within: %(regions)s.", **values) if ok
            else _("The region %(region)s is not within: %(regions)s.", **values))


def explain_listing(rule: Rule, listing: ScannedListing, conditions: dict | None = None,
                    version: int | None = None) -> dict[str, Any]:
    """`{matched, reasons: [{condition, ok, detail, …}]}` for a rule (by default its current
    version; a hit passes the version that made it) and a listing."""
    conditions = rule.conditions if conditions is None else conditions
    spec = spec_for(rule.id, conditions, version or rule.version)
    result = explain(spec, listing.for_engine())
    regions = list(conditions.get("regions") or [])
    reasons = []
    for reason in result.reasons:
        item: dict[str, Any] = {"condition": reason.condition, "ok": reason.ok,
                                "detail": _detail(reason, regions, listing)}
        if reason.condition in ("all", "any", "none"):
            item["terms"] = list(reason.terms)
        elif reason.condition == "max_price":
            item["price"] = None if reason.price is None else {"amount": reason.price,
                                                               "currency": "CNY"}
            item["max_price"] = {"amount": reason.max_price, "currency": "CNY"}
        else:
            item["region"] = (resolve_region(listing.region) or listing.region
                              if listing.region else None)
            item["regions"] = regions
        reasons.append(item)
    return {"matched": result.matched, "reasons": reasons}
