"""Test purchases proposed from rule hits feed the tip's feedback and the proving corpus."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from queqiao.listings.models import CorpusListing
from queqiao.scanning.models import Hit
from testbuys import hooks
from testbuys import services as testbuys
from tests.queqiao.tipkit import make_tip, tip_data
from tests.queqiao_rules.helpers import count, listing, make_rule, scan_dicts

BASE = "/api/v1/test-purchases"


def _proposal(hit_id, seller, kind="rule_hit"):
    return {"platform": "taobao", "seller_id": seller, "working_group": "luxury-goods",
            "reason": "rule hit", "source": {"kind": kind, "ref": str(hit_id)}}


def _run_to_verdict(staff, author, pid, verdict, buyer_id):
    """Through the API: the author's company joins, staff buy, the author authenticates."""
    assert author.post(f"{BASE}/{pid}/participants", json={"weight": 1}).status_code == 201
    when = (datetime.now(UTC) + timedelta(days=2 + pid)).isoformat()
    r = staff.post(f"{BASE}/{pid}/schedule", json={"scheduled_for": when, "purchaser_id": buyer_id})
    assert r.status_code == 200, r.get_json()
    r = staff.post(f"{BASE}/{pid}/order", json={"order_number": f"TB-{pid}",
                                                "cost": {"amount": 9900, "currency": "CNY"}})
    assert r.status_code == 200, r.get_json()
    assert staff.post(f"{BASE}/{pid}/receipt", json={"notes": "sealed"}).status_code == 200
    r = author.post(f"{BASE}/{pid}/authentication", json={"verdict": verdict, "method": "label"})
    assert r.status_code == 200 and r.get_json()["status"] == "authenticated", r.get_json()


def test_verdicts_of_purchases_from_rule_hits_reach_the_tip_feedback(people, api, make, as_user):
    member, staff_user = people["member"], people["staff"]
    author, staff = api(member), api(staff_user)
    made = author.post("/api/v1/tips", json=tip_data())
    assert made.status_code == 201, made.get_json()
    tip_id = made.get_json()["id"]
    r = staff.post(f"/api/v1/tips/{tip_id}/review", json={"decision": "accept"})
    assert r.get_json()["status"] == "accepted"
    r = staff.post("/api/v1/rules", json={"name": "Lumiere replicas", "tip_id": tip_id,
                                          "conditions": {"all": ["lumiere"], "any": ["高仿"]}})
    assert r.status_code == 201, r.get_json()
    rule_id = r.get_json()["id"]
    r = staff.post(f"/api/v1/rules/{rule_id}/status",
                   json={"status": "active", "override": True, "reason": "no corpus yet"})
    assert r.get_json()["status"] == "active"
    r = staff.post("/api/v1/scans", json={"listings": [
        listing(f"L{n}", title="Lumiere 高仿 手提包", seller=f"shop-{n}") for n in range(1, 4)]})
    assert len(r.get_json()["hits"]) == 3
    hits = db.session.scalars(select(Hit).where(Hit.rule_id == rule_id).order_by(Hit.id)).all()

    ids = []
    for hit in hits:
        r = staff.post(BASE, json=_proposal(hit.id, hit.seller_id))
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["source"] == {"kind": "rule_hit", "ref": str(hit.id)}
        ids.append(r.get_json()["id"])
    _run_to_verdict(staff, author, ids[0], "counterfeit", staff_user.id)
    _run_to_verdict(staff, author, ids[1], "genuine", staff_user.id)
    assert staff.post(f"{BASE}/{ids[2]}/cancel", json={"reason": "seller gone"}).status_code == 200
    # A reference that is not a hit id counts for nothing (and breaks nothing, on any database).
    assert staff.post(BASE, json=_proposal("not-a-number", "shop-x")).status_code == 201
    assert staff.post(BASE, json=_proposal(hits[0].id, "shop-y", kind="analytics")).status_code == 201

    body = author.get(f"/api/v1/tips/{tip_id}/feedback").get_json()
    assert (body["test_purchases"], body["confirmed_counterfeit"], body["confirmed_genuine"]) \
        == (2, 1, 1)
    assert body["precision"] == 0.5
    assert body["hits"] == 3
    colleague = make.make_user("member", member.organisation)
    assert api(colleague).get(f"/api/v1/tips/{tip_id}/feedback").get_json() == body
    assert api(people["outsider"]).get(f"/api/v1/tips/{tip_id}/feedback").status_code == 404

    record = author.get(f"/api/v1/organizations/{member.organisation_id}/tip-record").get_json()
    assert [w["precision"] for w in record["windows"]] == [0.5, 0.5, 0.5]

    html = as_user(member).get(f"/queqiao/tips/{tip_id}/feedback").get_data(as_text=True)
    for figure, shown in (("test_purchases", "2"), ("confirmed_counterfeit", "1"),
                          ("confirmed_genuine", "1"), ("precision", "50.0 %")):
        assert f'data-figure="{figure}">{shown}</div>' in html

    corpus = db.session.execute(select(CorpusListing.kind, CorpusListing.hit_id,
                                       CorpusListing.source).order_by(CorpusListing.id)).all()
    assert corpus == [("counterfeit", hits[0].id, "test_purchase"),
                      ("genuine", hits[1].id, "test_purchase")]


