"""The corpus API (staff) and the hit list's filters: the pages' services and rules."""

from datetime import timedelta

import pytest

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.models import utcnow
from queqiao.listings import corpus
from queqiao.listings.models import CorpusListing
from queqiao.scanning.models import Hit
from tests.queqiao_rules.helpers import count, listing, make_rule

NOT_STAFF = [("member", 403), ("outsider", 403), ("chair", 403), ("admin", 403), (None, 401)]


def caller(api, people, role):
    return api(people[role] if role else None)


def test_staff_add_list_and_remove_corpus_listings(people, api):
    staff = api(people["staff"])
    r = staff.post("/api/v1/corpus", json={"kind": "genuine", "title": "官方旗舰店 GUCCI 包",
                                           "price": {"amount": 1200000, "currency": "CNY"},
                                           "region": "上海"})
    assert r.status_code == 201
    made = r.get_json()
    assert made["kind"] == "genuine" and made["price"] == {"amount": 1200000, "currency": "CNY"}
    staff.post("/api/v1/corpus", json={"kind": "counterfeit", "title": "GUCCI 高仿"})
    listed = staff.get("/api/v1/corpus").get_json()
    assert listed["total"] == 2 and listed["counts"] == {"genuine": 1, "counterfeit": 1}
    only = staff.get("/api/v1/corpus?kind=genuine").get_json()["items"]
    assert [i["id"] for i in only] == [made["id"]]
    assert staff.delete(f"/api/v1/corpus/{made['id']}").status_code == 204
    assert count(CorpusListing) == 1
    assert staff.delete(f"/api/v1/corpus/{made['id']}").status_code == 404
    actions = {e.action for e in db.session.query(AuditEvent)}
    assert {"corpus.add", "corpus.remove"} <= actions


@pytest.mark.parametrize("body, field", [
    ({"kind": "fake", "title": "x"}, "kind"), ({"kind": "genuine"}, "title"),
    ({"kind": "genuine", "title": "x", "price": -1}, "price"),
    ({"kind": "genuine", "title": "x", "price": {"amount": 5, "currency": "USD"}}, "price"),
    ({"kind": "genuine", "title": "x" * 501}, "title")])
def test_bad_corpus_listing_is_422(people, api, body, field):
    r = api(people["staff"]).post("/api/v1/corpus", json=body)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    assert count(CorpusListing) == 0


def test_unknown_kind_filter_is_422(people, api):
    assert api(people["staff"]).get("/api/v1/corpus?kind=fake").status_code == 422


@pytest.mark.parametrize("role, status", NOT_STAFF)
def test_only_staff_use_the_corpus(people, api, role, status):
    item = corpus.add_corpus_listing(people["staff"], "genuine", "正品")
    c = caller(api, people, role)
    assert c.get("/api/v1/corpus").status_code == status
    assert c.post("/api/v1/corpus", json={"kind": "genuine", "title": "x"}).status_code == status
    assert c.delete(f"/api/v1/corpus/{item.id}").status_code == status
    assert count(CorpusListing) == 1


def test_the_corpus_page_stays_absent_for_others(people, as_user):
    assert as_user(people["member"]).get("/queqiao/rules/corpus").status_code == 404
    assert as_user(people["staff"]).get("/queqiao/rules/corpus").status_code == 200


# --- hits ----------------------------------------------------------------------------------


def scanned(people, api):
    one = make_rule(people["staff"], "active")
    two = make_rule(people["staff"], "shadow", name="Other", all=["马蒙"])
    staff = api(people["staff"])
    staff.post("/api/v1/scans", json={"listings": [listing("L1"), listing("L2")]})
    return staff, one, two


def test_hits_filter_by_rule_outcome_mode_and_dates_with_paging(people, api):
    staff, one, two = scanned(people, api)
    assert staff.get("/api/v1/hits").get_json()["total"] == 4
    by_rule = staff.get(f"/api/v1/hits?rule_id={one.id}").get_json()
    assert by_rule["total"] == 2 and {h["rule_id"] for h in by_rule["items"]} == {one.id}
    hit_id = by_rule["items"][0]["id"]
    assert staff.post(f"/api/v1/hits/{hit_id}/outcome",
                      json={"outcome": "taken_down"}).status_code == 200
    down = staff.get("/api/v1/hits?outcome=taken_down").get_json()["items"]
    assert [h["id"] for h in down] == [hit_id]
    assert staff.get("/api/v1/hits?outcome=none").get_json()["total"] == 3
    assert staff.get("/api/v1/hits?mode=shadow").get_json()["total"] == 2
    future = (utcnow() + timedelta(days=1)).isoformat()
    past = (utcnow() - timedelta(days=1)).isoformat()
    assert staff.get("/api/v1/hits", query_string={"since": future}).get_json()["total"] == 0
    assert staff.get("/api/v1/hits", query_string={"since": past,
                                                  "until": future}).get_json()["total"] == 4
    page = staff.get("/api/v1/hits?per_page=3&page=2").get_json()
    assert (page["page"], page["per_page"], page["total"], len(page["items"])) == (2, 3, 4, 1)


@pytest.mark.parametrize("query, field", [("outcome=gone", "outcome"), ("mode=loud", "mode"),
                                          ("rule_id=x", "rule_id"), ("since=yesterday", "since"),
                                          ("per_page=0", "per_page")])
def test_bad_hit_filters_are_422(people, api, query, field):
    r = api(people["staff"]).get(f"/api/v1/hits?{query}")
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]


@pytest.mark.parametrize("role, status", NOT_STAFF)
def test_only_staff_see_hits(people, api, role, status):
    scanned(people, api)
    hit = db.session.query(Hit).first()
    c = caller(api, people, role)
    assert c.get("/api/v1/hits").status_code == status
    assert c.get(f"/api/v1/hits/{hit.id}").status_code == status
    assert c.get(f"/api/v1/rules/{hit.rule_id}/hits").status_code == status
