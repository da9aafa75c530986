"""Real time over a real network: python-socketio clients against live portal processes."""

import threading

import pytest
import requests
import socketio

from portal.accounts.tokens import issue_token
from tests.support.factories import PASSWORD
from tests.support.live import start_server

pytestmark = pytest.mark.live


def _client_with_inbox():
    client = socketio.Client(reconnection=False)
    inbox: list[dict] = []
    arrived = threading.Event()

    @client.on("notification")
    def _on(data):
        inbox.append(data)
        arrived.set()

    return client, inbox, arrived


def test_connection_without_session_or_token_is_refused(live_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, transports=["websocket"], wait_timeout=5)


def test_connection_with_a_bad_token_is_refused(live_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"token": "qq_forged"}, transports=["websocket"],
                       wait_timeout=5)


def test_token_connection_receives_its_own_notifications_only(live_server, make):
    owner, other = make.make_user("member"), make.make_user("member")
    _t, owner_secret = issue_token(owner, "socket")
    _t, other_secret = issue_token(other, "socket")
    mine, my_inbox, mine_arrived = _client_with_inbox()
    theirs, their_inbox, _ = _client_with_inbox()
    mine.connect(live_server.url, auth={"token": owner_secret}, transports=["websocket"],
                 wait_timeout=5)
    theirs.connect(live_server.url, auth={"token": other_secret}, transports=["websocket"],
                   wait_timeout=5)
    try:
        r = requests.post(live_server.url + "/api/v1/auth/tokens",
                          json={"email": owner.email, "password": PASSWORD, "name": "laptop"},
                          timeout=10)
        assert r.status_code == 201
        assert mine_arrived.wait(10), "no live notification arrived"
        event = my_inbox[0]
        assert event["type"] == "token.created" and "laptop" in event["title"]
        assert event["url"] == "/profile" and event["at"]
        theirs.sleep(0.5)
        assert their_inbox == []
    finally:
        mine.disconnect()
        theirs.disconnect()


def test_session_cookie_connection_is_accepted(live_server, make):
    user = make.make_user("member")
    http = requests.Session()
    page = http.get(live_server.url + "/login", timeout=10).text
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = http.post(live_server.url + "/login", data={"email": user.email, "password": PASSWORD,
                                                    "csrf_token": csrf}, timeout=10,
                  allow_redirects=False)
    assert r.status_code == 302
    cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    client = socketio.Client(reconnection=False)
    client.connect(live_server.url, headers={"Cookie": cookie}, transports=["websocket"],
                   wait_timeout=5)
    assert client.connected
    client.disconnect()


def test_event_caused_on_one_process_reaches_a_client_of_another(_schema, redis_url, make,
                                                                   tmp_path):
    """Two portal processes share Redis as the Socket.IO message queue."""
    first = start_server(_schema, tmp_path, redis_url=redis_url, name="first")
    second = start_server(_schema, tmp_path, redis_url=redis_url, name="second")
    try:
        user = make.make_user("member")
        _t, secret = issue_token(user, "socket")
        client, inbox, arrived = _client_with_inbox()
        client.connect(second.url, auth={"token": secret}, transports=["websocket"],
                       wait_timeout=5)
        try:
            r = requests.post(first.url + "/api/v1/auth/tokens",
                              json={"email": user.email, "password": PASSWORD, "name": "cross"},
                              timeout=10)
            assert r.status_code == 201
            assert arrived.wait(10), "the event did not cross processes through Redis"
            assert "cross" in inbox[0]["title"]
        finally:
            client.disconnect()
    finally:
        first.stop()
        second.stop()
