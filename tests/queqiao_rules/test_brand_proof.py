"""A rule is proven on its own brand's known counterfeits: activation needs a share of them
caught and no known-genuine listing hit, or an override with a reason the audit log keeps."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from queqiao.listings.corpus import add_corpus_listing
from queqiao.listings.models import CorpusListing
from queqiao.rules.models import Rule
from queqiao.rules.services import corpus_results
from tests.queqiao_rules.helpers import listing, make_rule, scan_dicts

GUCCI = {"all": ["gucci"], "any": ["高仿", "1:1"]}


@pytest.fixture
def corpus(people):
    staff = people["staff"]
    for title in ("GUCCI 高仿 马蒙包", "gucci 1:1 酒神包", "古驰 老花 复刻"):
        add_corpus_listing(staff, "counterfeit", title, 30000, "广东", brand="Gucci")
    add_corpus_listing(staff, "counterfeit", "劳力士 水鬼 复刻", 80000, "广东", brand="Rolex")
    add_corpus_listing(staff, "genuine", "Gucci 官方旗舰店 马蒙包", 2350000, "上海", brand="Gucci")


def make(people, api, brand="Gucci", **conditions):
    body = {"name": "Gucci markers", "brand": brand, "conditions": conditions or GUCCI}
    return api(people["staff"]).post("/api/v1/rules", json=body).get_json()["id"]


def activate(people, api, rule_id, **extra):
    return api(people["staff"]).post(f"/api/v1/rules/{rule_id}/status",
                                     json={"status": "active", **extra})


def test_only_the_rules_own_brand_counts_as_missed(people, corpus):
    rule = make_rule(people["staff"], **GUCCI)
    rule.brand = "gucci"  # brands compare without case
    proof = corpus_results(rule)
    assert [i.title for i in proof.counterfeit_hits] == ["GUCCI 高仿 马蒙包", "gucci 1:1 酒神包"]
    assert [i.title for i in proof.counterfeit_missed] == ["古驰 老花 复刻"]  # not the Rolex
    assert proof.recall == pytest.approx(2 / 3)


def test_a_rule_catching_enough_of_its_brands_fakes_is_activated(people, api, app, corpus):
    app.config["RULE_ACTIVATION_MIN_RECALL"] = 0.6
    response = activate(people, api, make(people, api))
    assert response.status_code == 200 and response.get_json()["status"] == "active"


def test_a_rule_catching_too_few_is_refused_with_the_figures(people, api, app, corpus):
    app.config["RULE_ACTIVATION_MIN_RECALL"] = 0.8
    response = activate(people, api, make(people, api))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "proof_failed"
    assert (error["counterfeits_caught"], error["counterfeits_known"]) == (2, 3)
    assert error["min_recall"] == 0.8 and error["brand"] == "Gucci"
    assert "2 of the 3 known counterfeits of Gucci" in error["message"]


def test_a_rule_catching_none_of_its_brands_fakes_is_refused(people, api, corpus):
    rule_id = make(people, api, "Rolex", all=["欧米茄"])
    response = activate(people, api, rule_id)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "proof_failed"
    assert response.get_json()["error"]["counterfeits_caught"] == 0
    assert db.session.get(Rule, rule_id).status == "shadow"


def test_a_brand_without_known_fakes_or_a_rule_without_brand_proves_nothing(people, api, corpus):
    for brand, told in (("Prada", "No known counterfeits of Prada"), ("", "names no brand")):
        response = activate(people, api, make(people, api, brand, all=["prada"]))
        assert response.status_code == 409, brand
        assert response.get_json()["error"]["code"] == "proof_failed"
        assert told in response.get_json()["error"]["message"]


def test_hitting_a_known_genuine_listing_is_refused_first(people, api, corpus):
    response = activate(people, api, make(people, api, all=["gucci"]))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "genuine_hits"


def test_an_override_needs_a_reason_and_the_audit_log_keeps_it(people, api, corpus):
    rule_id = make(people, api, "Rolex", all=["欧米茄"])
    for body in ({"override": True}, {"override": True, "reason": "   "}):
        response = activate(people, api, rule_id, **body)
        assert response.status_code == 422
        assert "reason" in response.get_json()["error"]["fields"]
    response = activate(people, api, rule_id, override=True,
                        reason="New Omega replicas, no corpus yet")
    assert response.status_code == 200 and response.get_json()["status"] == "active"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rule.activate")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.details["override"] is True
    assert event.details["reason"] == "New Omega replicas, no corpus yet"


def test_a_rule_from_a_tip_is_proven_on_the_tips_brand(people, api):
    from tests.queqiao.tipkit import make_tip

    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    body = {"name": "from tip", "tip_id": tip.id, "conditions": {"all": ["lumiere"]}}
    made = api(people["staff"]).post("/api/v1/rules", json=body).get_json()
    assert made["brand"] == tip.brand


def test_the_page_shows_why_activation_is_refused_and_takes_an_override(app, people, corpus):
    from tests.queqiao_rules.test_pages import csrf_client

    rule = make_rule(people["staff"], all=["欧米茄"])
    rule.brand = "Rolex"
    db.session.commit()
    client = csrf_client(app, people["staff"])
    page = client.get(f"/queqiao/rules/{rule.id}").get_data(as_text=True)
    assert 'id="proof-refusal"' in page and "0 of the 1 known counterfeits of Rolex" in page
    refused = client.post(f"/queqiao/rules/{rule.id}/status", data={"status": "active"},
                          follow_redirects=True).get_data(as_text=True)
    assert "0 of the 1 known counterfeits of Rolex" in refused
    no_reason = client.post(f"/queqiao/rules/{rule.id}/status", follow_redirects=True,
                            data={"status": "active", "override": "y"}).get_data(as_text=True)
    assert "Say why the rule may go live" in no_reason
    assert db.session.get(Rule, rule.id).status == "shadow"
    client.post(f"/queqiao/rules/{rule.id}/status",
                data={"status": "active", "override": "y", "reason": "urgent takedown wave"})
    db.session.expire_all()
    assert db.session.get(Rule, rule.id).status == "active"


def test_hits_taken_down_join_the_corpus_under_the_rules_brand(people):
    rule = make_rule(people["staff"], "active", **GUCCI)
    rule.brand = "Gucci"
    db.session.commit()
    scan_dicts(people["staff"], listing("L1"))
    from queqiao.scanning.models import Hit
    from queqiao.scanning.services import set_outcome

    set_outcome(people["staff"], db.session.query(Hit).one(), "taken_down")
    item = db.session.scalars(select(CorpusListing)).one()
    assert (item.kind, item.brand, item.source) == ("counterfeit", "Gucci", "outcome")


def test_the_corpus_page_keeps_listings_per_brand(app, people, corpus):
    from tests.queqiao_rules.test_pages import csrf_client

    client = csrf_client(app, people["staff"])
    client.post("/queqiao/rules/corpus", data={"kind": "counterfeit", "title": "LV 高仿",
                                               "brand": "Louis Vuitton"})
    assert db.session.scalar(select(CorpusListing.brand).where(
        CorpusListing.title == "LV 高仿")) == "Louis Vuitton"
    page = client.get("/queqiao/rules/corpus?brand=rolex").get_data(as_text=True)
    assert "劳力士 水鬼 复刻" in page and "GUCCI 高仿 马蒙包" not in page
