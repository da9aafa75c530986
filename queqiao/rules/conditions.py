"""Reading rule conditions from the API and from forms into the engine's canonical form."""

from typing import Any

from flask_babel import gettext as _

from portal.errors import InvalidInput
from queqiao.engine import RuleError, RuleSpec
from queqiao.engine.rules import TERM_CONDITIONS
from queqiao.listings.gazetteer import rule_regions
from queqiao.listings.regions import region_codes

LIST_KEYS = ("all", "any", "none", "regions")
MAX_TERMS = 50
MAX_TERM_LENGTH = 100


def parse_conditions(value: Any, field: str = "conditions") -> dict:
    """Validate API conditions and return them normalised ({all, any, none, max_price, regions},
    and `literal` when some condition's terms are to match in the literal form)."""
    if not isinstance(value, dict):
        raise InvalidInput({field: _("Give the conditions as an object with all, any, none, "
                                     "max_price and regions.")})
    errors: dict[str, str] = {}
    unknown = set(value) - {*LIST_KEYS, "max_price", "literal"}
    if unknown:
        errors[field] = _("Unknown conditions: %(keys)s.", keys=", ".join(sorted(map(str, unknown))))
    for key in LIST_KEYS:
        items = value.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            errors[f"{field}.{key}"] = _("Give a list of texts.")
        elif len(items) > MAX_TERMS:
            errors[f"{field}.{key}"] = _("At most %(n)d entries.", n=MAX_TERMS)
        elif any(len(i) > MAX_TERM_LENGTH for i in items):
            errors[f"{field}.{key}"] = _("Each entry has at most %(n)d characters.",
                                         n=MAX_TERM_LENGTH)
        elif any(not i.strip() for i in items):
            errors[f"{field}.{key}"] = _("Entries cannot be blank.")
    literal = value.get("literal")
    if literal is not None and not isinstance(literal, bool) and not (
            isinstance(literal, list) and all(i in TERM_CONDITIONS for i in literal)):
        errors[f"{field}.literal"] = _("Give true, false or a list of the conditions whose "
                                       "terms match literally: all, any, none.")
    price = value.get("max_price")
    if price is not None:
        amount = price.get("amount") if isinstance(price, dict) else None
        currency = price.get("currency", "CNY") if isinstance(price, dict) else None
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            errors[f"{field}.max_price"] = _("Give an amount in minor units, e.g. %(example)s.",
                                             example='{"amount": 9900, "currency": "CNY"}')
        elif currency != "CNY":
            errors[f"{field}.max_price"] = _("Listing prices are in CNY; give the ceiling in CNY.")
    if not errors and not value.get("all") and not value.get("any"):
        errors[f"{field}.all"] = _("Give at least one term in all or any.")
    if errors:
        raise InvalidInput(errors)
    codes = region_codes(value.get("regions") or [], f"{field}.regions")
    try:
        conditions = RuleSpec.from_conditions(0, value).to_conditions()
    except RuleError as error:  # anything the checks above did not foresee
        raise InvalidInput({field: error.message}) from None
    # Regions are stored as the gazetteer's codes, shown by name in the reader's language.
    conditions["regions"] = codes
    return conditions


def spec_for(rule_id: int, conditions: dict, version: int) -> RuleSpec:
    """The engine's form of stored (already validated) conditions.

    Region codes are widened to the regions inside them, so the engine's equality test on
    a listing's resolved region (`gazetteer.listing_region`) finds a city under its province.
    """
    if conditions.get("regions"):
        conditions = conditions | {"regions": list(rule_regions(conditions["regions"]))}
    return RuleSpec.from_conditions(rule_id, conditions, version)
