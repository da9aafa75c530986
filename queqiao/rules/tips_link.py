"""The only place rules learn about tips (the tips part owns them)."""

from typing import Any

from sqlalchemy import select

from portal import parsing
from portal.extensions import db
from queqiao.listings.gazetteer import resolve_region
from queqiao.tips.models import Tip


def tip_exists(tip_id: int) -> bool:
    """Whether an accepted tip with this id exists (only vetted tips feed rules)."""
    tip = db.session.get(Tip, tip_id) if parsing.identifier(tip_id) else None
    return tip is not None and tip.status == "accepted"


def tip_brand(tip_id: int) -> str | None:
    """The brand an accepted tip is about."""
    tip = db.session.get(Tip, tip_id) if parsing.identifier(tip_id) else None
    return (tip.brand or "").strip() or None if tip is not None else None


def tip_prefill(tip_id: int) -> dict[str, Any] | None:
    """Rule form values from an accepted tip: its brand and keywords, exclusions, ceiling, regions."""
    tip = db.session.get(Tip, tip_id) if parsing.identifier(tip_id) else None
    if tip is None or tip.status != "accepted":
        return None
    indicators = tip.indicators
    keywords = [k for k in indicators["keywords"] if k.strip()]
    brand = (tip.brand or "").strip()
    price = indicators["max_price"]
    return {
        "name": tip.title[:200],
        "brand": brand,
        "conditions": {
            # The brand must be there; any one of the tip's keywords then marks the fake.
            "all": [brand] if brand and brand.casefold() not in {k.casefold() for k in keywords}
            else [],
            "any": keywords,
            "none": list(indicators["exclude"]),
            "max_price": price if price and price.get("currency") == "CNY" else None,
            # Only the regions the gazetteer knows; a tip may name "overseas warehouse".
            "regions": [code for code in map(resolve_region, indicators["regions"]) if code],
        },
    }


def accepted_tips_without_rules(limit: int = 20) -> list[Tip]:
    """Accepted tips no rule has been made from yet, oldest decision first."""
    from .models import Rule

    return list(db.session.scalars(
        select(Tip).where(Tip.status == "accepted", Tip.id.not_in(
            select(Rule.tip_id).where(Rule.tip_id.is_not(None))))
        .order_by(Tip.decided_at, Tip.id).limit(limit)))
