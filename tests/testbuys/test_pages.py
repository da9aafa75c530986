"""Test purchase pages: who sees what, forms, errors, calendar, ledger, reports, dossier."""

import io

import pytest
from sqlalchemy import select
from sqlalchemy import update as sa_update

from portal.extensions import db
from testbuys import services
from testbuys.models import TestPurchase
from tests.support.queries import statements
from tests.testbuys.helpers import PNG, later, propose, received, scheduled


@pytest.fixture
def partner(make):
    """A person of a second member company."""
    return make.make_user("member", groups=("luxury-goods",))


@pytest.mark.parametrize("path", ["/test-purchases", "/test-purchases/calendar",
                                  "/test-purchases/calendar?view=week&date=2026-02-03",
                                  "/test-purchases/reports", "/test-purchases/ledger",
                                  "/test-purchases/new"])
@pytest.mark.parametrize("who", ["member", "outsider", "chair", "staff", "admin"])
def test_pages_answer_each_role(people, as_user, who, path):
    expected = 404 if (who == "admin" and path.endswith("/new")) else 200
    assert as_user(people[who]).get(path).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/test-purchases").status_code == 302
    assert client.get("/test-purchases/1").status_code == 302


def test_empty_list(people, as_user):
    page = as_user(people["member"]).get("/test-purchases")
    assert b"No test purchases yet." in page.data


def test_list_reads_in_chinese(as_user, make):
    chinese = as_user(make.make_user("member", locale="zh")).get("/test-purchases")
    assert "还没有测试购买。" in chinese.get_data(as_text=True)


def test_new_form_opens_prefilled_from_a_rule_hit_link(people, as_user):
    page = as_user(people["staff"]).get(
        "/test-purchases/new?source_kind=rule_hit&source_ref=42&platform=tmall&seller_id=s-9"
        "&listing_url=https://item.example/9").get_data(as_text=True)
    assert 'value="tmall"' in page and 'value="s-9"' in page and 'value="42"' in page
    assert 'value="rule_hit"' in page and "https://item.example/9" in page


def test_proposing_through_the_form_and_the_join_instead_offer(people, partner, as_user):
    form = {"platform": "taobao", "seller_id": "s-1", "listing_url": "https://item.example/1",
            "working_group": "luxury-goods", "reason": "fake", "budget": "800.50", "weight": "1",
            "source_kind": "rule_hit", "source_ref": "77"}
    # only platform staff propose from a rule hit; a member's form says so
    r = as_user(people["member"]).post("/test-purchases/new", data=form)
    assert r.status_code == 422 and b"Only platform staff" in r.data
    form["source_kind"] = "member"
    r = as_user(people["member"]).post("/test-purchases/new", data=form)
    assert r.status_code == 303
    p = db.session.scalar(select(TestPurchase))
    assert (p.budget_amount, p.source_kind, p.source_ref) == (80050, "member", "77")
    r = as_user(partner).post("/test-purchases/new", data=form)
    assert r.status_code == 409
    assert b"duplicate-offer" in r.data and b"Join instead" in r.data
    r = as_user(partner).post(f"/test-purchases/{p.id}/join", data={"weight": "3"})
    assert r.status_code == 303
    page = as_user(partner).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert partner.organisation.name in page and "¥600.38" in page and "¥200.12" in page


@pytest.mark.parametrize("field,value", [("budget", "-5"), ("budget", "abc"), ("seller_id", ""),
                                         ("listing_url", "ftp://x"), ("weight", "0")])
def test_bad_form_input_is_shown_with_422(people, as_user, field, value):
    form = {"platform": "taobao", "seller_id": "s-1", "budget": "10", "weight": "1",
            field: value}
    r = as_user(people["member"]).post("/test-purchases/new", data=form)
    assert r.status_code == 422
    assert b"is-invalid" in r.data


def test_purchase_page_is_404_to_others(people, as_user):
    p = propose(people["member"])
    assert as_user(people["outsider"]).get(f"/test-purchases/{p.id}").status_code == 404
    assert as_user(people["staff"]).get(f"/test-purchases/{p.id}").status_code == 200


