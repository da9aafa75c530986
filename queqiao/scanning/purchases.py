"""Test purchases proposed from rule hits, fed back to Queqiao.

A purchase proposed from a hit keeps `source_kind == "rule_hit"` and
`source_ref == str(hit id)` (testbuys knows nothing of hits). From that plain
reference this module tells the tip whose rule found the seller what the purchase showed,
and puts the hit's listing into the rule-proving corpus once a verdict confirms it.

A reference alone proves nothing: a purchase counts for a hit only when it bought from
the hit's seller (and on the hit's platform, when the hit's listing recorded one).
"""

from collections.abc import Iterator

from sqlalchemy import String, and_, cast, select

from portal.audit.services import record
from portal.extensions import db
from queqiao.rules.models import Rule
from queqiao.tips.feedback import FeedbackEvent, register_feedback_source
from testbuys.hooks import on_authenticated
from testbuys.models import VERDICTS, TestPurchase

from .models import Hit
from .services import add_hit_to_corpus

SOURCE_KIND = "rule_hit"
CORPUS_VERDICTS = ("counterfeit", "genuine")
_MAX_REF_DIGITS = 18  # beyond any hit id, and within a 64-bit integer


def hit_for(purchase: TestPurchase) -> Hit | None:
    """The hit a purchase was proposed from, or None (another source, or not a hit id)."""
    ref = purchase.source_ref or ""
    if (purchase.source_kind != SOURCE_KIND or not ref.isascii() or not ref.isdigit()
            or len(ref) > _MAX_REF_DIGITS):
        return None
    hit = db.session.get(Hit, int(ref))
    return hit if hit is not None and same_seller(hit.seller_id, hit.snapshot, purchase.seller_id,
                                                purchase.platform) else None


def same_seller(hit_seller: str | None, snapshot: dict | None, seller_id: str | None,
                platform: str | None) -> bool:
    """A purchase of seller_id on platform bought from the hit's seller (and platform, if
    the hit's listing recorded one)."""
    seller = (hit_seller or "").strip()
    if not seller or seller != (seller_id or "").strip():
        return False
    recorded = snapshot.get("platform") if isinstance(snapshot, dict) else None
    return not recorded or str(recorded).strip() == (platform or "").strip()


@register_feedback_source(kinds=("test_purchase", *VERDICTS))
def test_purchase_feedback(tip_ids: list[int]) -> Iterator[FeedbackEvent]:
    """Purchases of sellers found by the tips' rules (cancelled ones aside), and their verdicts."""
    # One query. The reference is matched as text against the hit's id: refs that are not
    # numbers simply match nothing, on every database, instead of failing a cast.
    rows = db.session.execute(
        select(Rule.tip_id, TestPurchase.created_at, TestPurchase.verdict,
               TestPurchase.authenticated_at, Hit.seller_id, Hit.snapshot, TestPurchase.seller_id,
               TestPurchase.platform)
        .select_from(TestPurchase)
        .join(Hit, and_(cast(Hit.id, String) == TestPurchase.source_ref,
                        Hit.seller_id == TestPurchase.seller_id))
        .join(Rule, Hit.rule_id == Rule.id)
        .where(TestPurchase.source_kind == SOURCE_KIND, TestPurchase.status != "cancelled",
               Rule.tip_id.in_(tip_ids)))
    for tip_id, proposed_at, verdict, authenticated_at, hit_seller, snapshot, seller, platform \
            in rows:
        if not same_seller(hit_seller, snapshot, seller, platform):
            continue
        yield FeedbackEvent(tip_id, "test_purchase", proposed_at)
        if verdict is not None and authenticated_at is not None:
            yield FeedbackEvent(tip_id, verdict, authenticated_at)


@on_authenticated
def feed_corpus(purchase: TestPurchase, actor) -> None:
    """A counterfeit or genuine verdict on a hit's seller puts the hit's listing in the corpus."""
    if purchase.verdict not in CORPUS_VERDICTS:
        return
    hit = hit_for(purchase)
    if hit is None:
        return
    item = add_hit_to_corpus(actor, hit, purchase.verdict, source="test_purchase")
    if item is not None:
        db.session.flush()
        record(actor, "corpus.add", item,
               f"{item.kind} listing of hit {hit.id} added to the corpus by test purchase "
               f"{purchase.id}", hit_id=hit.id, purchase_id=purchase.id)
