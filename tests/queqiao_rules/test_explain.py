"""Explaining a rule's verdict on a listing: the engine's verdict, condition by condition,
in the reader's language, through the API, the dry-run page and a hit's page."""

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queqiao.engine import Listing, compile_rules, explain, reference_match
from queqiao.listings.gazetteer import listing_region
from queqiao.rules.conditions import parse_conditions, spec_for
from tests.queqiao_rules.helpers import listing, make_rule, scan_dicts

GD_RULE = {"all": ["gucci", "马蒙"], "any": ["高仿", "1:1"], "none": ["专柜正品"],
           "max_price": {"amount": 50000, "currency": "CNY"}, "regions": ["CN-GD"]}


def reasons(body):
    return {r["condition"]: r for r in body["reasons"]}


def explained(api, user, rule_id, **item):
    return api(user).post(f"/api/v1/rules/{rule_id}/explain", json={"listing": item})


def test_a_matching_listing_passes_every_condition(people, api):
    rule = make_rule(people["staff"], **GD_RULE)
    response = explained(api, people["staff"], rule.id, title="GUCCI 马蒙 高仿",
                         price={"amount": 30000, "currency": "CNY"}, region="深圳市")
    assert response.status_code == 200
    body = response.get_json()
    assert body["matched"] is True
    assert [r["condition"] for r in body["reasons"]] == ["all", "any", "none", "max_price",
                                                         "regions"]
    assert all(r["ok"] for r in body["reasons"])
    assert reasons(body)["any"]["terms"] == ["高仿"]
    assert reasons(body)["regions"]["region"] == "CN-440300"
    assert "Shenzhen" in reasons(body)["regions"]["detail"]


def test_each_failing_condition_says_what_failed(people, api):
    rule = make_rule(people["staff"], **GD_RULE)
    body = explained(api, people["staff"], rule.id, title="Gucci 专柜正品 包",
                     price={"amount": 80000, "currency": "CNY"}, region="福建").get_json()
    assert body["matched"] is False
    why = reasons(body)
    assert why["all"] == {"condition": "all", "ok": False, "terms": ["马蒙"],
                          "detail": "The title lacks the required terms: 马蒙."}
    assert not why["any"]["ok"] and why["any"]["detail"] == "The title contains none of: 高仿, 1:1."
    assert not why["none"]["ok"] and why["none"]["terms"] == ["专柜正品"]
    assert why["none"]["detail"] == "The title contains the exclusion: 专柜正品."
    assert why["max_price"]["detail"] == "The price ¥800.00 is above ¥500.00."
    assert why["max_price"]["price"] == {"amount": 80000, "currency": "CNY"}
    assert why["regions"]["detail"] == "The region Fujian is not within: Guangdong."


def test_no_price_and_no_region_are_told(people, api):
    rule = make_rule(people["staff"], **GD_RULE)
    why = reasons(explained(api, people["staff"], rule.id, title="gucci 马蒙 1:1").get_json())
    assert why["max_price"]["detail"] == ("The listing has no price; the rule asks for "
                                          "¥500.00 at most.")
    assert why["regions"]["detail"] == ("The listing names no region; the rule asks for one "
                                        "of: Guangdong.")


