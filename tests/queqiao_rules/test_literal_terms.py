"""Literal terms through the API and the form: matched as written, the corpus showing
what folding them would change."""

import re

import pytest

from portal.extensions import db
from queqiao.listings.corpus import add_corpus_listing
from queqiao.rules.models import Rule
from tests.queqiao_rules.helpers import listing

QIANLONG = {"all": ["乾隆"], "none": ["後"]}


def test_a_rule_can_ask_for_literal_terms(people, api):
    body = {"name": "Qianlong coins", "conditions": {**QIANLONG, "literal": ["all", "none"]}}
    made = api(people["staff"]).post("/api/v1/rules", json=body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["conditions"]["literal"] == ["all", "none"]
    rule_id = made.get_json()["id"]
    api(people["staff"]).post(f"/api/v1/rules/{rule_id}/status", json={
        "status": "active", "override": True, "reason": "literal test"})
    hits = api(people["staff"]).post("/api/v1/scans", json={"listings": [
        listing("A", "乾隆通宝 皇后 铜钱"),  # 后 is not the literal exclusion 後
        listing("B", "干隆通宝 铜钱"),  # folded, 乾隆 would find 干隆 too
        listing("C", "乾隆通宝 後期 仿品")]}).get_json()["hits"]
    assert [h["listing_id"] for h in hits] == ["A"]


def test_without_literal_the_folds_apply(people, api):
    made = api(people["staff"]).post("/api/v1/rules", json={
        "name": "folded", "conditions": QIANLONG}).get_json()
    assert "literal" not in made["conditions"]
    body = api(people["staff"]).post(f"/api/v1/rules/{made['id']}/explain", json={
        "listing": {"title": "干隆通宝 皇后"}}).get_json()
    assert body["matched"] is False  # 後 folds to 后, and 皇后 holds it
    assert body["reasons"][1]["terms"] == ["后"]


@pytest.mark.parametrize("literal", ["yes", ["title"], [1], {"all": True}])
def test_a_bad_literal_is_refused_with_its_field(people, api, literal):
    response = api(people["staff"]).post("/api/v1/rules", json={
        "name": "x", "conditions": {**QIANLONG, "literal": literal}})
    assert response.status_code == 422
    assert "conditions.literal" in response.get_json()["error"]["fields"]


def test_the_form_takes_literal_terms_and_the_page_shows_the_corpus_difference(app, people):
    from tests.queqiao_rules.test_pages import csrf_client

    staff = people["staff"]
    add_corpus_listing(staff, "genuine", "干隆 牌 干货", None, brand="Qianlong Mint")
    add_corpus_listing(staff, "counterfeit", "乾隆通宝 复刻", None, brand="Qianlong Mint")
    client = csrf_client(app, staff)
    response = client.post("/queqiao/rules/new", data={
        "name": "Qianlong", "brand": "Qianlong Mint", "all_terms": "乾隆", "literal_all": "y",
        "level": "medium"})
    assert response.status_code == 302
    rule = db.session.query(Rule).one()
    assert rule.conditions["literal"] == ["all"]
    page = client.get(f"/queqiao/rules/{rule.id}").get_data(as_text=True)
    assert 'id="literal-conditions"' in page
    assert ("With its literal terms folded like the others, this rule would hit 1 "
            "known-genuine listings and catch 1 of 1") in page
    assert 'id="proof-refusal"' not in page  # literal, it is proven
    edit = client.get(f"/queqiao/rules/{rule.id}/edit").get_data(as_text=True)
    boxes = {m.group(1): "checked" in m.group(0)
             for m in re.finditer(r'<input[^>]*id="literal_(all|any|none)"[^>]*>', edit)}
    assert boxes == {"all": True, "any": False, "none": False}
