"""Demo test purchases: a closed joint buy, a planned one, one awaiting its verdict, a rule hit."""

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import user_by_email
from portal.demo import Scale, demo_step, scale_step
from portal.extensions import db
from portal.models import utcnow

from . import evidence, services
from .models import TestPurchase

# A 1×1 PNG, enough to show an evidence photo with its hash.
PHOTO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2"
                      "21bc330000000049454e44ae426082")


@demo_step
def demo_test_purchases() -> list[str]:
    """Create the demo purchases once."""
    maison = user_by_email("member@maison.example")
    helvetia = user_by_email("member@helvetia.example")
    staff = user_by_email("staff@platform.example")
    if not (maison and helvetia and staff):
        return []
    if db.session.scalar(select(TestPurchase.id).where(TestPurchase.seller_id == "lux-replica-88")):
        return ["  test purchases: already loaded"]
    now = utcnow()
    closed = services.propose(maison, platform="taobao", seller_id="lux-replica-88",
                              listing_url="https://item.taobao.example/lux-88",
                              working_group="luxury-goods", reason="Replica handbags at 10% of "
                              "the retail price", budget=(200_000, "CNY"))
    services.join(helvetia, closed.id, 2)
    services.schedule(maison, closed.id, scheduled_for=now + timedelta(hours=1),
                      purchaser_id=maison.id)
    services.order(maison, closed.id, order_number="TB-88-001", cost=(128_900, "CNY"))
    services.receive(maison, closed.id, received_at=None, notes="Parcel sealed, photographed")
    evidence.store_evidence(closed, maison, FileStorage(io.BytesIO(PHOTO), filename="label.png"),
                            "Label and stitching")
    db.session.commit()
    services.authenticate(helvetia, closed.id, verdict="counterfeit", method="Label and serial",
                          notes="Serial number not issued; stitching pattern wrong")
    services.authenticate(maison, closed.id, verdict="counterfeit", method="Hardware engraving",
                          notes="Clasp engraving shallow and misaligned")
    services.record_outcome(maison, closed.id, taken_down=True, seller_penalised=True,
                            value_involved=(6_200_000, "CNY"))
    services.close(maison, closed.id, summary="Counterfeit confirmed; referral prepared.")

    planned = services.propose(helvetia, platform="jd", seller_id="watch-outlet-7",
                               working_group="jewelry-accessories", reason="Watches below cost")
    services.join(maison, planned.id, 1)
    services.schedule(helvetia, planned.id, scheduled_for=now + timedelta(days=5),
                      purchaser_id=helvetia.id)

    waiting = services.propose(maison, platform="pinduoduo", seller_id="perfume-deals",
                               working_group="luxury-goods", reason="Perfume refills")
    services.schedule(maison, waiting.id, scheduled_for=now + timedelta(hours=2),
                      purchaser_id=maison.id)
    services.order(maison, waiting.id, order_number="PDD-5521", cost=(35_000, "CNY"))
    services.receive(maison, waiting.id, received_at=None, notes="")

    lines = ["  test purchases: 3 (one closed with a referral, one planned, one awaiting a verdict)"]
    # Queqiao's demo proposes one from a real rule hit (source_ref is the hit's id); without
    # it, show the shape of such a purchase rather than point a second one at that hit.
    if db.session.scalar(select(TestPurchase.id).where(TestPurchase.source_kind == "rule_hit")
                         .limit(1)) is None:
        services.propose(staff, platform="taobao", seller_id="sneaker-hub-3",
                         listing_url="https://item.taobao.example/sneaker-3",
                         working_group="sportswear-sports-equipment",
                         reason="Rule hit: logo text", source_kind="rule_hit", source_ref="1")
        lines.append("  test purchases: one more, proposed from a rule hit")
    return lines


# A year of joint purchases, per scale, by how far each got. They go through the services
# (few enough), so every step leaves its custody entry, audit record and notifications.
PURCHASE_STATES = (("proposed", 6), ("scheduled", 6), ("ordered", 4), ("received", 4),
                   ("authenticated", 4), ("closed", 20), ("cancelled", 4))
_STEPS = ("proposed", "scheduled", "ordered", "received", "authenticated", "closed")
_VERDICTS = ("counterfeit",) * 7 + ("genuine", "inconclusive")


def _walk_purchase(scale: Scale, number: int, state: str, group) -> None:
    from portal.accounts.models import User

    companies = scale.companies[group.id]
    orgs = scale.rng.sample(companies, min(len(companies), 1 + number % 3))
    people = [db.session.get(User, scale.rng.choice(scale.people[o])) for o in orgs]
    lead = people[0]
    purchase = services.propose(lead, platform=("taobao", "jd", "pinduoduo")[number % 3],
                                seller_id=f"scale-seller-{number + 1}",
                                listing_url=f"https://item.market.example/{number + 1}",
                                working_group=group.slug, reason="Far below the retail price",
                                budget=(100_000 + 10_000 * (number % 20), "CNY"))
    for other in people[1:]:
        services.join(other, purchase.id, 1)
    if state == "cancelled":
        services.cancel(lead, purchase.id, reason="The seller closed the shop.")
        return
    reached = _STEPS.index(state)
    if reached >= 1:
        services.schedule(lead, purchase.id, scheduled_for=scale.now + timedelta(days=2 + number),
                          purchaser_id=lead.id)
    if reached >= 2:
        services.order(lead, purchase.id, order_number=f"SC-{number + 1:05d}",
                       cost=(20_000 + 1_000 * (number % 50), "CNY"))
    if reached >= 3:
        services.receive(lead, purchase.id, received_at=None, notes="Parcel sealed")
    if reached >= 4:
        verdict = _VERDICTS[number % len(_VERDICTS)]
        for person in people:
            services.authenticate(person, purchase.id, verdict=verdict, method="Label and serial",
                                  notes="Checked against the brand's reference")
    if reached >= 5:
        if _VERDICTS[number % len(_VERDICTS)] == "counterfeit":
            # Past RMB 50,000 (5,000,000 fen) a referral to the authorities is due.
            value = 2_000_000 + 500_000 * (number % 17)
            services.record_outcome(lead, purchase.id, taken_down=True, seller_penalised=True,
                                    value_involved=(value, "CNY"))
        services.close(lead, purchase.id, summary="Outcome recorded.")


@scale_step
def scale_test_purchases(scale: Scale) -> list[str]:
    """Joint test purchases in every state, with verdicts, outcomes and referrals."""
    plan = [state for state, per_scale in PURCHASE_STATES for _ in range(scale.count(per_scale))]
    groups = [g for g in scale.groups if scale.companies.get(g.id)]
    for number, state in enumerate(plan):
        _walk_purchase(scale, number, state, groups[number % len(groups)])
    return [f"  test purchases: {len(plan)} more, in {len(PURCHASE_STATES)} states"]