def test_the_explanation_reads_in_the_callers_language(people, api):
    rule = make_rule(people["staff"], **GD_RULE)
    body = api(people["staff"]).post(f"/api/v1/rules/{rule.id}/explain", json={"listing": {
        "title": "Gucci 专柜正品", "price": {"amount": 80000, "currency": "CNY"},
        "region": "福建"}}, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()
    why = reasons(body)
    assert [r["condition"] for r in body["reasons"]] == ["all", "any", "none", "max_price",
                                                         "regions"]
    assert why["all"]["detail"] == "标题缺少必需的词：马蒙。"
    assert why["regions"]["detail"] == "地区 福建 不在以下范围内：广东。"


@pytest.mark.parametrize("body, field", [
    ({}, "listing"), ({"listing": "gucci"}, "listing"), ({"listing": {"price": 5}}, "listing.title"),
    ({"listing": {"title": "x", "price": "cheap"}}, "listing.price"),
])
def test_a_bad_listing_is_refused_with_its_field(people, api, body, field):
    rule = make_rule(people["staff"])
    response = api(people["staff"]).post(f"/api/v1/rules/{rule.id}/explain", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_explaining_a_rule_that_does_not_exist_is_404(people, api):
    response = explained(api, people["staff"], 999, title="gucci")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["member", "outsider", "chair", "admin"])
def test_only_staff_may_explain_a_rule(people, api, role):
    rule = make_rule(people["staff"])
    # Rules are platform staff's: every other role's call is refused whether or not the
    # rule exists, so the answer tells nothing about which rules there are.
    assert explained(api, people[role], rule.id, title="gucci").status_code == 403
    assert explained(api, people[role], 999, title="gucci").status_code == 403
    assert api(None).post(f"/api/v1/rules/{rule.id}/explain",
                          json={"listing": {"title": "x"}}).status_code == 401


def test_the_explanation_agrees_with_a_scan(people, api):
    rule = make_rule(people["staff"], "active", **GD_RULE)
    items = [listing("A", "GUCCI 马蒙 高仿", 30000, region="廣東"),
             listing("B", "GUCCI 马蒙 高仿", 30000, region="浙江"),
             listing("C", "GUCCI 马蒙 专柜正品 高仿", 30000),
             listing("D", "gucci 马蒙 1:1", 60000, region="Guangzhou")]
    hits = api(people["staff"]).post("/api/v1/scans", json={"listings": items}).get_json()["hits"]
    for item in items:
        body = explained(api, people["staff"], rule.id, **item).get_json()
        assert body["matched"] == any(h["listing_id"] == item["id"] for h in hits), item


# --- the engine's verdict, told ------------------------------------------------------

WORDS = ["gucci", "GUCCI", "古驰", "高仿", "原单", "1:1", "专柜正品", "專櫃正品", "劳力士", "勞力士",
         "水鬼", "茅台", "飞天", "飛天", "马蒙", "包", " ", "高 仿"]
REGIONS = [None, "贵州", "貴州省", "guizhou", "Guiyang", "遵义市", "广东", "Shanghai", "海外仓"]


@lru_cache(maxsize=1)
def demo_rules():
    """The demo's rules as stored, and their compiled engine.

    Imported late: importing the demo module registers its steps, and at collection time
    that would put them before the steps of the parts loaded with the app."""
    from queqiao.rules.demo import DEMO_RULES

    specs = [spec_for(number, parse_conditions(conditions), 1)
             for number, (_name, conditions, _status) in enumerate(DEMO_RULES, start=1)]
    return specs, compile_rules(specs)


demo_listings = st.builds(
    Listing, id=st.just("x"),
    title=st.lists(st.sampled_from(WORDS), max_size=6).map("".join),
    price=st.none() | st.integers(0, 300_000),
    region=st.sampled_from(REGIONS).map(listing_region))


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(demo_listings)
def test_explain_agrees_with_the_engine_on_the_demo_rules(app, item):
    specs, matcher = demo_rules()
    found = set(matcher.match(item))
    for spec in specs:
        result = explain(spec, item)
        assert result.matched == (spec.id in found) == reference_match(spec, item)
        assert result.matched == all(reason.ok for reason in result.reasons)


def test_the_demo_moutai_rule_takes_in_the_cities_of_guizhou(app):
    specs, matcher = demo_rules()
    item = Listing("x", "茅台 飞天", 100_000, listing_region("遵义市"))
    assert explain(specs[2], item).matched and matcher.match(item) == [3]


# --- pages ---------------------------------------------------------------------------


def test_the_dry_run_page_explains_a_miss_for_the_rule_asked_about(app, people):
    from tests.queqiao_rules.test_pages import csrf_client

    rule = make_rule(people["staff"], "active", **GD_RULE)
    client = csrf_client(app, people["staff"])
    page = client.post("/queqiao/dry-run", data={
        "listings": "GUCCI 马蒙 高仿 | 300 | 深圳\nGUCCI 马蒙 专柜正品 高仿 | 300 | 广东",
        "explain_rule": str(rule.id)}).get_data(as_text=True)
    assert "The title contains the exclusion: 专柜正品." in page
    assert "Does not match" in page and "Matches" in page
    assert "The region Shenzhen is within: Guangdong." in page


def test_a_hits_page_explains_why_its_rule_matched(app, people):
    from portal.extensions import db
    from queqiao.scanning.models import Hit
    from tests.queqiao_rules.test_pages import csrf_client

    make_rule(people["staff"], "active", **GD_RULE)
    scan_dicts(people["staff"], listing("L1", "GUCCI 马蒙 1:1", 30000, region="广州"))
    hit = db.session.query(Hit).one()
    page = csrf_client(app, people["staff"]).get(f"/queqiao/hits/{hit.id}").get_data(as_text=True)
    assert 'id="hit-explanation"' in page
    assert "The title contains 1:1." in page and "The price ¥300.00 is at most ¥500.00." in page
