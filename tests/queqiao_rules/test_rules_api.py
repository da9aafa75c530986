"""Rules API: make, edit with versions, lifecycle, corpus proof, export."""

import pytest

from queqiao.engine import Listing as EngineListing
from queqiao.engine import compile_rules, load_rules
from queqiao.rules.models import Rule, RuleVersion
from tests.queqiao_rules.helpers import count, make_rule

GOOD = {"name": "LV replicas", "conditions": {"all": ["LV"], "any": ["高仿", "A货"],
                                              "none": ["专柜正品"],
                                              "max_price": {"amount": 50000, "currency": "CNY"},
                                              "regions": ["广东"]}}


def test_staff_make_a_rule_in_shadow_at_version_one(people, api):
    response = api(people["staff"]).post("/api/v1/rules", json=GOOD)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "shadow" and body["version"] == 1
    assert body["conditions"]["all"] == ["lv"]  # stored normalised
    assert body["url"] == f"/queqiao/rules/{body['id']}"


@pytest.mark.parametrize("body, field", [
    ({"conditions": GOOD["conditions"]}, "name"),
    ({"name": "x"}, "conditions"),
    ({"name": "x", "conditions": {"none": ["a"]}}, "conditions.all"),
    ({"name": "x", "conditions": {"all": "gucci"}}, "conditions.all"),
    ({"name": "x", "conditions": {"all": ["  "]}}, "conditions.all"),
    ({"name": "x", "conditions": {"all": ["a"], "max_price": {"amount": -1}}}, "conditions.max_price"),
    ({"name": "x", "conditions": {"all": ["a"], "max_price": {"amount": 5, "currency": "USD"}}},
     "conditions.max_price"),
    ({"name": "x", "conditions": {"all": ["a"], "nope": []}}, "conditions"),
    ({"name": "x", "conditions": {"all": ["a"]}, "level": "extreme"}, "level"),
    ({"name": "x", "conditions": {"all": ["a"]}, "tip_id": "seven"}, "tip_id"),
])
def test_bad_rules_are_refused_field_by_field(people, api, body, field):
    response = api(people["staff"]).post("/api/v1/rules", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Rule) == 0


def test_malformed_json_is_a_400(people, api):
    client = api(people["staff"])
    response = client.client.post("/api/v1/rules", data="{", headers={
        "Authorization": f"Bearer {client.token}", "Content-Type": "application/json"})
    assert response.status_code == 400


def test_an_edit_makes_the_next_version_and_a_stale_version_is_a_conflict(people, api):
    staff = api(people["staff"])
    rule_id = staff.post("/api/v1/rules", json=GOOD).get_json()["id"]
    edited = staff.patch(f"/api/v1/rules/{rule_id}", json={
        "version": 1, "conditions": {"all": ["gucci"]}})
    assert edited.status_code == 200
    assert edited.get_json()["version"] == 2
    stale = staff.patch(f"/api/v1/rules/{rule_id}", json={
        "version": 1, "conditions": {"all": ["prada"]}})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert staff.get(f"/api/v1/rules/{rule_id}").get_json()["conditions"]["all"] == ["gucci"]
    assert count(RuleVersion, rule_id=rule_id) == 2


def test_an_edit_needs_a_version(people, api):
    staff = api(people["staff"])
    rule_id = staff.post("/api/v1/rules", json=GOOD).get_json()["id"]
    response = staff.patch(f"/api/v1/rules/{rule_id}", json={"conditions": {"all": ["x"]}})
    assert response.status_code == 422 and "version" in response.get_json()["error"]["fields"]


def test_lifecycle_shadow_active_back_to_shadow_and_retired(people, api):
    from queqiao.listings.corpus import add_corpus_listing

    # Proven: it catches its brand's one known counterfeit and no genuine listing.
    add_corpus_listing(people["staff"], "counterfeit", "LV 高仿 老花", 30000, "广东", brand="LV")
    staff = api(people["staff"])
    rule_id = staff.post("/api/v1/rules", json={**GOOD, "brand": "LV"}).get_json()["id"]
    path = f"/api/v1/rules/{rule_id}/status"
    assert staff.post(path, json={"status": "active"}).get_json()["status"] == "active"
    assert staff.post(path, json={"status": "shadow"}).get_json()["status"] == "shadow"
    assert staff.post(path, json={"status": "shadow"}).status_code == 409
    assert staff.post(path, json={"status": "active"}).status_code == 200
    assert staff.post(path, json={"status": "retired"}).get_json()["status"] == "retired"
    for status in ("active", "shadow", "retired"):
        response = staff.post(path, json={"status": status})
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "illegal_transition"
    assert staff.patch(f"/api/v1/rules/{rule_id}", json={"version": 1}).status_code == 409
    assert staff.post(path, json={"status": "paused"}).status_code == 422


def test_activating_over_genuine_corpus_hits_needs_an_override(people, api, make):
    from queqiao.listings.corpus import add_corpus_listing

    add_corpus_listing(people["staff"], "genuine", "LV 高仿 专柜 测试", 100, "广东")
    staff = api(people["staff"])
    rule_id = staff.post("/api/v1/rules", json=GOOD).get_json()["id"]
    refused = staff.post(f"/api/v1/rules/{rule_id}/status", json={"status": "active"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "genuine_hits" and error["genuine_hits"] == 1
    unexplained = staff.post(f"/api/v1/rules/{rule_id}/status",
                             json={"status": "active", "override": True})
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["error"]["fields"]
    forced = staff.post(f"/api/v1/rules/{rule_id}/status",
                        json={"status": "active", "override": True, "reason": "checked"})
    assert forced.get_json()["status"] == "active"


def test_export_holds_only_active_rules_and_loads_back_into_the_engine(people, api):
    staff_user = people["staff"]
    active = make_rule(staff_user, "active", all=["gucci"], max_price={"amount": 100,
                                                                        "currency": "CNY"})
    make_rule(staff_user, "shadow", all=["prada"])
    make_rule(staff_user, "retired", all=["dior"])
    document = api(staff_user).get("/api/v1/rules/export").get_json()
    assert [r["id"] for r in document["rules"]] == [active.id]
    rules = load_rules(document)
    matcher = compile_rules(rules)
    assert matcher.match(EngineListing("x", "GUCCI bag", 100)) == [active.id]
    assert matcher.match(EngineListing("x", "GUCCI bag", 101)) == []


def test_rule_list_filters_by_status(people, api):
    make_rule(people["staff"], "active", all=["a"])
    make_rule(people["staff"], "shadow", all=["b"])
    body = api(people["staff"]).get("/api/v1/rules?status=active").get_json()
    assert body["total"] == 1 and body["items"][0]["status"] == "active"
    assert api(people["staff"]).get("/api/v1/rules/999").status_code == 404


def test_a_racing_edit_that_slips_past_the_version_check_is_still_a_conflict(people, app):
    from portal.errors import Conflict
    from portal.extensions import db
    from queqiao.rules import services

    rule = make_rule(people["staff"])
    # Another editor's version 2 lands between this editor's check and commit.
    db.session.add(RuleVersion(rule_id=rule.id, version=2, name="other",
                               conditions=rule.conditions, created_by_id=people["staff"].id))
    try:
        services.update_rule(people["staff"], rule, {"version": 1, "conditions": {"all": ["x"]}})
    except Conflict as conflict:
        assert conflict.code == "stale_version"
    else:
        raise AssertionError("the duplicate version was stored")
    db.session.expire_all()
    assert db.session.get(Rule, rule.id).version == 1