def test_each_step_through_the_page_forms(people, partner, as_user):
    p = propose(people["member"])
    services.join(partner, p.id, 1)
    c = as_user(people["member"])
    r = c.post(f"/test-purchases/{p.id}/step/schedule", data={
        "schedule-scheduled_for": "2020-01-01T10:00", "schedule-purchaser_id": people["member"].id})
    assert r.status_code == 422 and b"before it was proposed" in r.data
    r = c.post(f"/test-purchases/{p.id}/step/close", data={"close-summary": "x"})
    assert r.status_code == 409 and b"cannot be close" in r.data
    from tests.testbuys.helpers import later

    when = later(2).strftime("%Y-%m-%dT%H:%M")
    assert c.post(f"/test-purchases/{p.id}/step/schedule", data={
        "schedule-scheduled_for": when,
        "schedule-purchaser_id": people["member"].id}).status_code == 303
    assert c.post(f"/test-purchases/{p.id}/step/order", data={
        "order-order_number": "X", "order-cost": "0"}).status_code == 422
    assert c.post(f"/test-purchases/{p.id}/step/order", data={
        "order-order_number": "X", "order-cost": "100.01"}).status_code == 303
    assert c.post(f"/test-purchases/{p.id}/step/receive", data={}).status_code == 303
    assert c.post(f"/test-purchases/{p.id}/evidence", data={
        "file": (io.BytesIO(PNG), "label.png"), "description": "label"},
        content_type="multipart/form-data").status_code == 303
    assert as_user(people["staff"]).post(f"/test-purchases/{p.id}/step/authenticate", data={
        "authenticate-verdict": "genuine", "authenticate-method": "x"}).status_code == 403
    assert as_user(partner).post(f"/test-purchases/{p.id}/step/authenticate", data={
        "authenticate-verdict": "counterfeit", "authenticate-method": "label"}).status_code == 303
    assert c.post(f"/test-purchases/{p.id}/outcome", data={
        "outcome-taken_down": "y", "outcome-value_involved": "60000"}).status_code == 303
    page = c.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert 'id="referral-link"' in page and 'data-ok="yes"' in page
    response = c.get(f"/test-purchases/{p.id}/referral")
    dossier = response.get_data(as_text=True)
    assert "label.png" in dossier and p.custody[0].hash in dossier
    import base64
    import hashlib
    import re

    style = re.search(r"<style>(.*?)</style>", dossier).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert c.post(f"/test-purchases/{p.id}/step/close", data={
        "close-summary": "done"}).status_code == 303
    assert db.session.get(TestPurchase, p.id).status == "closed"
    with c.get(f"/test-purchases/{p.id}/evidence/{p.evidence[0].id}") as photo:
        assert photo.data == PNG
    assert as_user(people["outsider"]).get(
        f"/test-purchases/{p.id}/evidence/{p.evidence[0].id}").status_code == 404


def test_calendar_shows_scheduled_buys_with_filters(people, partner, as_user):
    p = scheduled(people["member"], partner)
    day = p.scheduled_for.date().isoformat()
    page = as_user(partner).get(f"/test-purchases/calendar?date={day}").get_data(as_text=True)
    assert f"/test-purchases/{p.id}" in page
    week = as_user(partner).get(f"/test-purchases/calendar?view=week&date={day}&status=closed")
    assert f"/test-purchases/{p.id}" not in week.get_data(as_text=True)
    hidden = as_user(people["outsider"]).get(f"/test-purchases/calendar?date={day}")
    assert f"/test-purchases/{p.id}" not in hidden.get_data(as_text=True)


def test_calendar_feed_lists_only_visible_buys(people, partner, as_user, app):
    p = scheduled(people["member"], partner)
    from portal.calendar import user_calendar

    assert f"test-purchase-{p.id}".encode() in user_calendar(partner)
    assert f"test-purchase-{p.id}".encode() not in user_calendar(people["outsider"])


