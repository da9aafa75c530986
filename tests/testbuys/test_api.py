"""The test-purchase API: the whole lifecycle, who may do what, bad input and conflicts."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import Notification
from testbuys import services
from testbuys.models import SettlementPayment, TestPurchase
from tests.testbuys.helpers import PNG, later, propose, received, scheduled

BASE = "/api/v1/test-purchases"
PROPOSAL = {"platform": "taobao", "seller_id": "shop-88", "listing_url": "https://item.example/88",
            "working_group": "luxury-goods", "reason": "replica handbags",
            "budget": {"amount": 80000, "currency": "CNY"},
            "source": {"kind": "member", "ref": ""}}


@pytest.fixture
def partner(make):
    """A person of a second member company."""
    return make.make_user("member", groups=("luxury-goods",))


def test_two_companies_run_a_joint_buy_to_closed(people, partner, api):
    a, b = api(people["member"]), api(partner)
    r = a.post(BASE, json=PROPOSAL)
    assert r.status_code == 201, r.get_json()
    pid = r.get_json()["id"]
    assert r.get_json()["status"] == "proposed"
    assert b.post(f"{BASE}/{pid}/participants", json={"weight": 2}).status_code == 201
    when = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    r = a.post(f"{BASE}/{pid}/schedule", json={"scheduled_for": when,
                                               "purchaser_id": people["member"].id})
    assert r.status_code == 200 and r.get_json()["status"] == "scheduled"
    r = a.post(f"{BASE}/{pid}/order", json={"order_number": "TB-1", "cost": {"amount": 10001}})
    assert r.get_json()["status"] == "ordered"
    assert r.get_json()["paid_by"]["id"] == people["member"].organisation_id
    assert a.post(f"{BASE}/{pid}/receipt", json={"notes": "sealed"}).status_code == 200
    r = b.post(f"{BASE}/{pid}/authentication", json={"verdict": "counterfeit", "method": "label",
                                                     "notes": "wrong stitching"})
    assert r.status_code == 200 and r.get_json()["verdict"] == "counterfeit"
    r = a.post(f"{BASE}/{pid}/close", json={"summary": "confirmed"})
    assert r.get_json()["status"] == "closed"
    seen_a, seen_b = a.get(f"{BASE}/{pid}").get_json(), b.get(f"{BASE}/{pid}").get_json()
    assert seen_a["shares"] == seen_b["shares"]
    amounts = [s["amount"]["amount"] for s in seen_a["shares"]]
    assert sum(amounts) == 10001 and amounts == [3334, 6667]
    assert [c["action"] for c in seen_a["custody"]][:3] == ["propose", "join", "schedule"]
    assert seen_a["custody_check"]["ok"] is True


def test_duplicate_target_names_the_open_purchase_and_cancel_frees_it(people, partner, api):
    first = api(people["member"]).post(BASE, json=PROPOSAL).get_json()["id"]
    r = api(partner).post(BASE, json=PROPOSAL)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_target"
    assert r.get_json()["error"]["existing_id"] == first
    api(people["member"]).post(f"{BASE}/{first}/cancel", json={"reason": "seller gone"})
    assert api(partner).post(BASE, json=PROPOSAL).status_code == 201


def test_others_get_404_but_learn_the_seller_is_targeted_and_may_ask_to_join(people, api):
    pid = api(people["member"]).post(BASE, json=PROPOSAL).get_json()["id"]
    outsider = api(people["outsider"])
    assert outsider.get(f"{BASE}/{pid}").status_code == 404
    assert pid not in [i["id"] for i in outsider.get(BASE).get_json()["items"]]
    r = outsider.get(f"{BASE}/targets?platform=taobao&seller_id=shop-88")
    assert r.get_json() == {"open": True, "existing_id": pid}
    assert outsider.get(f"{BASE}/targets?platform=taobao&seller_id=other").get_json()["open"] is False
    r = outsider.post(f"{BASE}/{pid}/participants", json={})
    assert r.status_code == 202 and r.get_json() == {"id": pid, "status": "requested", "weight": 1}
    assert outsider.get(f"{BASE}/{pid}").status_code == 404
    api(people["member"]).post(f"{BASE}/{pid}/participants/{people['outsider'].organisation_id}"
                               "/approve")
    assert outsider.get(f"{BASE}/{pid}").status_code == 200
    for who in ("staff", "admin"):
        assert api(people[who]).get(f"{BASE}/{pid}").status_code == 200


def test_closed_purchase_stays_hidden_from_outsiders(people, api, app):
    p = received(people["member"])
    services.authenticate(people["member"], p.id, verdict="genuine", method="serials")
    services.close(people["member"], p.id, summary="genuine")
    assert api(people["outsider"]).post(f"{BASE}/{p.id}/participants", json={}).status_code == 404
    assert api(people["outsider"]).post(f"{BASE}/{p.id}/cancel",
                                        json={"reason": "x"}).status_code == 404


@pytest.mark.parametrize("who,status", [("member", 201), ("chair", 201), ("staff", 201),
                                        ("admin", 403), (None, 401)])
def test_who_may_propose(people, api, who, status):
    r = api(people[who] if who else None).post(BASE, json=PROPOSAL)
    assert r.status_code == status
    if who == "staff":
        assert r.get_json()["participants"] == []


def test_roles_on_each_step(people, partner, api):
    p = scheduled(people["member"], partner)
    staff, admin, outsider = api(people["staff"]), api(people["admin"]), api(people["outsider"])
    # invisible to the outsider: every step answers 404
    for step, body in (("schedule", {}), ("order", {}), ("receipt", {}), ("authentication", {}),
                       ("close", {}), ("cancel", {}), ("outcome", {})):
        assert outsider.post(f"{BASE}/{p.id}/{step}", json=body).status_code == 404
    assert outsider.get(f"{BASE}/{p.id}/custody").status_code == 404
    # staff runs the buy but cannot give the brand owner's verdict; admins cannot join
    r = staff.post(f"{BASE}/{p.id}/order", json={"order_number": "S-1", "cost": 5000})
    assert r.status_code == 200
    assert staff.post(f"{BASE}/{p.id}/receipt", json={}).status_code == 200
    r = staff.post(f"{BASE}/{p.id}/authentication", json={"verdict": "genuine", "method": "x"})
    assert r.status_code == 403
    r = admin.post(f"{BASE}/{p.id}/authentication", json={"verdict": "genuine", "method": "x"})
    assert r.status_code == 403
    assert admin.post(f"{BASE}/{p.id}/participants", json={}).status_code in (403, 409)
    r = api(partner).post(f"{BASE}/{p.id}/authentication",
                          json={"verdict": "inconclusive", "method": "lab"})
    assert r.status_code == 200


def test_staff_proposal_from_a_rule_hit_keeps_its_source(people, api):
    body = {**PROPOSAL, "source": {"kind": "rule_hit", "ref": "417"}}
    r = api(people["staff"]).post(BASE, json=body)
    assert r.get_json()["source"] == {"kind": "rule_hit", "ref": "417"}
    p = services.get_purchase(r.get_json()["id"], people["staff"])
    assert (p.source_kind, p.source_ref) == ("rule_hit", "417")


@pytest.mark.parametrize("body,field", [
    ({**PROPOSAL, "platform": ""}, "platform"),
    ({**PROPOSAL, "budget": {"amount": -5}}, "budget"),
    ({**PROPOSAL, "budget": 0}, "budget"),
    ({**PROPOSAL, "budget": "lots"}, "budget"),
    ({**PROPOSAL, "working_group": "nope"}, "working_group"),
    ({**PROPOSAL, "source": {"kind": "rumour"}}, "source"),
    ({**PROPOSAL, "source": "member"}, "source"),
    ({**PROPOSAL, "weight": 0}, "weight"),
    ({**PROPOSAL, "listing_url": "javascript:alert(1)"}, "listing_url"),
    ({**PROPOSAL, "seller_id": "x" * 500}, "seller_id"),
])
def test_bad_proposals_answer_422(people, api, body, field):
    r = api(people["member"]).post(BASE, json=body)
    assert r.status_code == 422
    assert field in r.get_json()["error"]["fields"]


def test_bad_step_input_answers_422(people, api, app):
    member = api(people["member"])
    p = propose(people["member"])
    r = member.post(f"{BASE}/{p.id}/schedule", json={
        "scheduled_for": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
        "purchaser_id": people["member"].id})
    assert r.status_code == 422 and "scheduled_for" in r.get_json()["error"]["fields"]
    r = member.post(f"{BASE}/{p.id}/schedule", json={"scheduled_for": "tomorrow",
                                                     "purchaser_id": people["member"].id})
    assert r.status_code == 422
    r = member.post(f"{BASE}/{p.id}/schedule", json={"scheduled_for": later().isoformat(),
                                                     "purchaser_id": people["outsider"].id})
    assert r.status_code == 422 and "purchaser_id" in r.get_json()["error"]["fields"]
    member.post(f"{BASE}/{p.id}/schedule", json={"scheduled_for": later().isoformat(),
                                                 "purchaser_id": people["member"].id})
    for cost in (0, -100, {"amount": 0}, "12", 1.5):
        r = member.post(f"{BASE}/{p.id}/order", json={"order_number": "A", "cost": cost})
        assert r.status_code == 422 and "cost" in r.get_json()["error"]["fields"], cost
    member.post(f"{BASE}/{p.id}/order", json={"order_number": "A", "cost": 100})
    r = member.post(f"{BASE}/{p.id}/receipt", json={
        "received_at": (datetime.now(UTC) - timedelta(days=3)).isoformat()})
    assert r.status_code == 422 and "received_at" in r.get_json()["error"]["fields"]
    member.post(f"{BASE}/{p.id}/receipt", json={})
    r = member.post(f"{BASE}/{p.id}/authentication", json={"verdict": "fake", "method": "x"})
    assert r.status_code == 422 and "verdict" in r.get_json()["error"]["fields"]
    assert member.post(f"{BASE}/{p.id}/close", json={"summary": ""}).status_code == 409
    r = member._call("post", f"{BASE}/{p.id}/schedule", None, data="not json",
                     headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_oversized_or_wrong_uploads_answer_422(people, api, app):
    app.config["MAX_UPLOAD_BYTES"] = 1024
    p = propose(people["member"])
    member = api(people["member"])
    for data in ({"file": (io.BytesIO(PNG + b"\x00" * 2000), "big.png")},
                 {"file": (io.BytesIO(b"MZ\x00\x01binary"), "x.exe")}, {}):
        r = member._call("post", f"{BASE}/{p.id}/evidence", None, data=data,
                         content_type="multipart/form-data")
        assert r.status_code == 422 and "file" in r.get_json()["error"]["fields"]
    r = member._call("post", f"{BASE}/{p.id}/evidence", None, content_type="multipart/form-data",
                     data={"file": (io.BytesIO(PNG), "photo.png"), "description": "label"})
    assert r.status_code == 201
    assert len(r.get_json()["sha256"]) == 64


def test_illegal_transitions_answer_409(people, api):
    p = propose(people["member"])
    member = api(people["member"])
    r = member.post(f"{BASE}/{p.id}/close", json={"summary": "done"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "illegal_transition"
    r = member.post(f"{BASE}/{p.id}/receipt", json={})
    assert r.status_code == 409
    member.post(f"{BASE}/{p.id}/cancel", json={"reason": "no"})
    assert member.post(f"{BASE}/{p.id}/cancel", json={"reason": "again"}).status_code == 409


def test_a_seller_is_not_scheduled_twice_within_the_window(people, api, app):
    first = received(people["member"], seller="s-7")
    services.authenticate(people["member"], first.id, verdict="genuine", method="x")
    services.close(people["member"], first.id, summary="ok")
    second = propose(people["member"], "s-7")
    r = api(people["member"]).post(f"{BASE}/{second.id}/schedule", json={
        "scheduled_for": later(5).isoformat(), "purchaser_id": people["member"].id})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "schedule_clash"
    assert r.get_json()["error"]["clashing_id"] == first.id
    r = api(people["member"]).post(f"{BASE}/{second.id}/schedule", json={
        "scheduled_for": later(11).isoformat(), "purchaser_id": people["member"].id})
    assert r.status_code == 200
    app.config["TESTBUY_CLASH_DAYS"] = 30
    r = api(people["member"]).post(f"{BASE}/{second.id}/schedule", json={
        "scheduled_for": later(12).isoformat(), "purchaser_id": people["member"].id})
    assert r.status_code == 409


def test_a_participant_may_leave_only_before_the_order(people, partner, api):
    p = scheduled(people["member"], partner)
    r = api(partner).delete(f"{BASE}/{p.id}/participants")
    assert r.status_code == 200  # still open to its working group: it still sees it
    assert partner.organisation_id not in [x["organization"]["id"] for x in r.get_json()["participants"]]
    api(partner).post(f"{BASE}/{p.id}/participants", json={"weight": 1})
    api(people["member"]).post(f"{BASE}/{p.id}/order", json={"order_number": "A", "cost": 99})
    assert api(partner).delete(f"{BASE}/{p.id}/participants").status_code == 409
    assert api(partner).post(f"{BASE}/{p.id}/participants", json={}).status_code == 409


def test_participants_are_notified_of_each_step(people, partner, app):
    p = scheduled(people["member"], partner)
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == partner.id, Notification.type == "test_purchase.status")).all()
    assert any("scheduled" in n.title for n in notes)
    assert not db.session.scalars(select(Notification).where(
        Notification.user_id == people["outsider"].id)).all()
    assert p.status == "scheduled"


def test_outcome_and_referral_threshold(people, partner, api, client, as_user):
    p = received(people["member"], partner, cost=20_000)
    services.authenticate(partner, p.id, verdict="counterfeit", method="hologram")
    member = api(people["member"])
    r = member.post(f"{BASE}/{p.id}/outcome", json={"taken_down": True, "seller_penalised": True,
                                                    "value_involved": {"amount": 4_000_000}})
    assert r.get_json()["outcome"]["referral_due"] is False
    assert as_user(people["member"]).get(f"/test-purchases/{p.id}/referral").status_code == 403
    r = member.post(f"{BASE}/{p.id}/outcome", json={"value_involved": 5_000_000})
    assert r.get_json()["outcome"] == {"taken_down": True, "seller_penalised": True,
                                       "value_involved": {"amount": 5_000_000, "currency": "CNY"},
                                       "value_counted": {"amount": 5_000_000, "currency": "CNY"},
                                       "referral_due": True}
    page = as_user(people["member"]).get(f"/test-purchases/{p.id}/referral?download=1")
    assert page.status_code == 200 and "attachment" in page.headers["Content-Disposition"]
    assert p.evidence == [] and b"hologram" in page.data
    r = member.post(f"{BASE}/{p.id}/outcome", json={"taken_down": "yes"})
    assert r.status_code == 422


def test_ledger_balances_settlements_and_payment(people, partner, api):
    p = received(people["member"], partner, cost=9_000)  # weights 1 (member) : 2 (partner)
    assert p.cost_amount == 9_000
    staff = api(people["staff"])
    ledger = staff.get("/api/v1/ledger").get_json()
    balances = {b["organization"]["id"]: b["amount"]["amount"] for b in ledger["balances"]}
    a_org, b_org = people["member"].organisation_id, partner.organisation_id
    assert balances == {a_org: 6_000, b_org: -6_000}
    assert [(s["from"]["id"], s["to"]["id"], s["amount"]["amount"])
            for s in ledger["settlements"]] == [(b_org, a_org, 6_000)]
    # partners see only their own position
    mine = api(partner).get("/api/v1/ledger").get_json()
    assert [b["organization"]["id"] for b in mine["balances"]] == [b_org]
    assert api(people["outsider"]).post("/api/v1/ledger/settlements", json={
        "from": b_org, "to": a_org, "amount": 6_000}).status_code == 403
    # the payee confirms receipt; the payer cannot wipe its own debt
    assert api(partner).post("/api/v1/ledger/settlements", json={
        "from": b_org, "to": a_org, "amount": 6_000}).status_code == 403
    member = api(people["member"])
    assert member.post("/api/v1/ledger/settlements", json={
        "from": b_org, "to": a_org, "amount": 0}).status_code == 422
    r = member.post("/api/v1/ledger/settlements", json={"from": b_org, "to": a_org,
                                                        "amount": 6_000})
    assert r.status_code == 201
    ledger = staff.get("/api/v1/ledger").get_json()
    assert ledger == {"balances": [], "settlements": []}
    assert api(people["admin"]).get("/api/v1/ledger").status_code == 200


def test_reports_count_verdicts_and_spend(people, partner, api):
    p = received(people["member"], partner, cost=3_000)
    services.authenticate(partner, p.id, verdict="counterfeit", method="x")
    q = received(people["member"], seller="s-2", cost=1_000)
    services.authenticate(people["member"], q.id, verdict="genuine", method="x")
    figures = api(people["staff"]).get(f"{BASE}/reports").get_json()
    assert figures["by_verdict"] == {"counterfeit": 1, "genuine": 1, "inconclusive": 0}
    assert figures["counterfeit_rate"] == 0.5
    assert figures["median_days_to_verdict"] == 0.0
    spend = {r["name"]: r["amount"]["amount"] for r in figures["spend_by_organization"]}
    assert spend == {people["member"].organisation.name: 2_000, partner.organisation.name: 2_000}
    assert api(people["outsider"]).get(f"{BASE}/reports").get_json()["purchases"] == 0


def test_known_sales_count_towards_the_criminal_threshold(people, api, app):
    app.config["TESTBUY_CRIMINAL_THRESHOLD"] = 30_000
    app.config["TESTBUY_CLASH_DAYS"] = 0  # two buys from one seller in a row, for this test
    first = received(people["member"], seller="big", cost=20_000)
    services.authenticate(people["member"], first.id, verdict="counterfeit", method="x")
    body = api(people["member"]).get(f"{BASE}/{first.id}").get_json()
    assert body["outcome"]["value_counted"]["amount"] == 20_000
    assert body["outcome"]["referral_due"] is False
    services.close(people["member"], first.id, summary="done")
    second = received(people["member"], seller="big", cost=15_000)
    services.authenticate(people["member"], second.id, verdict="counterfeit", method="x")
    body = api(people["member"]).get(f"{BASE}/{second.id}").get_json()
    assert body["outcome"]["value_counted"]["amount"] == 35_000
    assert body["outcome"]["referral_due"] is True


READS = ["/api/v1/test-purchases", "/api/v1/test-purchases/reports", "/api/v1/ledger",
         "/api/v1/test-purchases/targets?platform=taobao&seller_id=seller-1"]


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("who,ok", [("member", True), ("outsider", True), ("chair", True),
                                    ("staff", True), ("admin", True), (None, False)])
def test_who_may_read_lists_reports_ledger_and_targets(people, api, path, who, ok):
    status = api(people[who] if who else None).get(path).status_code
    if who is None:
        assert status == 401
    elif who == "admin" and "targets" in path:
        assert status == 403  # the secretariat neither proposes nor joins
    else:
        assert status == 200 if ok else 403


@pytest.mark.parametrize("who,status,once_ordered", [
    ("member", 200, 200), ("outsider", 404, 404), ("chair", 200, 404), ("staff", 200, 200),
    ("admin", 200, 200)])
def test_who_may_read_one_purchase_and_its_custody(people, api, who, status, once_ordered):
    """The chair's company is in the purchase's group: it sees it while it can join it."""
    p = propose(people["member"])
    client = api(people[who])
    assert client.get(f"{BASE}/{p.id}").status_code == status
    assert client.get(f"{BASE}/{p.id}/custody").status_code == status
    assert client.get(f"{BASE}/999999").status_code == 404
    services.schedule(people["member"], p.id, scheduled_for=later(),
                      purchaser_id=people["member"].id)
    services.order(people["member"], p.id, order_number="1", cost=(100, "CNY"))
    assert client.get(f"{BASE}/{p.id}").status_code == once_ordered


def test_targets_needs_platform_and_seller(people, api):
    r = api(people["member"]).get(f"{BASE}/targets?platform=taobao")
    assert r.status_code == 422 and "seller_id" in r.get_json()["error"]["fields"]
    assert api(people["member"]).get(f"{BASE}?status=bogus").status_code == 422


def test_odd_query_strings_are_refused_or_ignored_never_500(people, api, as_user):
    member = api(people["member"])
    assert member.get(f"{BASE}/targets?platform=a&seller_id=%00").status_code == 422
    assert member.get(f"{BASE}?seller_id=%00").status_code == 422
    page = as_user(people["member"]).get("/test-purchases/calendar?purchaser=99999999999999"
                                         "&date=not-a-date&view=year")
    assert page.status_code == 200


def test_amounts_beyond_64_bits_are_refused(people, api):
    r = api(people["member"]).post(BASE, json={**PROPOSAL, "budget": 10**16})
    assert r.status_code == 422 and "budget" in r.get_json()["error"]["fields"]


def test_evidence_is_complete_once_a_purchase_is_closed(people, api):
    p = received(people["member"])
    services.authenticate(people["member"], p.id, verdict="genuine", method="x")
    services.close(people["member"], p.id, summary="done")
    r = api(people["member"])._call("post", f"{BASE}/{p.id}/evidence", None,
                                    content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(PNG), "late.png")})
    assert r.status_code == 409


def test_only_platform_staff_propose_from_a_rule_hit(people, api):
    """A member cannot point its purchase at a rule hit (whose verdict feeds others' tips)."""
    proposal = {"platform": "taobao", "seller_id": "my-own-shop", "reason": "x",
                "source": {"kind": "rule_hit", "ref": "1"}}
    r = api(people["outsider"]).post("/api/v1/test-purchases", json=proposal)
    assert r.status_code == 422
    assert "staff" in r.get_json()["error"]["fields"]["source"]
    assert db.session.scalar(select(func.count(TestPurchase.id))) == 0
    r = api(people["staff"]).post("/api/v1/test-purchases", json=proposal)
    assert r.status_code == 201 and r.get_json()["source"] == {"kind": "rule_hit", "ref": "1"}


def test_the_proposal_page_ignores_a_rule_hit_link_for_members(people, as_user):
    html = as_user(people["member"]).get(
        "/test-purchases/new?source_kind=rule_hit&source_ref=7&seller_id=s").get_data(as_text=True)
    assert 'value="rule_hit"' not in html
    html = as_user(people["staff"]).get(
        "/test-purchases/new?source_kind=rule_hit&source_ref=7&seller_id=s").get_data(as_text=True)
    assert 'value="rule_hit"' in html


def test_a_member_cannot_book_a_debt_on_another_company(people, api):
    """Neither a payment it made nor one from a company it shares no cost with."""
    a, z = people["member"], people["outsider"]
    ledger_api = "/api/v1/ledger/settlements"
    amount = {"amount": 100_000_00, "currency": "CNY"}
    r = api(a).post(ledger_api, json={"from": a.organisation_id, "to": z.organisation_id,
                                      "amount": amount})
    assert r.status_code == 403
    r = api(a).post(ledger_api, json={"from": z.organisation_id, "to": a.organisation_id,
                                      "amount": amount})
    assert r.status_code == 422 and "from" in r.get_json()["error"]["fields"]
    assert api(z).get("/api/v1/ledger").get_json() == {"balances": [], "settlements": []}
    assert db.session.scalar(select(func.count(SettlementPayment.id))) == 0


def test_staff_record_payments_only_between_organisations_of_the_ledger(people, partner, api):
    received(people["member"], partner, cost=9_000)
    a_org, b_org = people["member"].organisation_id, partner.organisation_id
    staff = api(people["staff"])
    r = staff.post("/api/v1/ledger/settlements", json={
        "from": people["outsider"].organisation_id, "to": a_org, "amount": 100})
    assert r.status_code == 422 and "from" in r.get_json()["error"]["fields"]
    r = staff.post("/api/v1/ledger/settlements", json={"from": b_org, "to": a_org, "amount": 100})
    assert r.status_code == 201
    r = api(people["admin"]).post("/api/v1/ledger/settlements", json={
        "from": a_org, "to": b_org, "amount": 100})
    assert r.status_code == 201


def test_a_lead_colleague_that_did_not_buy_cannot_name_another_payer(people, partner, api, make):
    """Whoever paid is owed the cost: only the purchaser and staff say who paid."""
    p = scheduled(people["member"], partner)  # the member's person buys
    colleague = make.make_user("member", people["member"].organisation)
    b_org, a_org = partner.organisation_id, people["member"].organisation_id
    order = {"order_number": "N1", "cost": {"amount": 10_000, "currency": "CNY"}}
    r = api(colleague).post(f"{BASE}/{p.id}/order", json={**order, "paid_by": b_org})
    assert r.status_code == 403 and "purchaser" in r.get_json()["error"]["message"]
    # a participant that is not the lead does not steer the purchase at all
    assert api(partner).post(f"{BASE}/{p.id}/order", json={**order, "paid_by": a_org}
                             ).status_code == 403
    db.session.refresh(p)
    assert p.status == "scheduled" and p.paid_by_org_id is None
    # naming the purchaser's organisation, or nobody, is the default and is allowed
    r = api(colleague).post(f"{BASE}/{p.id}/order", json={**order, "paid_by": a_org})
    assert r.status_code == 200 and r.get_json()["paid_by"]["id"] == a_org


@pytest.mark.parametrize("who,status", [("member", 200), ("staff", 200), ("admin", 403)])
def test_the_purchaser_and_staff_say_who_paid(people, partner, api, who, status):
    """Admins see every purchase but do not steer one (the lead organisation and staff do)."""
    p = scheduled(people["member"], partner)
    r = api(people[who]).post(f"{BASE}/{p.id}/order", json={
        "order_number": "N1", "cost": {"amount": 10_000, "currency": "CNY"},
        "paid_by": partner.organisation_id})
    assert r.status_code == status
    if status == 200:
        assert r.get_json()["paid_by"]["id"] == partner.organisation_id


def test_the_order_form_offers_a_payer_only_to_those_who_may_name_one(people, partner, as_user,
                                                                      make):
    p = scheduled(people["member"], partner)
    colleague = make.make_user("member", people["member"].organisation)

    def payer_choices(user):
        page = as_user(user).get(f"/test-purchases/{p.id}").get_data(as_text=True)
        select_ = page[page.index('name="order-paid_by"'):]
        return select_[:select_.index("</select>")]

    option = f'<option value="{partner.organisation_id}">'
    assert option not in payer_choices(colleague)
    assert option in payer_choices(people["member"])
    # a participant that is not the lead gets no order form at all
    assert 'name="order-paid_by"' not in as_user(partner).get(
        f"/test-purchases/{p.id}").get_data(as_text=True)


def test_a_schedule_clash_names_only_a_purchase_the_caller_may_see(people, api):
    """Another company's buy of the seller is a bare fact: no id, no date."""
    a, z = people["member"], people["outsider"]
    when = later(3)
    p = propose(a, "shop-x")
    services.schedule(a, p.id, scheduled_for=when, purchaser_id=a.id)
    services.order(a, p.id, order_number="1", cost=(100, "CNY"))
    services.receive(a, p.id, received_at=None)
    services.authenticate(a, p.id, verdict="counterfeit", method="m")
    services.close(a, p.id, summary="done")
    rival = api(z)
    assert rival.get(f"{BASE}/{p.id}").status_code == 404
    pid = rival.post(BASE, json={"platform": "taobao", "seller_id": "shop-x",
                                 "reason": "x"}).get_json()["id"]
    r = rival.post(f"{BASE}/{pid}/schedule", json={
        "scheduled_for": (when + timedelta(days=1)).isoformat(), "purchaser_id": z.id})
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "schedule_clash" and "clashing_id" not in error
    assert f"#{p.id}" not in error["message"] and when.date().isoformat() not in error["message"]
    assert "7 days" in error["message"]


@pytest.mark.parametrize("stage", ["ordered", "received", "closed"])
def test_joining_an_unseen_purchase_past_the_order_reveals_nothing_of_it(people, api, stage):
    """An outsider learns only that an open purchase targets the seller, not how far it got."""
    a = people["member"]
    p = received(a, seller="shop-j") if stage != "ordered" else scheduled(a, seller="shop-j")
    if stage == "ordered":
        services.order(a, p.id, order_number="1", cost=(100, "CNY"))
    if stage == "closed":
        services.authenticate(a, p.id, verdict="genuine", method="m")
        services.close(a, p.id, summary="done")
    outsider = api(people["outsider"])
    r = outsider.post(f"{BASE}/{p.id}/participants", json={})
    unknown = outsider.post(f"{BASE}/{p.id + 1000}/participants", json={})
    assert r.status_code == unknown.status_code == 404
    assert r.get_json() == unknown.get_json()
    # a participant still hears why it cannot join again
    partner_view = api(a).post(f"{BASE}/{p.id}/participants", json={})
    assert partner_view.status_code == 409
