"""Who may keep webhooks, who sees them (nobody outside the organisation), which URLs are
refused, and the page: register with the secret shown once, the log, delete, Chinese."""

import pytest

from portal.extensions import db
from portal.webhooks import addresses
from portal.webhooks.models import Webhook, WebhookDelivery
from tests.support import factories
from tests.support.receiver import start_receiver


@pytest.fixture
def receiver(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = 1
    r = start_receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _register(api, user, receiver, events=("tip.accepted",)):
    answer = api(user).post("/api/v1/webhooks", json={"url": receiver.url + "/h",
                                                      "events": list(events)})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


@pytest.mark.parametrize("role,expected", [("member", 201), ("chair", 201), ("staff", 201),
                                           ("admin", 403)])
def test_members_and_staff_register_for_their_organisation_admins_cannot(
        api, people, receiver, role, expected):
    answer = api(people[role]).post("/api/v1/webhooks", json={
        "url": receiver.url + "/h", "events": ["meeting.scheduled"]})
    assert answer.status_code == expected
    if expected == 201:
        body = answer.get_json()
        assert body["secret"].startswith("whsec_") and body["events"] == ["meeting.scheduled"]
        hook = db.session.get(Webhook, body["id"])
        assert hook.organisation_id == people[role].organisation_id


def test_signed_out_callers_get_401(api):
    assert api(None).get("/api/v1/webhooks").status_code == 401
    assert api(None).post("/api/v1/webhooks", json={}).status_code == 401


def test_other_organisations_cannot_list_see_or_delete_a_webhook(api, people, receiver):
    owner = people["member"]
    colleague = factories.make_user("member", org=owner.organisation)
    hook_id = _register(api, owner, receiver)
    delivery_id = db.session.scalars(db.select(WebhookDelivery.id)).one()
    for role in ("outsider", "chair", "staff"):
        other = api(people[role])
        assert other.get("/api/v1/webhooks").get_json()["items"] == []
        assert other.get(f"/api/v1/webhooks/{hook_id}/deliveries").status_code == 404
        assert other.post(f"/api/v1/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver"
                          ).status_code == 404
        assert other.delete(f"/api/v1/webhooks/{hook_id}").status_code == 404
    admin = api(people["admin"])
    assert admin.get("/api/v1/webhooks").status_code == 403
    assert admin.get(f"/api/v1/webhooks/{hook_id}/deliveries").status_code == 403
    assert admin.delete(f"/api/v1/webhooks/{hook_id}").status_code == 403
    mine = api(colleague)
    assert [w["id"] for w in mine.get("/api/v1/webhooks").get_json()["items"]] == [hook_id]
    log = mine.get(f"/api/v1/webhooks/{hook_id}/deliveries").get_json()
    assert [d["id"] for d in log["items"]] == [delivery_id]
    assert "secret" not in mine.get("/api/v1/webhooks").get_json()["items"][0]
    assert mine.post(f"/api/v1/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver"
                     ).status_code == 202
    assert mine.post(f"/api/v1/webhooks/{hook_id}/deliveries/999/redeliver").status_code == 404
    assert mine.delete(f"/api/v1/webhooks/{hook_id}").status_code == 204
    assert mine.get("/api/v1/webhooks").get_json()["items"] == []
    assert mine.get(f"/api/v1/webhooks/{hook_id}/deliveries").status_code == 404
    assert mine.delete(f"/api/v1/webhooks/{hook_id}").status_code == 404
    assert mine.delete("/api/v1/webhooks/2147483648").status_code == 404


def test_a_deleted_webhook_is_sent_nothing_more(api, people, receiver):
    from tests.queqiao.tipkit import make_tip

    owner = people["member"]
    hook_id = _register(api, owner, receiver)
    assert api(owner).delete(f"/api/v1/webhooks/{hook_id}").status_code == 204
    make_tip(owner, status="accepted")
    assert [r.headers["X-Portal-Event"] for r in receiver.received] == ["ping"]


@pytest.mark.parametrize("body,field", [
    ({"url": "ftp://example.com/x", "events": ["tip.accepted"]}, "url"),
    ({"url": "not a url", "events": ["tip.accepted"]}, "url"),
    ({"url": "https://user:pw@example.com/", "events": ["tip.accepted"]}, "url"),
    ({"url": "", "events": ["tip.accepted"]}, "url"),
    ({"url": 7, "events": ["tip.accepted"]}, "url"),
    ({"url": "https://example.com/" + "a" * 2000, "events": ["tip.accepted"]}, "url"),
    ({"events": ["tip.accepted"]}, "url"),
    ({"url": "http://127.0.0.1:9/", "events": ["tip.launched"]}, "events"),
    ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
    ({"url": "http://127.0.0.1:9/", "events": "tip.accepted"}, "events"),
    ({"url": "http://127.0.0.1:9/", "events": [{"x": 1}]}, "events"),
    ({"url": "http://127.0.0.1:9/", "events": ["ping"]}, "events"),
])
def test_a_bad_url_or_unknown_event_is_422_with_the_field(app, api, people, body, field):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = 1
    answer = api(people["member"]).post("/api/v1/webhooks", json=body)
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://127.1.2.3:8080/", "http://10.1.2.3/", "http://172.16.0.9/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[fe80::1]/",
    "http://[fc00::1]/", "http://0.0.0.0/", "http://224.0.0.1/", "http://100.64.0.1/",
    "http://240.0.0.1/", "http://localhost:5000/hook",
])
def test_private_addresses_are_refused_without_the_allow_flag(api, people, url):
    answer = api(people["member"]).post("/api/v1/webhooks", json={
        "url": url, "events": ["tip.accepted"]})
    assert answer.status_code == 422
    assert "private" in answer.get_json()["error"]["fields"]["url"]


