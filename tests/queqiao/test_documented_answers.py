"""Queqiao's answers are exactly what the OpenAPI document says, for data the demo alliance
does not hold: hits with and without outcomes and listing fields, rules with every
condition and literal terms, tips with their whole history, evidence, conversation,
feedback and a contributor's track record."""

import io
from datetime import timedelta

import pytest

from portal.models import utcnow
from queqiao.tips import services as tip_services
from queqiao.tips.feedback import FeedbackEvent
from tests.queqiao.tipkit import PNG, feedback_source, make_tip
from tests.queqiao_rules.helpers import listing, make_rule
from tests.support.documented import assert_documented


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_hits_are_as_documented(people, api, document):
    rule = make_rule(people["staff"], "active")
    staff = api(people["staff"])
    bare = {"id": 7001, "title": "GUCCI 高仿 马蒙包"}  # a number id, no price, seller, region
    r = staff.post("/api/v1/scans", json={"listings": [listing("L1"), bare]})
    assert r.status_code == 200 and r.get_json()["new_hits"] == 2
    hits = assert_documented(document, "get", "/hits", staff.get("/api/v1/hits"), 200)
    assert {h["listing"]["price"] is None for h in hits["items"]} == {True, False}
    first = hits["items"][0]["id"]
    done = assert_documented(document, "post", "/hits/{hit_id}/outcome",
                             staff.post(f"/api/v1/hits/{first}/outcome",
                                        json={"outcome": "taken_down"}), 200)
    assert done["outcome"] == "taken_down" and done["outcome_at"]
    assert_documented(document, "get", "/hits/{hit_id}", staff.get(f"/api/v1/hits/{first}"), 200)
    listed = assert_documented(document, "get", "/rules/{rule_id}/hits",
                               staff.get(f"/api/v1/rules/{rule.id}/hits"), 200)
    assert listed["total"] == 2


def test_rules_and_their_export_are_as_documented(people, api, document):
    make_rule(people["staff"], "active", all=["gucci"], any=["高仿"], none=["正品"],
              max_price={"amount": 50000, "currency": "CNY"}, regions=["广东"],
              literal=["none"])
    make_rule(people["staff"], "shadow", name="Plain", any=["复刻"])
    staff = api(people["staff"])
    rules = assert_documented(document, "get", "/rules", staff.get("/api/v1/rules"), 200)
    assert {("literal" in r["conditions"]) for r in rules["items"]} == {True, False}
    exported = assert_documented(document, "get", "/rules/export",
                                 staff.get("/api/v1/rules/export"), 200)
    assert exported["rules"][0]["literal"] == ["none"]


def test_a_tip_with_its_whole_history_is_as_documented(people, api, document):
    member, staff_user = people["member"], people["staff"]
    tip = make_tip(member)
    author = api(member)
    r = author.client.post(f"/api/v1/tips/{tip.id}/attachments",
                           headers={"Authorization": f"Bearer {author.token}"},
                           data={"file": (io.BytesIO(PNG), "proof.png")},
                           content_type="multipart/form-data")
    assert_documented(document, "post", "/tips/{tip_id}/attachments", r, 201)
    version = author.get(f"/api/v1/tips/{tip.id}").get_json()["version"]
    edited = author.patch(f"/api/v1/tips/{tip.id}", json={
        "version": version, "title": "A sharper title", "sharing": "alliance"})
    assert_documented(document, "patch", "/tips/{tip_id}", edited, 200)
    staff = api(staff_user)
    asked = staff.post(f"/api/v1/tips/{tip.id}/review",
                       json={"decision": "needs_info", "reason": "Which shops?"})
    assert_documented(document, "post", "/tips/{tip_id}/review", asked, 200)
    back = author.post(f"/api/v1/tips/{tip.id}/resubmit", json={"note": "Shops added."})
    assert_documented(document, "post", "/tips/{tip_id}/resubmit", back, 200)
    shown = assert_documented(document, "get", "/tips/{tip_id}",
                              author.get(f"/api/v1/tips/{tip.id}"), 200)
    assert [e["action"] for e in shown["history"]] == [
        "submitted", "attachment_added", "edited", "sharing_widened", "needs_info",
        "resubmitted"]
    said = author.post(f"/api/v1/tips/{tip.id}/comments", json={"body": "See **proof**."})
    assert_documented(document, "post", "/tips/{tip_id}/comments", said, 201)
    assert_documented(document, "get", "/tips/{tip_id}/comments",
                      author.get(f"/api/v1/tips/{tip.id}/comments"), 200)
    assert_documented(document, "get", "/tips/queue", staff.get("/api/v1/tips/queue"), 200)
    assert_documented(document, "get", "/tips", author.get("/api/v1/tips"), 200)
    other = make_tip(member, title="Another one")
    similar = assert_documented(document, "get", "/tips/{tip_id}/similar",
                                author.get(f"/api/v1/tips/{other.id}/similar"), 200)
    assert similar["items"][0]["shared_keywords"]
    withdrawn = author.post(f"/api/v1/tips/{other.id}/withdraw", json={"reason": "Dup."})
    assert_documented(document, "post", "/tips/{tip_id}/withdraw", withdrawn, 200)


def test_feedback_and_the_track_record_are_as_documented(people, api, document):
    tip = make_tip(people["member"], status="accepted", staff=people["staff"])
    now = utcnow()
    events = [FeedbackEvent(tip.id, kind, now - timedelta(days=days))
              for kind, days in (("hit", 1), ("taken_down", 1), ("counterfeit", 9))]
    author = api(people["member"])
    with feedback_source(events):
        fed = assert_documented(document, "get", "/tips/{tip_id}/feedback",
                                author.get(f"/api/v1/tips/{tip.id}/feedback"), 200)
        record = assert_documented(
            document, "get", "/organizations/{org_id}/tip-record",
            author.get(f"/api/v1/organizations/{people['member'].organisation_id}/tip-record"),
            200)
    assert fed["precision"] == 1 and fed["weekly"]
    assert record["windows"][0]["accepted"] == 1


def test_a_new_tip_is_as_documented(people, api, document):
    from tests.queqiao.tipkit import tip_data

    made = api(people["member"]).post("/api/v1/tips", json=tip_data())
    body = assert_documented(document, "post", "/tips", made, 201)
    assert body["history"][0]["by"]["id"] == people["member"].id
    assert tip_services.get_tip(people["member"], body["id"]).status == "submitted"
