"""Joining and steering: a competitor outside the working group cannot join by id and steer,
only ask; the lead organisation and staff steer; each brand authenticates its own item."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notification
from testbuys import hooks, services
from testbuys.models import Participant
from tests.testbuys.helpers import later, propose, received, scheduled

BASE = "/api/v1/test-purchases"
STEPS = {"schedule": {"scheduled_for": None, "purchaser_id": None},
         "order": {"order_number": "X-1", "cost": {"amount": 100, "currency": "CNY"}},
         "receipt": {"notes": "x"}, "close": {"summary": "x"}, "cancel": {"reason": "x"}}


@pytest.fixture
def partner(make):
    """A person of a second member company of the luxury-goods group."""
    return make.make_user("member", groups=("luxury-goods",))


def _approve(api, user, pid, org_id, verb="approve"):
    return api(user).post(f"{BASE}/{pid}/participants/{org_id}/{verb}")


def _body(step, user):
    body = dict(STEPS[step])
    if step == "schedule":
        body = {"scheduled_for": later().isoformat(), "purchaser_id": user.id}
    return body


def test_a_company_outside_the_group_only_asks_and_learns_nothing_more(people, api):
    lead, rival = people["member"], people["outsider"]
    p = propose(lead, "shop-r", budget=(90_000, "CNY"))
    r = api(rival).post(f"{BASE}/{p.id}/participants", json={"weight": 3})
    assert r.status_code == 202
    assert r.get_json() == {"id": p.id, "status": "requested", "weight": 3}
    # asking again changes nothing it could learn from
    assert api(rival).post(f"{BASE}/{p.id}/participants",
                           json={"weight": 3}).get_json()["status"] == "requested"
    # still not a participant: it sees nothing and steers nothing
    assert api(rival).get(f"{BASE}/{p.id}").status_code == 404
    assert p.id not in [i["id"] for i in api(rival).get(BASE).get_json()["items"]]
    for step in (*STEPS, "authentication"):
        body = _body(step, rival) if step in STEPS else {"verdict": "genuine", "method": "x"}
        assert api(rival).post(f"{BASE}/{p.id}/{step}", json=body).status_code == 404, step
    db.session.refresh(p)
    assert p.status == "proposed" and p.participant_org_ids() == {lead.organisation_id}
    # the lead hears of the request and sees it
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == lead.id, Notification.type == "test_purchase.request")).all()
    seen = api(lead).get(f"{BASE}/{p.id}").get_json()
    assert [(x["organization"]["id"], x["weight"]) for x in seen["join_requests"]] == [
        (rival.organisation_id, 3)]


def test_once_approved_the_other_company_takes_part_but_does_not_steer(people, api):
    lead, rival = people["member"], people["outsider"]
    p = propose(lead, "shop-s", budget=(90_000, "CNY"))
    api(rival).post(f"{BASE}/{p.id}/participants", json={"weight": 2})
    r = _approve(api, lead, p.id, rival.organisation_id)
    assert r.status_code == 200
    assert {x["organization"]["id"] for x in r.get_json()["participants"]} == {
        lead.organisation_id, rival.organisation_id}
    assert r.get_json()["join_requests"] == []
    seen = api(rival).get(f"{BASE}/{p.id}")
    assert seen.status_code == 200 and seen.get_json()["may_steer"] is False
    assert "join_requests" not in seen.get_json()
    for step in STEPS:
        r = api(rival).post(f"{BASE}/{p.id}/{step}", json=_body(step, rival))
        assert r.status_code == 403, step
    db.session.refresh(p)
    assert p.status == "proposed" and p.purchaser_id is None and p.cancel_reason == ""


def test_a_declined_company_stays_out_and_does_not_ask_again(people, api):
    lead, rival = people["member"], people["outsider"]
    p = propose(lead, "shop-d")
    api(rival).post(f"{BASE}/{p.id}/participants", json={})
    assert _approve(api, people["staff"], p.id, rival.organisation_id, "decline").status_code == 200
    assert api(rival).get(f"{BASE}/{p.id}").status_code == 404
    r = api(rival).post(f"{BASE}/{p.id}/participants", json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "request_declined"
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == rival.id,
        Notification.type == "test_purchase.request_declined")).all()
    # a decided request is no longer there to decide
    assert _approve(api, lead, p.id, rival.organisation_id).status_code == 404


@pytest.mark.parametrize("who,status", [("member", 200), ("staff", 200), ("partner", 403),
                                        ("admin", 403), ("chair", 403), ("outsider", 404)])
def test_who_decides_on_a_request(people, partner, api, make, who, status):
    lead = people["member"]
    p = scheduled(lead, partner)
    asker = make.make_user("member", groups=("pharmaceutical",))
    api(asker).post(f"{BASE}/{p.id}/participants", json={})
    user = partner if who == "partner" else people[who]
    for verb in ("approve", "decline"):
        assert _approve(api, user, p.id, asker.organisation_id, verb).status_code == status
        if status == 200:
            break
    row = db.session.scalar(select(Participant).where(
        Participant.organisation_id == asker.organisation_id))
    db.session.refresh(row)
    assert row.status == ("active" if status == 200 else "requested")


def test_deciding_on_no_request_is_404_and_a_request_after_the_order_cannot_be_approved(
        people, partner, api):
    lead, rival = people["member"], people["outsider"]
    p = scheduled(lead, partner)
    for org in (partner.organisation_id, 999_999, 2**31 - 1):
        assert _approve(api, lead, p.id, org).status_code == 404
    assert api(lead).post(f"{BASE}/{p.id}/participants/{2**63}/approve").status_code == 404
    api(rival).post(f"{BASE}/{p.id}/participants", json={})
    services.order(lead, p.id, order_number="1", cost=(100, "CNY"))
    r = _approve(api, lead, p.id, rival.organisation_id)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "illegal_transition"
    assert _approve(api, lead, p.id, rival.organisation_id, "decline").status_code == 200


def test_group_members_find_open_purchases_and_join_at_once(people, partner, api):
    lead = people["member"]
    p = propose(lead, "shop-g", budget=(90_000, "CNY"))
    listed = api(partner).get(BASE).get_json()["items"]
    assert p.id in [i["id"] for i in listed]
    seen = api(partner).get(f"{BASE}/{p.id}").get_json()
    assert seen["budget"]["amount"] == 90_000
    assert seen["would_pay"] == {"amount": 45_000, "currency": "CNY"}
    r = api(partner).post(f"{BASE}/{p.id}/participants", json={"weight": 2})
    assert r.status_code == 201
    assert {s["organization"]["id"]: s["amount"]["amount"] for s in r.get_json()["shares"]} == {
        lead.organisation_id: 30_000, partner.organisation_id: 60_000}
    assert "would_pay" not in r.get_json() and r.get_json()["may_steer"] is False
    # once bought, a group member that does not take part no longer sees it
    other = people["chair"]
    assert api(other).get(f"{BASE}/{p.id}").status_code == 200
    services.schedule(lead, p.id, scheduled_for=later(), purchaser_id=lead.id)
    services.order(lead, p.id, order_number="1", cost=(100, "CNY"))
    assert api(other).get(f"{BASE}/{p.id}").status_code == 404
    assert api(partner).get(f"{BASE}/{p.id}").status_code == 200


def test_staff_steer_and_the_lead_steers(people, partner, api):
    p = scheduled(people["member"], partner)
    r = api(people["staff"]).post(f"{BASE}/{p.id}/schedule", json={
        "scheduled_for": later(4).isoformat(), "purchaser_id": people["staff"].id})
    assert r.status_code == 200
    r = api(people["member"]).post(f"{BASE}/{p.id}/cancel", json={"reason": "seller gone"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"


def test_each_brand_authenticates_its_own_item_once(people, partner, api):
    lead = people["member"]
    p = received(lead, partner)
    r = api(partner).post(f"{BASE}/{p.id}/authentication",
                          json={"verdict": "genuine", "method": "serials"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "received" and body["verdict"] == "genuine"
    assert [(a["organization"]["id"], a["verdict"]) for a in body["authentications"]] == [
        (partner.organisation_id, "genuine")]
    assert [o["id"] for o in body["awaiting_verdicts"]] == [lead.organisation_id]
    # once only: the partner cannot change its verdict...
    r = api(partner).post(f"{BASE}/{p.id}/authentication",
                          json={"verdict": "counterfeit", "method": "again"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "already_authenticated"
    # ...and its verdict neither replaces nor blocks the lead's own on its own item
    r = api(lead).post(f"{BASE}/{p.id}/authentication",
                       json={"verdict": "counterfeit", "method": "hologram", "notes": "fake"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "authenticated" and body["verdict"] == "counterfeit"
    assert {a["organization"]["id"]: a["verdict"] for a in body["authentications"]} == {
        partner.organisation_id: "genuine", lead.organisation_id: "counterfeit"}
    assert body["awaiting_verdicts"] == []
    for a in body["authentications"]:
        assert set(a) >= {"organization", "verdict", "method", "at"}


def test_a_verdict_is_only_for_participating_member_companies(people, partner, api, make):
    p = received(people["member"], partner)
    for user in (people["staff"], people["admin"]):
        r = api(user).post(f"{BASE}/{p.id}/authentication", json={"verdict": "genuine",
                                                                  "method": "x"})
        assert r.status_code == 403
    assert api(people["outsider"]).post(f"{BASE}/{p.id}/authentication", json={
        "verdict": "genuine", "method": "x"}).status_code == 404
    colleague = make.make_user("member", partner.organisation)
    assert api(colleague).post(f"{BASE}/{p.id}/authentication", json={
        "verdict": "inconclusive", "method": "x"}).status_code == 200
    assert api(partner).post(f"{BASE}/{p.id}/authentication", json={
        "verdict": "genuine", "method": "x"}).status_code == 409


def test_the_hook_hears_the_combined_verdict_once_when_every_brand_has_given_its_own(
        people, partner):
    heard = []

    def listener(purchase, actor):
        heard.append((purchase.id, purchase.verdict, purchase.status, actor.id))

    hooks.on_authenticated(listener)
    try:
        p = received(people["member"], partner)
        services.authenticate(partner, p.id, verdict="counterfeit", method="x")
        assert heard == []
        services.authenticate(people["member"], p.id, verdict="genuine", method="y")
    finally:
        hooks.off_authenticated(listener)
    assert heard == [(p.id, "counterfeit", "authenticated", people["member"].id)]
    assert p.authenticated_at is not None


def test_the_lead_may_close_with_the_verdicts_so_far(people, partner, api):
    heard = []
    hooks.on_authenticated(lambda purchase, actor: heard.append(purchase.verdict))
    try:
        p = received(people["member"], partner)
        lead = api(people["member"])
        r = lead.post(f"{BASE}/{p.id}/close", json={"summary": "no verdict yet"})
        assert r.status_code == 409
        api(partner).post(f"{BASE}/{p.id}/authentication", json={"verdict": "inconclusive",
                                                                 "method": "x"})
        assert api(partner).post(f"{BASE}/{p.id}/close", json={"summary": "x"}).status_code == 403
        r = lead.post(f"{BASE}/{p.id}/close", json={"summary": "the lead's brand never answered"})
        assert r.status_code == 200
        assert (r.get_json()["status"], r.get_json()["verdict"]) == ("closed", "inconclusive")
    finally:
        hooks._authenticated.pop()
    assert heard == ["inconclusive"]


def test_outcomes_are_steering_and_follow_a_counterfeit_item(people, partner, api):
    p = received(people["member"], partner)
    services.authenticate(partner, p.id, verdict="counterfeit", method="x")
    r = api(partner).post(f"{BASE}/{p.id}/outcome", json={"taken_down": True})
    assert r.status_code == 403
    r = api(people["member"]).post(f"{BASE}/{p.id}/outcome", json={"taken_down": True})
    assert r.status_code == 200 and r.get_json()["outcome"]["taken_down"] is True


def _joint_buy(lead, others, cost, seller, group):
    p = services.propose(lead, platform="taobao", seller_id=seller, working_group=group,
                         reason="x", weight=others[0][1])
    for user, weight in others[1:]:
        services.join(user, p.id, weight)
    services.schedule(lead, p.id, scheduled_for=later(), purchaser_id=lead.id)
    services.order(lead, p.id, order_number=seller, cost=(cost, "CNY"))
    return p


def test_the_ledger_pairs_only_counterparties_and_shows_each_only_its_transfers(
        make, api, as_user, people):
    a, b, c = (make.make_user("member", groups=("luxury-goods",)) for _ in range(3))
    d, e, f = (make.make_user("member", groups=("pharmaceutical",)) for _ in range(3))
    _joint_buy(a, [(a, 7), (b, 4), (c, 3)], 14_000, "shop-abc", "luxury-goods")  # a +7000
    _joint_buy(d, [(d, 4), (e, 2), (f, 2)], 8_000, "shop-def", "pharmaceutical")  # d +4000
    org = {u: u.organisation_id for u in (a, b, c, d, e, f)}
    ledger = api(people["staff"]).get("/api/v1/ledger").get_json()
    pairs = {(s["from"]["id"], s["to"]["id"], s["amount"]["amount"]) for s in ledger["settlements"]}
    # b's debt equals d's claim, but b and d never dealt with each other
    assert pairs == {(org[b], org[a], 4000), (org[c], org[a], 3000),
                     (org[e], org[d], 2000), (org[f], org[d], 2000)}
    mine = api(b).get("/api/v1/ledger").get_json()
    assert [(s["from"]["id"], s["to"]["id"]) for s in mine["settlements"]] == [(org[b], org[a])]
    assert [x["organization"]["id"] for x in mine["balances"]] == [org[b]]
    page = as_user(b).get("/test-purchases/ledger").get_data(as_text=True)
    assert d.organisation.name not in page and a.organisation.name in page
    # the suggested payment is one the payee can record
    r = api(a).post("/api/v1/ledger/settlements", json={"from": org[b], "to": org[a],
                                                        "amount": 4000})
    assert r.status_code == 201
    assert api(b).get("/api/v1/ledger").get_json() == {"balances": [], "settlements": []}
