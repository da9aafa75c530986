"""Webhooks: signed deliveries of every event type to a real receiver, retries with backoff,
switching off a URL that keeps failing, and nothing for an organisation that may not see."""

import time
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.notifications.models import Notification
from portal.webhooks import services
from portal.webhooks.models import Webhook, WebhookDelivery
from tests.queqiao.tipkit import make_tip
from tests.queqiao_rules.helpers import listing, make_rule, scan_dicts
from tests.support import factories
from tests.support.receiver import start_receiver
from tests.testbuys.helpers import scheduled
from tests.workinggroups.helpers import make_meeting


@pytest.fixture
def receiver(app):
    """A live receiver; loopback is allowed explicitly for it."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = 1
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 0.05
    r = start_receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def register(api, user, receiver, events, path="/hook"):
    """Register a webhook through the API: (id, secret)."""
    answer = api(user).post("/api/v1/webhooks", json={"url": receiver.url + path,
                                                      "events": events})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    return body["id"], body["secret"]


def only(receiver, type_, path="/hook"):
    """The one delivery of `type_` that reached `path`, its signature checked by the caller."""
    found = [r for r in receiver.of_type(type_) if r.path == path]
    assert len(found) == 1, [r.headers.get("X-Portal-Event") for r in receiver.received]
    return found[0]


def test_registration_sends_a_signed_ping(api, people, receiver):
    hook_id, secret = register(api, people["member"], receiver, ["tip.accepted"])
    ping = only(receiver, "ping")
    assert ping.signed_with(secret)
    assert not ping.signed_with(secret + "x")
    event = ping.event
    assert set(event) == {"id", "type", "at", "data"}
    assert event["type"] == "ping" and event["data"]["webhook"]["id"] == hook_id
    assert ping.headers["Content-Type"] == "application/json"
    log = api(people["member"]).get(f"/api/v1/webhooks/{hook_id}/deliveries").get_json()
    assert [(d["type"], d["status"], d["response_code"], d["attempts"], d["event_id"])
            for d in log["items"]] == [("ping", "delivered", 200, 1, event["id"])]


def _tip_events(author, staff):
    tip = make_tip(author, status="submitted")
    from queqiao.tips import services as tips

    tips.review_tip(staff, tip, "needs_info", "Which shop?")
    tips.add_comment(staff, tip, "Please add the shop link.")
    return tip


def test_every_event_type_arrives_signed(api, people, receiver):
    from advisory import services as advisory
    from queqiao.scanning.models import Hit
    from queqiao.scanning.services import set_outcome
    from tests.advisory.helpers import draft
    from workinggroups.meetings import services as meetings

    member, staff, chair = people["member"], people["staff"], people["chair"]
    partner = factories.make_user("member", groups=("luxury-goods",))
    member_events = ["tip.accepted", "tip.rejected", "tip.needs_info", "tip.comment",
                     "test_purchase.status", "recommendation.status", "meeting.scheduled",
                     "meeting.changed"]
    staff_events = ["tip.submitted", "rule.activated", "hit.created", "hit.outcome"]
    assert sorted(member_events + staff_events) == sorted(services.EVENT_TYPES)
    _id, member_secret = register(api, member, receiver, member_events, "/member")
    _id, staff_secret = register(api, staff, receiver, staff_events, "/platform")

    accepted = make_tip(member, status="accepted", staff=staff)
    make_tip(member, status="rejected", staff=staff)
    _tip_events(member, staff)
    make_rule(staff, status="active")
    scan_dicts(staff, listing())
    set_outcome(staff, db.session.scalars(db.select(Hit)).first(), "taken_down")
    scheduled(partner, member)
    advisory.submit(chair, draft(chair))
    meeting = make_meeting(chair)
    meetings.answer(member, meeting, "yes")
    meetings.reschedule(chair, meeting, title="Moved review", starts_at=meeting.starts_at,
                        ends_at=meeting.ends_at, timezone=meeting.timezone, mode=meeting.mode)

    for path, secret, types in (("/member", member_secret, member_events),
                                ("/platform", staff_secret, staff_events)):
        for type_ in types:
            arrived = [r for r in receiver.of_type(type_) if r.path == path]
            assert arrived, f"no {type_} at {path}"
            for r in arrived:
                assert r.signed_with(secret), type_
                event = r.event
                assert event["type"] == type_ and event["id"] and event["at"]
    accepted_event = [r.event for r in receiver.of_type("tip.accepted")][0]
    assert accepted_event["data"]["object"] == {
        "type": "tips", "id": accepted.id, "url": f"/queqiao/tips/{accepted.id}"}
    assert accepted_event["data"]["status"] == "accepted"
    assert accepted_event["data"]["title"].startswith("Your tip")
    # Events only reach the systems that asked for them.
    assert not [r for r in receiver.received if r.path == "/member"
                and r.headers["X-Portal-Event"] in staff_events]


def _wait_until_due(delivery_id: int) -> None:
    db.session.expire_all()
    due = db.session.get(WebhookDelivery, delivery_id).next_attempt_at
    from portal.models import utcnow

    pause = (due - utcnow()).total_seconds()
    if pause > 0:
        time.sleep(pause + 0.01)


def test_a_failing_receiver_is_retried_with_exponential_backoff(app, api, people, receiver):
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 0.4
    receiver.script = [500, 503, 200]
    hook_id, secret = register(api, people["member"], receiver, ["tip.accepted"])
    delivery = db.session.scalars(db.select(WebhookDelivery)).one()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == timedelta(seconds=0.4)
    first_due = delivery.next_attempt_at
    assert services.run_due() == 0  # not due yet: nothing is sent early
    _wait_until_due(delivery.id)
    assert services.run_due() == 1
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery.id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 2, 503)
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(seconds=0.8)
    second_due = delivery.next_attempt_at
    _wait_until_due(delivery.id)
    assert services.run_due() == 1
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery.id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    attempts = receiver.of_type("ping")
    assert len(attempts) == 3
    # The same event, byte for byte, under the same id: a receiver can drop repeats.
    assert len({a.body for a in attempts}) == 1
    assert {a.headers["X-Portal-Delivery"] for a in attempts} == {delivery.event_id}
    assert all(a.signed_with(secret) for a in attempts)
    # No attempt reached the receiver before it was due.
    assert attempts[1].at >= first_due.timestamp()
    assert attempts[2].at >= second_due.timestamp()
    assert services.run_due() == 0


def test_a_url_that_keeps_failing_is_switched_off_and_its_organisation_told(
        app, api, as_user, people, receiver):
    app.config.update(WEBHOOK_ATTEMPTS=2, WEBHOOK_DISABLE_AFTER=2)
    member = people["member"]
    colleague = factories.make_user("member", org=member.organisation)
    receiver.status = 500
    hook_id, _secret = register(api, member, receiver, ["tip.accepted"])
    ping = db.session.scalars(db.select(WebhookDelivery)).one()
    _wait_until_due(ping.id)
    services.run_due()
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, ping.id).status == "failed"
    assert db.session.get(Webhook, hook_id).failures == 1
    assert db.session.get(Webhook, hook_id).active

    make_tip(member, status="accepted")
    accepted = db.session.scalars(db.select(WebhookDelivery).where(
        WebhookDelivery.type == "tip.accepted")).one()
    _wait_until_due(accepted.id)
    services.run_due()
    db.session.expire_all()
    hook = db.session.get(Webhook, hook_id)
    assert not hook.active and hook.disabled_at is not None and hook.failures == 2
    told = db.session.scalars(db.select(Notification.user_id).where(
        Notification.type == "webhook.disabled")).all()
    assert sorted(told) == sorted([member.id, colleague.id])
    assert len(receiver.received) == 4

    page = as_user(colleague).get(f"/webhooks/{hook_id}")
    assert b"switched off" in page.data and b"Switch on again" in page.data
    listing_page = as_user(colleague).get("/webhooks/")
    assert b"switched off" in listing_page.data
    # Switched off: nothing more is queued for it.
    make_tip(member, status="accepted")
    assert db.session.scalar(db.select(db.func.count()).select_from(WebhookDelivery)) == 2

    receiver.status = 200
    assert as_user(member).post(f"/webhooks/{hook_id}/enable").status_code == 302
    db.session.expire_all()
    assert db.session.get(Webhook, hook_id).active
    answer = api(member).post(f"/api/v1/webhooks/{hook_id}/deliveries/{accepted.id}/redeliver")
    assert answer.status_code == 202
    db.session.expire_all()
    again = db.session.get(WebhookDelivery, accepted.id)
    assert (again.status, again.response_code, again.attempts) == ("delivered", 200, 1)
    assert receiver.received[-1].event["id"] == accepted.event_id


def test_an_organisation_that_may_not_see_a_tip_receives_nothing_about_it(
        api, people, receiver):
    from queqiao.tips import services as tips

    author, staff = people["member"], people["staff"]
    rival = people["outsider"]  # a competitor brand in another working group
    tip = make_tip(author, status="accepted", staff=staff, sharing="alliance")
    register(api, rival, receiver, ["tip.comment", "tip.accepted", "meeting.scheduled"],
             "/rival")
    receiver.script = [500]  # the first event after the ping fails
    tips.add_comment(rival, tip, "We see these sellers too.")
    tips.add_comment(staff, tip, "Which platform?")  # those who took part are told
    rival_comment = db.session.scalars(db.select(WebhookDelivery).where(
        WebhookDelivery.type == "tip.comment")).one()
    assert rival_comment.status == "retrying"
    # Access narrowed before the retry: the policy is asked again at send time.
    tips.change_sharing(author, tip, "working_group")
    _wait_until_due(rival_comment.id)
    services.run_due()
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, rival_comment.id).status == "withheld"
    assert len(receiver.of_type("tip.comment")) == 1  # only the failed attempt

    tips.add_comment(staff, tip, "Thanks, noted.")
    make_tip(author, status="accepted", staff=staff, sharing="working_group")
    make_meeting(people["chair"])
    assert [r.headers["X-Portal-Event"] for r in receiver.received] == ["ping", "tip.comment"]
    assert db.session.scalar(db.select(db.func.count()).select_from(WebhookDelivery)) == 2
    # The author's own organisation, which may see it, was not registered: nothing else went.


def test_a_name_pointed_at_loopback_after_registration_is_not_sent_to(
        app, api, people, receiver, monkeypatch):
    """DNS rebinding: the address is checked again before every attempt."""
    import socket

    from portal.webhooks import addresses

    app.config["WEBHOOK_ALLOW_PRIVATE"] = 0
    port = receiver.server.server_address[1]
    answers = {"hooks.example.com": "93.184.215.14"}

    def fake_getaddrinfo(host, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(services, "_enqueue", lambda *a, **k: None)  # sent below, by hand
    answer = api(people["member"]).post("/api/v1/webhooks", json={
        "url": f"http://hooks.example.com:{port}/hook", "events": ["tip.accepted"]})
    assert answer.status_code == 201
    answers["hooks.example.com"] = "127.0.0.1"
    ping = db.session.scalars(db.select(WebhookDelivery)).one()
    services.attempt(ping.id)
    db.session.expire_all()
    ping = db.session.get(WebhookDelivery, ping.id)
    assert ping.status == "retrying" and "loopback" in ping.error
    assert receiver.received == []


def test_the_minute_job_sends_what_is_due_and_what_a_lost_worker_held(api, people, receiver):
    from portal.models import utcnow

    receiver.script = [500]
    hook_id, secret = register(api, people["member"], receiver, ["tip.accepted"])
    ping = db.session.scalars(db.select(WebhookDelivery)).one()
    _wait_until_due(ping.id)
    services.retry_webhooks.run_now()
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, ping.id).status == "delivered"
    # A worker that died while sending leaves the row "sending"; once its lease ran out the
    # minute job sends it again, same id.
    db.session.execute(db.update(WebhookDelivery).values(
        status="sending", next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    services.retry_webhooks.run_now()
    assert len({r.event["id"] for r in receiver.received}) == 1 and len(receiver.received) == 3


def test_each_organisation_reads_the_event_in_its_readers_language(api, people, receiver):
    author = factories.make_user("member", locale="zh")
    register(api, author, receiver, ["tip.accepted"], "/zh")
    make_tip(author, status="accepted")
    event = only(receiver, "tip.accepted", "/zh").event
    assert event["data"]["status"] == "accepted"
    assert "线索" in event["data"]["title"]