def _authenticated(people, make, verdict, **source):
    """A purchase by a member company, run to `verdict` through the services."""
    member, staff = people["member"], people["staff"]
    p = testbuys.propose(staff, platform="taobao", seller_id=source.pop("seller", "shop-1"),
                         working_group="luxury-goods", reason="check", **source)
    testbuys.join(member, p.id, 1)
    testbuys.schedule(staff, p.id, scheduled_for=datetime.now(UTC) + timedelta(days=1),
                      purchaser_id=staff.id)
    testbuys.order(staff, p.id, order_number="A-1", cost=(5000, "CNY"))
    testbuys.receive(staff, p.id, received_at=None, notes="")
    return testbuys.authenticate(member, p.id, verdict=verdict, method="serial")


@pytest.mark.parametrize("verdict", ["counterfeit", "genuine"])
def test_a_verdict_puts_the_hits_listing_into_the_corpus_once(people, make, verdict):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1", price=31000, region="浙江"))
    hit = db.session.scalars(select(Hit)).one()
    _authenticated(people, make, verdict, source_kind="rule_hit", source_ref=str(hit.id))
    item = db.session.scalars(select(CorpusListing)).one()
    assert (item.kind, item.title, item.price, item.region, item.hit_id, item.source) == (
        verdict, "GUCCI 高仿 马蒙包", 31000, "浙江", hit.id, "test_purchase")
    assert item.created_by_id == people["member"].id
    # A second purchase of the same hit with the same verdict adds nothing more.
    _authenticated(people, make, verdict, source_kind="rule_hit", source_ref=str(hit.id),
                   seller="shop-1-again")
    assert count(CorpusListing) == 1


def test_a_hit_already_marked_taken_down_is_not_added_twice(people, make, api):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1"))
    hit = db.session.scalars(select(Hit)).one()
    api(people["staff"]).post(f"/api/v1/hits/{hit.id}/outcome", json={"outcome": "taken_down"})
    _authenticated(people, make, "counterfeit", source_kind="rule_hit", source_ref=str(hit.id))
    assert count(CorpusListing, kind="counterfeit", hit_id=hit.id) == 1


@pytest.mark.parametrize("kind, ref", [("member", "{hit}"), ("analytics", ""),
                                       ("rule_hit", "{missing}"), ("rule_hit", "hit-{hit}"),
                                       ("rule_hit", "9" * 60)])
def test_purchases_not_from_a_known_hit_change_nothing(people, make, kind, ref):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1"))
    hit_id = db.session.scalars(select(Hit.id)).one()
    ref = ref.format(hit=hit_id, missing=hit_id + 1000)
    purchase = _authenticated(people, make, "counterfeit", source_kind=kind, source_ref=ref)
    assert purchase.verdict == "counterfeit"
    assert count(CorpusListing) == 0


