"""Demo rules, corpus and hits so the demo alliance shows the feature working."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.access import platform_staff
from portal.authz import can
from portal.demo import Scale, bulk_audit, bulk_insert, demo_step, scale_step
from portal.errors import Conflict
from portal.extensions import db
from queqiao.listings.corpus import add_corpus_listing
from queqiao.listings.models import CorpusListing
from queqiao.scanning.models import Hit
from queqiao.tips.models import Tip

from .conditions import parse_conditions
from .models import Rule, RuleVersion

DEMO_RULES = [
    ("Gucci bags with counterfeit markers", {"all": ["gucci"], "any": ["高仿", "原单", "1:1"],
                                            "none": ["专柜正品"]}, "active"),
    ("Cheap Rolex Submariner", {"all": ["劳力士", "水鬼"],
                                "max_price": {"amount": 200000, "currency": "CNY"}}, "active"),
    ("Moutai below retail in Guizhou", {"all": ["茅台", "飞天"], "regions": ["贵州"],
                                        "max_price": {"amount": 150000, "currency": "CNY"}},
     "shadow"),
]
DEMO_BRANDS = ["Gucci", "Rolex", "Moutai"]
DEMO_CORPUS = [
    ("genuine", "Gucci 官方旗舰店 专柜正品 马蒙包", 2350000, "上海", "Gucci"),
    ("genuine", "劳力士 水鬼 116610LN 国行", 7800000, "北京", "Rolex"),
    ("counterfeit", "GUCCI 高仿 马蒙包 1:1", 35000, "广东", "Gucci"),
    ("counterfeit", "劳力士水鬼 超A 复刻", 80000, "广东", "Rolex"),
]
DEMO_LISTINGS = [
    {"id": "demo-1001", "title": "GUCCI 高仿 马蒙包 老花 原单", "price": 38000, "seller_id": "shop-881",
     "region": "广东", "url": "https://market.example/item/1001"},
    {"id": "demo-1002", "title": "劳力士 水鬼 绿水鬼 机械表 男士", "price": 99000,
     "seller_id": "shop-412", "region": "福建", "url": "https://market.example/item/1002"},
    {"id": "demo-1003", "title": "Gucci 专柜正品 1:1 包装", "price": 500000, "seller_id": "shop-7",
     "region": "上海", "url": "https://market.example/item/1003"},
]


@demo_step
def demo_rules() -> list[str]:
    """Three rules, a small corpus and the hits of a first scan (idempotent)."""
    from queqiao.listings.readers import read_listing
    from queqiao.scanning.services import scan

    from . import services

    staff = next(iter(platform_staff()), None)
    if staff is None or db.session.scalar(select(Rule.id).limit(1)) is not None:
        return []
    tip_id = db.session.scalar(select(Tip.id).where(Tip.status == "accepted").order_by(Tip.id))
    if db.session.scalar(select(CorpusListing.id).limit(1)) is None:
        for kind, title, price, region, brand in DEMO_CORPUS:
            add_corpus_listing(staff, kind, title, price, region, brand=brand)
    for number, (name, conditions, status) in enumerate(DEMO_RULES):
        values = {"name": name, "conditions": conditions, "brand": DEMO_BRANDS[number]}
        if number == 0 and tip_id is not None:
            values["tip_id"] = tip_id  # so the tip's authors see feedback in the demo
        rule = services.create_rule(staff, values)
        if status == "active":  # each is proven on its brand's counterfeits in the corpus
            try:
                services.change_status(staff, rule, "active")
            except Conflict:  # a corpus kept from before the demo does not prove it
                services.change_status(staff, rule, "active", override=True,
                                       reason="Demo rule")
    result = scan(staff, [read_listing(item) for item in DEMO_LISTINGS])
    return [f"Rules: {len(DEMO_RULES)} demo rules, {result.new_hits} hits"]


@demo_step
def demo_test_purchase_from_hit() -> list[str]:
    """A test purchase of a seller found by a tip's rule, authenticated counterfeit (idempotent).

    Runs after the rules step, so the tip's feedback shows a verdict and the corpus gains
    the confirmed listing.
    """
    from flask import current_app

    from portal.accounts.models import user_by_email
    from queqiao.scanning.models import Hit
    from testbuys import services as testbuys
    from testbuys.models import TestPurchase

    staff = user_by_email("staff@platform.example")
    hit = db.session.scalars(select(Hit).join(Rule, Hit.rule_id == Rule.id)
                             .where(Rule.tip_id.is_not(None), Hit.mode == "active")
                             .order_by(Hit.id)).first()
    if staff is None or hit is None or db.session.scalar(select(TestPurchase.id).where(
            TestPurchase.source_kind == "rule_hit", TestPurchase.source_ref == str(hit.id))):
        return []
    from portal.models import utcnow
    from queqiao.tips.models import Tip

    author = db.session.get(Tip, hit.rule.tip_id).author
    if not can(author, "member_side"):
        return []

    snapshot = hit.snapshot or {}
    purchase = testbuys.propose(
        staff, platform=current_app.config["QUEQIAO_PLATFORM"],
        seller_id=hit.seller_id or snapshot.get("seller_id") or f"hit-{hit.id}",
        listing_url=snapshot.get("url") or "", working_group="luxury-goods",
        reason=f"Rule hit: {hit.title}", budget=(50_000, "CNY"), source_kind="rule_hit",
        source_ref=str(hit.id))
    testbuys.join(author, purchase.id, 1)
    testbuys.schedule(staff, purchase.id, scheduled_for=utcnow() + timedelta(hours=3),
                      purchaser_id=staff.id)
    testbuys.order(staff, purchase.id, order_number=f"MK-{hit.id:04d}", cost=(38_000, "CNY"))
    testbuys.receive(staff, purchase.id, received_at=None, notes="Dust bag without serial card")
    testbuys.authenticate(author, purchase.id, verdict="counterfeit", method="Heat stamp and "
                          "stitching", notes="Heat stamp without the accent; 9 stitches per inch")
    return [f"  rule hit {hit.id}: test purchase authenticated counterfeit (tip feedback)"]


STAFF_RULES_PER_SCALE = 20  # rules from the platform's own analytics, beside those from tips
HITS_PER_ACTIVE_RULE = 40
HITS_PER_SHADOW_RULE = 10
_RULE_STATES = ("active", "active", "active", "shadow", "retired")


def _rule_rows(scale: Scale) -> list[dict]:
    """A rule for each accepted tip, and some of staff's own, in every state."""
    tips = db.session.execute(select(Tip.id, Tip.title, Tip.keywords, Tip.decided_at)
                              .where(Tip.status == "accepted").order_by(Tip.id)).all()
    sources = [(tip.id, tip.title, tip.keywords, tip.decided_at) for tip in tips]
    sources += [(None, f"Analytics pattern {k + 1}", ["高仿", f"pattern{k + 1}"], scale.ago(360))
                for k in range(scale.count(STAFF_RULES_PER_SCALE))]
    rows = []
    for number, (tip_id, title, keywords, made_at) in enumerate(sources):
        status = _RULE_STATES[number % len(_RULE_STATES)]
        made_at = made_at or scale.ago(360)
        rows.append({"name": title[:200], "tip_id": tip_id, "status": status,
                     "version": 1 + number % 2,
                     # normalised and complete, as a rule made through the API stores them
                     "conditions": parse_conditions({"any": list(keywords)}),
                     "level": ("low", "medium", "high")[number % 3],
                     "created_by_id": scale.rng.choice(scale.staff), "created_at": made_at,
                     "updated_at": made_at + timedelta(days=3),
                     "status_changed_at": made_at + timedelta(days=3)})
    return rows


