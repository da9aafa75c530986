"""A plain per-rule matcher: slow, but simple enough to be checked by reading it."""

from __future__ import annotations

from functools import lru_cache

from queqiao.engine.listing import Listing
from queqiao.engine.normalisation import literal_form, normalise
from queqiao.engine.rules import RuleSpec

# Looping over many rules for one listing normalises the same title again and again;
# a small cache keeps the plain loop honest about what it costs to *match*.
_normalise_title = lru_cache(maxsize=1024)(normalise)
_literal_title = lru_cache(maxsize=1024)(literal_form)


def reference_match(rule: RuleSpec, listing: Listing) -> bool:
    """Return True when `listing` satisfies every condition of `rule`."""
    if not rule.all and not rule.any:
        return False

    def title(role: str) -> str:
        # Each condition's terms are in the matching or the literal form; so is its title.
        return _literal_title(listing.title) if rule.is_literal(role) else _normalise_title(listing.title)

    if not all(term in title("all") for term in rule.all):
        return False
    if rule.any and not any(term in title("any") for term in rule.any):
        return False
    if any(term in title("none") for term in rule.none):
        return False
    if rule.max_price is not None and (listing.price is None or listing.price > rule.max_price):
        return False
    if rule.regions:
        return listing.region is not None and normalise(listing.region) in rule.regions
    return True
