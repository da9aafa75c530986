"""The pages do as the API: ask to join, approve or decline, steer only as the lead or staff,
one verdict form per brand, open purchases of one's groups listed with the share."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from testbuys import services
from testbuys.models import Participant, TestPurchase
from tests.testbuys.helpers import later, propose, received, scheduled


@pytest.fixture
def partner(make):
    """A person of a second member company of the luxury-goods group."""
    return make.make_user("member", groups=("luxury-goods",))


def _row(org_id):
    db.session.expire_all()
    return db.session.scalar(select(Participant).where(Participant.organisation_id == org_id))


def test_a_rival_told_of_a_duplicate_only_asks_and_the_lead_approves(people, as_user):
    lead, rival = people["member"], people["outsider"]
    p = propose(lead, "shop-88", budget=(80_000, "CNY"))
    page = as_user(rival).post("/test-purchases/new", data={
        "platform": "taobao", "seller_id": "shop-88", "reason": "x"})
    assert page.status_code == 409 and 'id="join-instead"' in page.get_data(as_text=True)
    r = as_user(rival).post(f"/test-purchases/{p.id}/join", data={"weight": "2"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/test-purchases")
    assert _row(rival.organisation_id).status == "requested"
    assert as_user(rival).get(f"/test-purchases/{p.id}").status_code == 404
    # steps and decisions on a purchase it cannot see: 404, as for one that does not exist
    for path in ("step/cancel", f"requests/{rival.organisation_id}/approve"):
        assert as_user(rival).post(f"/test-purchases/{p.id}/{path}",
                                   data={"cancel-reason": "x"}).status_code == 404
    html = as_user(lead).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="join-requests"' in html and rival.organisation.name in html
    r = as_user(lead).post(f"/test-purchases/{p.id}/requests/{rival.organisation_id}/approve")
    assert r.status_code == 303
    assert _row(rival.organisation_id).status == "active"
    html = as_user(rival).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    # it takes part but does not steer: no step forms, and a step it posts is refused
    for step in ("schedule", "cancel"):
        assert f'id="step-{step}"' not in html
    assert 'id="join-requests"' not in html
    assert as_user(rival).post(f"/test-purchases/{p.id}/step/cancel",
                               data={"cancel-reason": "mine now"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(TestPurchase, p.id).status == "proposed"


def test_declining_on_the_page_keeps_the_rival_out(people, as_user):
    lead, rival = people["member"], people["outsider"]
    p = propose(lead, "shop-89")
    services.join(rival, p.id, 1)
    r = as_user(people["staff"]).post(
        f"/test-purchases/{p.id}/requests/{rival.organisation_id}/decline")
    assert r.status_code == 303
    assert _row(rival.organisation_id).status == "declined"
    r = as_user(rival).post(f"/test-purchases/{p.id}/join", data={"weight": "1"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/test-purchases")
    assert _row(rival.organisation_id).status == "declined"


@pytest.mark.parametrize("who,status", [("partner", 403), ("admin", 403), ("chair", 403),
                                        ("member", 303), ("staff", 303)])
def test_who_may_decide_on_the_page(people, partner, as_user, make, who, status):
    p = scheduled(people["member"], partner)
    asker = make.make_user("member", groups=("pharmaceutical",))
    services.join(asker, p.id, 1)
    user = partner if who == "partner" else people[who]
    r = as_user(user).post(f"/test-purchases/{p.id}/requests/{asker.organisation_id}/approve")
    assert r.status_code == status
    assert _row(asker.organisation_id).status == ("active" if status == 303 else "requested")


def test_group_members_find_open_purchases_with_their_share_and_join(people, partner, as_user):
    p = propose(people["member"], "shop-open", budget=(90_000, "CNY"))
    c = as_user(partner)
    html = c.get("/test-purchases").get_data(as_text=True)
    assert 'id="joinable"' in html and f'data-purchase="{p.id}"' in html
    assert "450.00" in html[html.index('id="joinable"'):]  # half of 900.00 at weight 1
    show = c.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="join-button"' in show and 'id="would-pay"' in show
    assert 'id="step-schedule"' not in show and 'id="step-cancel"' not in show
    assert c.post(f"/test-purchases/{p.id}/join", data={"weight": "2"}).status_code == 303
    assert _row(partner.organisation_id).status == "active"
    assert 'id="joinable"' not in c.get("/test-purchases").get_data(as_text=True)
    # another group's members are not shown it
    assert f'data-purchase="{p.id}"' not in as_user(people["outsider"]).get(
        "/test-purchases").get_data(as_text=True)


def test_one_verdict_form_per_brand_and_steering_forms_for_the_lead(people, partner, as_user):
    lead = people["member"]
    p = received(lead, partner)
    mine = as_user(partner).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="step-authenticate"' in mine and 'id="step-cancel"' not in mine
    assert 'id="outcome-form"' not in mine
    r = as_user(partner).post(f"/test-purchases/{p.id}/step/authenticate", data={
        "authenticate-verdict": "genuine", "authenticate-method": "serials"})
    assert r.status_code == 303
    mine = as_user(partner).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="step-authenticate"' not in mine and 'id="authentications"' in mine
    # a second verdict of the same brand is refused; the lead's own is not blocked
    r = as_user(partner).post(f"/test-purchases/{p.id}/step/authenticate", data={
        "authenticate-verdict": "counterfeit", "authenticate-method": "again"})
    assert r.status_code in (403, 409)
    lead_page = as_user(lead).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="step-authenticate"' in lead_page and 'id="step-cancel"' in lead_page
    assert 'id="step-close"' in lead_page  # it may close with the verdicts so far
    r = as_user(lead).post(f"/test-purchases/{p.id}/step/authenticate", data={
        "authenticate-verdict": "counterfeit", "authenticate-method": "hologram"})
    assert r.status_code == 303
    db.session.expire_all()
    purchase = db.session.get(TestPurchase, p.id)
    assert (purchase.status, purchase.verdict) == ("authenticated", "counterfeit")
    assert {a.organisation_id: a.verdict for a in purchase.authentications} == {
        partner.organisation_id: "genuine", lead.organisation_id: "counterfeit"}
    page = as_user(partner).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="step-close"' not in page and 'id="outcome-form"' not in page
    assert as_user(partner).post(f"/test-purchases/{p.id}/step/close", data={
        "close-summary": "x"}).status_code == 403
    assert as_user(partner).post(f"/test-purchases/{p.id}/outcome", data={
        "outcome-taken_down": "y"}).status_code == 403


def test_staff_steer_from_the_page(people, partner, as_user):
    p = scheduled(people["member"], partner)
    page = as_user(people["staff"]).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="step-schedule"' in page and 'id="step-order"' in page
    r = as_user(people["staff"]).post(f"/test-purchases/{p.id}/step/schedule", data={
        "schedule-scheduled_for": later(5).strftime("%Y-%m-%dT%H:%M"),
        "schedule-purchaser_id": people["staff"].id})
    assert r.status_code == 303


def test_only_those_who_steer_may_drag_a_buy_on_the_calendar(people, partner, as_user):
    p = scheduled(people["member"], partner)
    day = p.scheduled_for.date().isoformat()
    url = f"/test-purchases/{p.id}/reschedule"
    theirs = as_user(partner).get(f"/test-purchases/calendar?date={day}").get_data(as_text=True)
    assert f"/test-purchases/{p.id}" in theirs and url not in theirs
    assert as_user(partner).post(url, json={"scheduled_for": later(6).isoformat()}
                                 ).status_code == 403
    lead = as_user(people["member"]).get(f"/test-purchases/calendar?date={day}").get_data(
        as_text=True)
    assert url in lead