def _hit_rows(scale: Scale, rule_id: int, rule: dict) -> list[dict]:
    count = {"active": HITS_PER_ACTIVE_RULE, "shadow": HITS_PER_SHADOW_RULE}.get(rule["status"],
                                                                               HITS_PER_SHADOW_RULE)
    rows = []
    for k in range(count):
        at = rule["created_at"] + (scale.now - rule["created_at"]) * scale.rng.random()
        outcome = None
        if rule["status"] != "shadow":
            outcome = scale.rng.choices(("taken_down", "false_positive", None), (70, 8, 22))[0]
        seller = f"shop-{scale.rng.randrange(1, 4000 * max(1, round(scale.factor)))}"
        listing = f"item-{rule_id}-{k}"
        title = f"{rule['conditions']['any'][0]} {rule['name'][:60]}"
        price = scale.rng.randrange(2_000, 80_000)
        rows.append({"rule_id": rule_id, "rule_version": rule["version"],
                     "mode": "shadow" if rule["status"] == "shadow" else "active",
                     "listing_id": listing, "seller_id": seller, "title": title,
                     "snapshot": {"id": listing, "title": title,
                                  "price": {"amount": price, "currency": "CNY"},
                                  "seller_id": seller, "region": "广东",
                                  "url": f"https://market.example/item/{listing}"},
                     "outcome": outcome, "created_at": at,
                     "outcome_at": at + timedelta(hours=scale.rng.uniform(1, 30)) if outcome
                     else None,
                     "outcome_by_id": scale.rng.choice(scale.staff) if outcome else None})
    return rows


@scale_step
def scale_rules(scale: Scale) -> list[str]:
    """Rules in every state with their versions, and a year of hits with their outcomes."""
    rules = _rule_rows(scale)
    ids = bulk_insert(Rule, rules)
    bulk_insert(RuleVersion, [
        {"rule_id": rule_id, "version": v, "name": rule["name"], "conditions": rule["conditions"],
         "created_by_id": rule["created_by_id"], "created_at": rule["created_at"]}
        for rule_id, rule in zip(ids, rules, strict=True) for v in range(1, rule["version"] + 1)])
    bulk_audit(scale, [(rule["created_by_id"], "rule.create", "Rule", rule_id,
                        f"Rule {rule_id} created", rule["created_at"])
                       for rule_id, rule in zip(ids, rules, strict=True)])
    hits = [row for rule_id, rule in zip(ids, rules, strict=True)
            for row in _hit_rows(scale, rule_id, rule)]
    bulk_insert(Hit, hits, chunk=5000)
    return [f"  rules: {len(rules)} rules, {len(hits)} hits "
            f"({sum(1 for h in hits if h['outcome'] == 'taken_down')} taken down)"]
