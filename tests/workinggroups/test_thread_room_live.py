"""A thread's live room over a real network: whoever loses access stops receiving replies."""

import threading

import pytest
import requests
import socketio
from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import GroupMembership
from portal.accounts.tokens import issue_token
from portal.extensions import db
from workinggroups.membership import services as membership

from .helpers import make_thread

pytestmark = pytest.mark.live

SLUG = "luxury-goods"


def _reader(url, user):
    """A socket of `user` on the live server that has joined nothing yet, with its inbox."""
    _t, secret = issue_token(user, "socket")
    client = socketio.Client(reconnection=False)
    inbox: list[dict] = []
    arrived = threading.Event()

    @client.on("thread.post")
    def _on(data):
        inbox.append(data)
        arrived.set()

    client.connect(url, auth={"token": secret}, transports=["websocket"], wait_timeout=5)
    return client, inbox, arrived


def _post(url, token, thread_id, body):
    r = requests.post(f"{url}/api/v1/threads/{thread_id}/posts", json={"body": body},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text


def test_removed_company_and_deactivated_person_stop_receiving_live_replies(live_server, make):
    admin = make.make_user("admin")
    chair = make.make_user("chair", chair_of=SLUG)
    stays = make.make_user("member", groups=(SLUG,))
    removed = make.make_user("member", groups=(SLUG,))
    deactivated = make.make_user("member", groups=(SLUG,))
    thread_id = make_thread(chair, title="Holiday wave").id
    _t, chair_token = issue_token(chair, "writer")
    clients = {name: _reader(live_server.url, user) for name, user in
               (("stays", stays), ("removed", removed), ("deactivated", deactivated))}
    try:
        for client, _inbox, _arrived in clients.values():
            assert client.call("join_thread", {"id": thread_id}, timeout=10) == {"ok": True}
        _post(live_server.url, chair_token, thread_id, "Before: all three read this")
        for name, (_client, inbox, arrived) in clients.items():
            assert arrived.wait(10), f"{name} received nothing while allowed"
            assert "Before" in inbox[0]["html"]
            arrived.clear()

        m = db.session.scalar(select(GroupMembership).where(
            GroupMembership.organisation_id == removed.organisation_id))
        membership.decide(chair, m, "remove")
        accounts.set_active(admin, deactivated, False)
        db.session.commit()
        http = requests.Session()
        _post(live_server.url, chair_token, thread_id, "After: the secret plan")

        _client, inbox, arrived = clients["stays"]
        assert arrived.wait(10) and "secret plan" in inbox[-1]["html"]
        clients["stays"][0].sleep(0.5)
        for name in ("removed", "deactivated"):
            assert [e["html"] for e in clients[name][1] if "secret plan" in e["html"]] == [], name
        assert http.get(f"{live_server.url}/api/v1/threads/{thread_id}", headers={
            "Authorization": f"Bearer {issue_token(removed, 'check')[1]}"}).status_code == 404
    finally:
        for client, _inbox, _arrived in clients.values():
            client.disconnect()