def test_ledger_page_csv_and_settlement_form(people, partner, as_user):
    received(people["member"], partner, cost=9_000)
    c = as_user(partner)
    assert "¥60.00" in c.get("/test-purchases/ledger").get_data(as_text=True)
    csv = as_user(people["staff"]).get("/test-purchases/ledger.csv")
    assert csv.mimetype == "text/csv" and "settlement" in csv.get_data(as_text=True)
    # the payer cannot record its own payment; the payee confirms receipt
    r = c.post("/test-purchases/ledger/settlements", data={
        "from_org": partner.organisation_id, "to_org": people["member"].organisation_id,
        "amount": "60.00"})
    assert r.status_code == 403
    payee = as_user(people["member"])
    page = payee.get("/test-purchases/ledger").get_data(as_text=True)
    form = page[page.index('id="settlement-form"'):]
    assert f'value="{partner.organisation_id}"' in form
    assert f'value="{people["outsider"].organisation_id}"' not in form
    r = payee.post("/test-purchases/ledger/settlements", data={
        "from_org": partner.organisation_id, "to_org": people["member"].organisation_id,
        "amount": "-1"})
    assert r.status_code == 422
    r = payee.post("/test-purchases/ledger/settlements", data={
        "from_org": partner.organisation_id, "to_org": people["member"].organisation_id,
        "amount": "60.00"})
    assert r.status_code == 303
    assert "All settled." in c.get("/test-purchases/ledger").get_data(as_text=True)


def test_reports_page_has_charts_without_inline_script(people, partner, as_user):
    p = received(people["member"], partner)
    services.authenticate(partner, p.id, verdict="counterfeit", method="x")
    page = as_user(people["staff"]).get("/test-purchases/reports").get_data(as_text=True)
    assert "chart.umd.min.js" in page and 'class="tp-chart"' in page and "100 %" in page


def test_dragging_on_the_calendar_reschedules_with_the_clash_check(people, partner, as_user):
    from tests.testbuys.helpers import later

    p = scheduled(people["member"], partner)
    c = as_user(people["member"])
    headers = {"Accept": "application/json"}
    day = later(4).strftime("%Y-%m-%dT10:00:00+00:00")
    r = c.post(f"/test-purchases/{p.id}/reschedule", json={"scheduled_for": day}, headers=headers)
    assert r.status_code == 200
    assert db.session.get(TestPurchase, p.id).scheduled_for.isoformat() == day
    assert c.post(f"/test-purchases/{p.id}/reschedule", json={"scheduled_for": "soon"},
                  headers=headers).status_code == 422
    assert as_user(people["outsider"]).post(f"/test-purchases/{p.id}/reschedule", json={
        "scheduled_for": day}, headers=headers).status_code == 404
    page = c.get(f"/test-purchases/calendar?date={day[:10]}").get_data(as_text=True)
    assert f'data-reschedule-url="/test-purchases/{p.id}/reschedule"' in page
    assert 'data-reschedule-url' not in as_user(people["staff"]).get(
        f"/test-purchases/calendar?date={day[:10]}&status=closed").get_data(as_text=True)


def test_home_shows_open_purchases_to_those_who_take_part(people, partner, as_user):
    p = scheduled(people["member"], partner, seller="home-seller")
    assert "home-seller" in as_user(partner).get("/home").get_data(as_text=True)
    assert "home-seller" not in as_user(people["outsider"]).get("/home").get_data(as_text=True)
    assert "Open test purchases" not in as_user(people["admin"]).get("/home").get_data(
        as_text=True)
    assert p.status == "scheduled"


def test_purchase_page_and_dossier_read_in_chinese(people, as_user, make):
    reader = make.make_user("member", locale="zh", groups=("luxury-goods",))
    p = received(people["member"], reader, cost=6_000_000)
    services.authenticate(reader, p.id, verdict="counterfeit", method="防伪标签")
    c = as_user(reader)
    page = c.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert "参与方与费用分摊" in page and "证据保管链完整" in page and "假货" in page
    dossier = c.get(f"/test-purchases/{p.id}/referral").get_data(as_text=True)
    assert "移送执法机关" in dossier and "防伪标签" in dossier


