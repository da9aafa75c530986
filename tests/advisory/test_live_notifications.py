"""A follower hears of a status change live over Socket.IO; someone not concerned does not."""

import threading

import pytest
import requests
import socketio

from advisory import services
from portal.accounts.tokens import issue_token
from tests.advisory import helpers
from tests.support import factories

pytestmark = pytest.mark.live


def _listener(url: str, user):
    _t, secret = issue_token(user, "socket")
    client = socketio.Client(reconnection=False)
    inbox: list[dict] = []
    arrived = threading.Event()

    @client.on("notification")
    def _on(data):
        inbox.append(data)
        arrived.set()

    client.connect(url, auth={"token": secret}, transports=["websocket"], wait_timeout=5)
    return client, inbox, arrived


def test_follower_gets_the_status_change_live(live_server, board):
    rec = helpers.submitted(board["chair"])
    services.follow(board["outsider"], rec)
    bystander = factories.make_user("member", groups=("pharmaceutical",))
    follower, inbox, arrived = _listener(live_server.url, board["outsider"])
    other, other_inbox, _ = _listener(live_server.url, bystander)
    try:
        _t, admin_secret = issue_token(board["admin"], "api")
        r = requests.post(f"{live_server.url}/api/v1/recommendations/{rec.id}/decision",
                          json={"outcome": "returned", "note": "More data"},
                          headers={"Authorization": f"Bearer {admin_secret}"}, timeout=10)
        assert r.status_code == 200
        assert arrived.wait(10)
        event = inbox[0]
        assert event["type"] == "recommendation.status" and event["status"] == "returned"
        assert event["recommendation_id"] == rec.id
        assert event["url"] == f"/recommendations/{rec.id}"
        follower.sleep(0.5)
        assert other_inbox == []
    finally:
        follower.disconnect()
        other.disconnect()