def test_a_host_name_resolving_to_loopback_is_refused(api, people, monkeypatch):
    import socket

    def resolves_to_loopback(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", resolves_to_loopback)
    answer = api(people["member"]).post("/api/v1/webhooks", json={
        "url": "https://hooks.example.com/in", "events": ["tip.accepted"]})
    assert answer.status_code == 422 and "url" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("address,public", [
    ("93.184.215.14", True), ("2606:4700::1111", True), ("127.0.0.1", False),
    ("::1", False), ("::ffff:169.254.1.1", False), ("::ffff:8.8.8.8", True),
    ("2002:0a00:0001::1", False), ("ff02::1", False), ("198.18.0.1", False),
])
def test_which_addresses_count_as_public(address, public):
    assert addresses.is_public(address) is public


def test_operators_can_register_a_webhook_to_a_private_address(app, runner, people):
    receiver = start_receiver()
    try:
        member = people["member"]
        result = runner.invoke(args=["webhook-create", member.email, receiver.url + "/in",
                                     "--events", "tip.accepted"])
        assert result.exit_code != 0 and "private" in result.output
        result = runner.invoke(args=["webhook-create", member.email, receiver.url + "/in",
                                     "--events", "tip.accepted", "--allow-private"])
        assert result.exit_code == 0, result.output
        secret = result.output.split("secret ", 1)[1].strip()
        assert receiver.of_type("ping")[0].signed_with(secret)
        hook_id = db.session.scalars(db.select(Webhook.id)).one()
        assert runner.invoke(args=["webhook-allow-private", str(hook_id), "--off"]).exit_code == 0
        db.session.expire_all()
        assert not db.session.get(Webhook, hook_id).allow_private
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


# --- the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("role,expected", [("member", 200), ("chair", 200), ("staff", 200),
                                           ("admin", 404)])
def test_the_page_is_for_members_and_staff(as_user, people, role, expected):
    page = as_user(people[role]).get("/webhooks/")
    assert page.status_code == expected
    if expected == 200:
        assert b"No webhooks yet" in page.data
        assert b'href="/webhooks/"' in page.data  # in the navigation


def test_the_page_needs_sign_in(client):
    assert client.get("/webhooks/").status_code == 302


def test_register_on_the_page_shows_the_secret_once(app, as_user, people, receiver):
    member = people["member"]
    c = as_user(member)
    page = c.post("/webhooks/", data={"url": receiver.url + "/in",
                                      "events": ["tip.accepted", "meeting.scheduled"]})
    assert page.status_code == 200
    hook = db.session.scalars(db.select(Webhook)).one()
    assert hook.secret.encode() in page.data and b'id="new-secret"' in page.data
    assert hook.events == ["tip.accepted", "meeting.scheduled"]
    again = c.get("/webhooks/")
    assert hook.secret.encode() not in again.data and receiver.url.encode() in again.data
    log = c.get(f"/webhooks/{hook.id}")
    assert log.status_code == 200 and b"ping" in log.data and b"delivered" in log.data
    assert b"Redeliver" in log.data and b"data-confirm" in log.data
    delivery = db.session.scalars(db.select(WebhookDelivery)).one()
    assert c.post(f"/webhooks/{hook.id}/deliveries/{delivery.id}/redeliver").status_code == 302
    assert len(receiver.of_type("ping")) == 2
    assert c.post(f"/webhooks/{hook.id}/delete").status_code == 302
    assert c.get(f"/webhooks/{hook.id}").status_code == 404


def test_the_page_form_shows_errors_with_the_input_kept(as_user, people):
    page = as_user(people["member"]).post("/webhooks/", data={"url": "http://10.0.0.7/in"})
    assert page.status_code == 422
    assert b"http://10.0.0.7/in" in page.data and b"Choose at least one event" in page.data
    assert b"private" in page.data


def test_another_organisations_webhook_pages_are_404(api, as_user, people, receiver):
    hook_id = _register(api, people["member"], receiver)
    delivery_id = db.session.scalars(db.select(WebhookDelivery.id)).one()
    for role in ("outsider", "chair", "staff", "admin"):
        c = as_user(people[role])
        assert c.get(f"/webhooks/{hook_id}").status_code == 404
        assert c.post(f"/webhooks/{hook_id}/delete").status_code == 404
        assert c.post(f"/webhooks/{hook_id}/enable").status_code == 404
        assert c.post(f"/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver"
                      ).status_code == 404
    assert db.session.get(Webhook, hook_id).deleted_at is None


def test_the_page_reads_in_chinese(as_user, people):
    member = factories.make_user("member", locale="zh")
    page = as_user(member).get("/webhooks/")
    assert page.status_code == 200
    assert "还没有 Webhook".encode() in page.data


def test_the_page_fits_a_phone(as_user, people):
    page = as_user(people["member"]).get("/webhooks/")
    assert b'class="table-responsive"' not in page.data  # empty state: no table at all
    assert b"col-lg-7" in page.data and b"col-lg-5" in page.data  # stacks below lg


def test_the_profile_links_to_the_webhooks_of_those_who_keep_them(as_user, people):
    assert b'id="profile-webhooks"' in as_user(people["member"]).get("/profile").data
    assert b'id="profile-webhooks"' not in as_user(people["admin"]).get("/profile").data