def test_the_calendar_lists_purchasers_in_a_fixed_number_of_queries(people, make, as_user):
    """The purchaser filter does not load every purchase and then each purchaser."""
    member = people["member"]
    hidden = propose(people["outsider"], "shop-hidden", working_group="pharmaceutical")
    services.schedule(people["outsider"], hidden.id, scheduled_for=later(),
                      purchaser_id=people["outsider"].id)
    client = as_user(member)

    def ours() -> int:
        return len(db.session.scalars(select(TestPurchase.id).where(
            TestPurchase.proposer_org_id == member.organisation_id)).all())

    def load() -> tuple[int, str]:
        db.session.expire_all()
        with statements() as seen:
            page = client.get("/test-purchases/calendar?date=2026-01-01").get_data(as_text=True)
        return len(seen), page

    counts = {}
    for total in (2, 8):
        while ours() < total:
            buyer = make.make_user("member", member.organisation)
            p = propose(member, f"shop-{ours()}")
            services.schedule(member, p.id, scheduled_for=later(), purchaser_id=buyer.id)
        counts[total], page = load()
    assert counts[8] == counts[2], counts
    start = page.index('name="purchaser"')
    choices = page[start:page.index("</select>", start)]
    assert choices.count('<option value="') == 1 + 8  # "any purchaser" and each visible one
    assert f'<option value="{people["outsider"].id}"' not in choices


def test_the_calendar_reads_days_and_times_on_the_readers_clock(people, partner, as_user):
    """A buy at 20:30 UTC falls on the next day at 04:30 for a reader in Shanghai; dropped on
    another day it keeps 04:30 there."""
    from datetime import UTC, datetime, timedelta

    p = scheduled(people["member"], partner)
    evening = datetime.combine(p.scheduled_for.date(), datetime.min.time(), UTC) + timedelta(
        hours=20, minutes=30)
    db.session.execute(sa_update(TestPurchase).where(TestPurchase.id == p.id)
                       .values(scheduled_for=evening))
    people["member"].timezone = "Asia/Shanghai"
    db.session.commit()
    c = as_user(people["member"])
    utc_day, local_day = evening.date(), (evening + timedelta(hours=8)).date()
    page = c.get(f"/test-purchases/calendar?view=week&date={local_day}").get_data(as_text=True)
    cell = page[page.index(f'data-day="{local_day}"'):]
    cell = cell[:cell.index("</td>")]
    assert f"/test-purchases/{p.id}" in cell and "04:30" in cell
    assert "Asia/Shanghai" in page[page.index('id="calendar-zone"'):][:200]
    utc_cell = page[page.index(f'data-day="{utc_day}"'):] if f'data-day="{utc_day}"' in page else ""
    assert f"/test-purchases/{p.id}" not in utc_cell[:utc_cell.find("</td>")]

    target = local_day + timedelta(days=3)
    r = c.post(f"/test-purchases/{p.id}/reschedule", json={"date": target.isoformat()},
               headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_json()
    moved = db.session.get(TestPurchase, p.id).scheduled_for
    assert moved == evening + timedelta(days=3)
    assert c.post(f"/test-purchases/{p.id}/reschedule", json={"date": "friday"},
                  headers={"Accept": "application/json"}).status_code == 422


def test_the_list_is_read_a_page_at_a_time_keeping_its_filters(people, as_user, monkeypatch):
    monkeypatch.setattr("portal.paging.PER_PAGE", 2)
    ids = [propose(people["member"], seller=f"seller-{n}").id for n in range(3)]
    client = as_user(people["staff"])
    first = client.get("/test-purchases?status=proposed").get_data(as_text=True)
    assert f"seller-{2}" in first and "seller-0" not in first
    assert 'href="/test-purchases?status=proposed&amp;page=2"' in first
    second = client.get("/test-purchases?status=proposed&page=2").get_data(as_text=True)
    assert f'href="/test-purchases/{ids[0]}"' in second and "seller-2" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    past = client.get("/test-purchases?status=proposed&page=5")
    assert b"This page is past the end of the list." in past.data


def test_the_ledger_lists_every_balance_and_settlement(people, partner, as_user):
    received(people["member"], partner, cost=30_000)
    page = as_user(people["staff"]).get("/test-purchases/ledger").get_data(as_text=True)
    member_org, partner_org = people["member"].organisation.name, partner.organisation.name
    assert member_org in page and partner_org in page
    assert f"{partner_org} pays {member_org} ¥200.00" in page
    assert "text-success" in page and "text-danger" in page
