"""Rules made from accepted tips, and what they did told back to the tip's organisation."""

from queqiao.rules.models import Rule
from queqiao.scanning.models import Hit
from tests.queqiao.tipkit import make_tip
from tests.queqiao_rules.helpers import count, listing, make_rule, scan_dicts


def test_new_rule_form_is_prefilled_from_an_accepted_tip(people, as_user):
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    page = as_user(people["staff"]).get(f"/queqiao/rules/new?tip_id={tip.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Maison Lumière" in html and "lumiere outlet" in html and "正品保证" in html
    assert 'value="1500.00"' in html and "Guangdong" in html
    index = as_user(people["staff"]).get("/queqiao/rules").get_data(as_text=True)
    assert f"/queqiao/rules/new?tip_id={tip.id}" in index


def test_only_accepted_tips_can_feed_a_rule(people, api):
    submitted = make_tip(people["member"])
    accepted = make_tip(people["member"], status="accepted", staff=people["staff"])
    staff = api(people["staff"])
    body = {"name": "r", "conditions": {"all": ["x"]}}
    assert staff.post("/api/v1/rules", json={**body, "tip_id": submitted.id}).status_code == 422
    assert staff.post("/api/v1/rules", json={**body, "tip_id": 99999}).status_code == 422
    made = staff.post("/api/v1/rules", json={**body, "tip_id": accepted.id})
    assert made.status_code == 201 and made.get_json()["tip_id"] == accepted.id
    assert count(Rule, tip_id=accepted.id) == 1


def test_tip_feedback_counts_rules_active_hits_and_outcomes_for_the_authors_only(people, api):
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    shadow = make_rule(people["staff"], "shadow", all=["马蒙"])
    active = make_rule(people["staff"], "active")
    for rule in (shadow, active):
        rule.tip_id = tip.id
    from portal.extensions import db

    db.session.commit()
    make_rule(people["staff"], "active", name="not from the tip", all=["gucci"])
    scan_dicts(people["staff"], listing("L1"), listing("L2"), listing("L3"))
    hits = db.session.query(Hit).filter_by(rule_id=active.id).order_by(Hit.id).all()
    staff = api(people["staff"])
    staff.post(f"/api/v1/hits/{hits[0].id}/outcome", json={"outcome": "taken_down"})
    staff.post(f"/api/v1/hits/{hits[1].id}/outcome", json={"outcome": "false_positive"})

    feedback = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback")
    assert feedback.status_code == 200
    body = feedback.get_json()
    assert (body["rules"], body["hits"], body["taken_down"]) == (2, 3, 1)
    assert body.get("false_positives", 1) == 1
    assert api(people["outsider"]).get(f"/api/v1/tips/{tip.id}/feedback").status_code == 404
