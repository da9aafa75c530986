"""Why a rule matches a listing or not, condition by condition (the reference definition, told).

Each reason names a condition of the rule by a stable id (``all``, ``any``, ``none``,
``max_price``, ``regions``), says whether the listing passes it, and carries the facts a
reader needs: the required terms the title lacks, the ``any`` terms it has, the
exclusions it hits, the price against the ceiling, the region against the rule's. The
words are left to the caller (they are translated there). A listing matches exactly when
every reason is ok; this follows ``reference_match`` condition by condition and is tested
against the compiled engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from queqiao.engine.listing import Listing
from queqiao.engine.normalisation import literal_form, normalise
from queqiao.engine.rules import RuleSpec

CONDITIONS = ("all", "any", "none", "max_price", "regions")


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition of a rule applied to one listing."""

    condition: str
    ok: bool
    # all: the required terms missing (or, passing, all of them); any: the terms found
    # (or, failing, all of them); none: the exclusions found (or, passing, all of them).
    terms: tuple[str, ...] = ()
    price: int | None = None
    max_price: int | None = None
    region: str | None = None  # the listing's region in the matching form


@dataclass(frozen=True, slots=True)
class Explanation:
    """Whether the rule matches, and a reason per condition it has."""

    matched: bool
    reasons: tuple[Reason, ...]


def explain(rule: RuleSpec, listing: Listing) -> Explanation:
    """Every condition of `rule` applied to `listing`, in the order all, any, none, price, region."""

    def title(role: str) -> str:
        return literal_form(listing.title) if rule.is_literal(role) else normalise(listing.title)

    reasons = []
    if rule.all:
        missing = tuple(t for t in rule.all if t not in title("all"))
        reasons.append(Reason("all", not missing, missing or rule.all))
    if rule.any:
        found = tuple(t for t in rule.any if t in title("any"))
        reasons.append(Reason("any", bool(found), found or rule.any))
    if rule.none:
        hit = tuple(t for t in rule.none if t in title("none"))
        reasons.append(Reason("none", not hit, hit or rule.none))
    if rule.max_price is not None:
        ok = listing.price is not None and listing.price <= rule.max_price
        reasons.append(Reason("max_price", ok, price=listing.price, max_price=rule.max_price))
    if rule.regions:
        region = None if listing.region is None else normalise(listing.region)
        reasons.append(Reason("regions", region is not None and region in rule.regions,
                              region=region))
    return Explanation(all(r.ok for r in reasons), tuple(reasons))
