"""Over a real Socket.IO connection: tip.submitted reaches staff, tip.reviewed the author's
organisation, and nobody else hears of the tip."""

import threading
import time

import pytest
import requests
import socketio

from portal.accounts.tokens import issue_token
from tests.queqiao.tipkit import tip_data

pytestmark = pytest.mark.live


class Listener:
    """A socket client collecting its notifications."""

    def __init__(self, url: str, user):
        _t, self.secret = issue_token(user, "socket")
        self.inbox: list[dict] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("notification", self._on)
        self.client.connect(url, auth={"token": self.secret}, transports=["websocket"],
                            wait_timeout=5)

    def _on(self, data):
        self.inbox.append(data)
        self.arrived.set()

    def types(self) -> list[str]:
        return [n["type"] for n in self.inbox]


def test_tip_events_reach_only_those_allowed(live_server, cast):
    listeners = {role: Listener(live_server.url, cast[role]) for role in
                 ("author", "colleague", "group_member", "other_member", "staff")}
    try:
        headers = {"Authorization": f"Bearer {listeners['author'].secret}"}
        r = requests.post(live_server.url + "/api/v1/tips", headers=headers, timeout=10,
                          json=tip_data(sharing="alliance"))
        assert r.status_code == 201, r.text
        tip_id = r.json()["id"]
        assert listeners["staff"].arrived.wait(10), "staff heard nothing"
        staff_headers = {"Authorization": f"Bearer {listeners['staff'].secret}"}
        r = requests.post(f"{live_server.url}/api/v1/tips/{tip_id}/review", timeout=10,
                          headers=staff_headers, json={"decision": "accept"})
        assert r.status_code == 200, r.text
        assert listeners["colleague"].arrived.wait(10), "the author's organisation heard nothing"
        assert listeners["author"].arrived.wait(10)
        time.sleep(0.5)  # give any stray event time to arrive
        assert listeners["staff"].types() == ["tip.submitted"]
        assert listeners["author"].types() == ["tip.reviewed"]
        assert listeners["colleague"].types() == ["tip.reviewed"]
        assert listeners["author"].inbox[0]["tip_id"] == tip_id
        assert listeners["author"].inbox[0]["status"] == "accepted"
        assert listeners["group_member"].inbox == [] and listeners["other_member"].inbox == []
    finally:
        for listener in listeners.values():
            listener.client.disconnect()