def test_an_inconclusive_verdict_counts_but_feeds_no_corpus(people, make, api):
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    rule = make_rule(people["staff"], "active")
    rule.tip_id = tip.id
    db.session.commit()
    scan_dicts(people["staff"], listing("L1"))
    hit = db.session.scalars(select(Hit)).one()
    _authenticated(people, make, "inconclusive", source_kind="rule_hit", source_ref=str(hit.id))
    body = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    assert (body["test_purchases"], body["inconclusive"], body["precision"]) == (1, 1, None)
    assert count(CorpusListing) == 0


def test_listeners_run_inside_the_verdicts_transaction(people, make):
    seen = []

    def listener(purchase, actor):
        seen.append((purchase.id, purchase.verdict, actor.id))
        raise RuntimeError("listener failed")

    hooks.on_authenticated(listener)
    try:
        with pytest.raises(RuntimeError):
            _authenticated(people, make, "genuine", source_kind="member")
    finally:
        hooks.off_authenticated(listener)
    db.session.rollback()
    from testbuys.models import TestPurchase

    purchase = db.session.scalars(select(TestPurchase)).one()
    assert seen == [(purchase.id, "genuine", people["member"].id)]
    assert purchase.status == "received" and purchase.verdict is None


def test_the_demo_shows_a_tip_with_a_test_purchase_verdict(runner, as_user):
    from portal.accounts.models import user_by_email
    from queqiao.tips.feedback import feedback_for
    from queqiao.tips.models import Tip
    from testbuys.models import TestPurchase

    for _ in range(2):  # idempotent: the second run adds nothing
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    tip = db.session.scalars(select(Tip).where(Tip.status == "accepted")).one()
    feedback = feedback_for(tip)
    assert (feedback["test_purchases"], feedback["confirmed_counterfeit"],
            feedback["precision"]) == (1, 1, 1.0)
    assert count(TestPurchase, source_kind="rule_hit") == 1
    assert count(CorpusListing, source="test_purchase", kind="counterfeit") == 1
    html = as_user(user_by_email("member@maison.example")).get(
        f"/queqiao/tips/{tip.id}/feedback").get_data(as_text=True)
    assert 'data-figure="confirmed_counterfeit">1</div>' in html


def test_a_purchase_of_another_seller_does_not_count_for_the_hit(people, make, api):
    """A hit reference alone proves nothing: only a buy from the hit's seller feeds back."""
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    rule = make_rule(people["staff"], "active")
    rule.tip_id = tip.id
    db.session.commit()
    scan_dicts(people["staff"], listing("L1", seller="shop-1"))
    hit = db.session.scalars(select(Hit)).one()
    _authenticated(people, make, "genuine", source_kind="rule_hit", source_ref=str(hit.id),
                   seller="someone-elses-shop")
    body = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    assert (body["test_purchases"], body["confirmed_genuine"], body["precision"]) == (0, 0, None)
    assert count(CorpusListing) == 0
    # The same verdict on the hit's own seller does count.
    _authenticated(people, make, "genuine", source_kind="rule_hit", source_ref=str(hit.id),
                   seller="shop-1")
    body = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    assert (body["test_purchases"], body["confirmed_genuine"]) == (1, 1)
    assert count(CorpusListing, kind="genuine", hit_id=hit.id) == 1


def test_a_hit_that_records_its_platform_counts_only_buys_on_that_platform(people, make, api):
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    rule = make_rule(people["staff"], "active")
    rule.tip_id = tip.id
    db.session.commit()
    scan_dicts(people["staff"], listing("L1", seller="shop-1"))
    hit = db.session.scalars(select(Hit)).one()
    hit.snapshot = {**hit.snapshot, "platform": "jd"}
    db.session.commit()
    _authenticated(people, make, "counterfeit", source_kind="rule_hit", source_ref=str(hit.id))
    body = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    assert body["test_purchases"] == 0
    assert count(CorpusListing) == 0
