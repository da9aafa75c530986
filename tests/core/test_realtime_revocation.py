"""Live sockets end with what opened them: a revoked token, a signed-out session, a new
password, a deactivation; on one process and across two sharing Redis."""

import threading

import pytest
import requests
import socketio
from sqlalchemy import update

from portal.accounts.models import ApiToken
from portal.accounts.tokens import issue_token
from portal.extensions import db
from portal.models import utcnow
from tests.support.factories import PASSWORD
from tests.support.live import start_server

pytestmark = pytest.mark.live


class Watched:
    """A python-socketio client that notes notifications and its own disconnection."""

    def __init__(self):
        self.client = socketio.Client(reconnection=False)
        self.inbox: list = []
        self.gone = threading.Event()
        self.client.on("notification", self.inbox.append)
        self.client.on("disconnect", lambda *a: self.gone.set())

    def connect(self, url, **kwargs):
        self.client.connect(url, transports=["websocket"], wait_timeout=5, **kwargs)
        assert self.client.connected
        return self

    def close(self):
        if self.client.connected:
            self.client.disconnect()


def _csrf(http, url, path="/login"):
    page = http.get(url + path, timeout=10).text
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def _browser_session(url, user) -> requests.Session:
    http = requests.Session()
    r = http.post(url + "/login", data={"email": user.email, "password": PASSWORD,
                                        "csrf_token": _csrf(http, url)},
                  timeout=10, allow_redirects=False)
    assert r.status_code == 302
    return http


def _cookie_header(http) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in http.cookies.items())}


def _logout(http, url):
    token = http.get(url + "/home", timeout=10).text.split('name="csrf_token" value="')[1].split('"')[0]
    r = http.post(url + "/logout", data={"csrf_token": token}, timeout=10, allow_redirects=False)
    assert r.status_code == 302


def _revoke(url, secret, token_id):
    r = requests.delete(f"{url}/api/v1/me/tokens/{token_id}",
                        headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert r.status_code == 204


def test_revoking_a_token_ends_the_sockets_opened_with_it(live_server, make):
    user = make.make_user("member")
    token, secret = issue_token(user, "socket")
    _other, other_secret = issue_token(user, "other socket")
    with_token = Watched().connect(live_server.url, auth={"token": secret})
    with_other = Watched().connect(live_server.url, auth={"token": other_secret})
    try:
        _revoke(live_server.url, other_secret, token.id)
        assert with_token.gone.wait(5), "the socket of a revoked token stayed open"
        # The other token's socket is untouched and still hears its person's news.
        assert with_other.client.connected
        r = requests.post(live_server.url + "/api/v1/auth/tokens",
                          json={"email": user.email, "password": PASSWORD, "name": "after"}, timeout=10)
        assert r.status_code == 201
        with_other.client.sleep(0.5)
        assert any("after" in n["title"] for n in with_other.inbox)
        assert with_token.inbox == []
        # It cannot come back with the revoked token either.
        with pytest.raises(socketio.exceptions.ConnectionError):
            Watched().connect(live_server.url, auth={"token": secret})
    finally:
        with_token.close()
        with_other.close()


def test_signing_out_ends_the_sockets_of_that_session(live_server, make):
    user = make.make_user("member")
    http = _browser_session(live_server.url, user)
    cookie = _cookie_header(http)
    socket = Watched().connect(live_server.url, headers=cookie)
    try:
        _logout(http, live_server.url)
        assert socket.gone.wait(5), "the socket outlived the sign-out"
        with pytest.raises(socketio.exceptions.ConnectionError):
            Watched().connect(live_server.url, headers=cookie)
    finally:
        socket.close()


def test_a_new_password_ends_every_socket_of_the_person(live_server, make):
    user = make.make_user("member")
    _t, secret = issue_token(user, "socket")
    http = _browser_session(live_server.url, user)
    by_token = Watched().connect(live_server.url, auth={"token": secret})
    by_cookie = Watched().connect(live_server.url, headers=_cookie_header(http))
    try:
        r = http.post(live_server.url + "/profile/password",
                      data={"csrf_token": _csrf(http, live_server.url, "/profile"), "pw-current": PASSWORD,
                            "pw-password": "a long new password", "pw-confirm": "a long new password"},
                      timeout=10, allow_redirects=False)
        assert r.status_code == 302
        assert by_token.gone.wait(5) and by_cookie.gone.wait(5)
    finally:
        by_token.close()
        by_cookie.close()


def test_an_ended_token_is_refused_at_the_next_event_even_without_the_close(live_server, make):
    """The close travels through the message queue; each event checks the token again too,
    so a socket whose token ended some other way (here: in the database) is ended as soon
    as it speaks."""
    user = make.make_user("member")
    token, secret = issue_token(user, "socket")
    socket = Watched().connect(live_server.url, auth={"token": secret})
    try:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(revoked_at=utcnow()))
        db.session.commit()
        socket.client.emit("join_group", {"slug": "luxury-goods"})
        assert socket.gone.wait(5), "the socket went on after its token ended"
    finally:
        socket.close()


def test_sockets_end_across_processes_through_redis(_schema, redis_url, make, tmp_path):
    first = start_server(_schema, tmp_path, redis_url=redis_url, name="first")
    second = start_server(_schema, tmp_path, redis_url=redis_url, name="second")
    try:
        user = make.make_user("member")
        token, secret = issue_token(user, "socket")
        _t, admin_secret = issue_token(user, "revoker")
        by_token = Watched().connect(second.url, auth={"token": secret})
        http = _browser_session(first.url, user)
        by_cookie = Watched().connect(second.url, headers=_cookie_header(http))
        try:
            _revoke(first.url, admin_secret, token.id)
            assert by_token.gone.wait(5), "the revocation did not reach the other process"
            assert by_cookie.client.connected
            _logout(http, first.url)
            assert by_cookie.gone.wait(5), "the sign-out did not reach the other process"
        finally:
            by_token.close()
            by_cookie.close()
    finally:
        first.stop()
        second.stop()


def test_a_socket_handshake_never_spends_the_remember_me_token(live_server, make):
    user = make.make_user("member")
    http = requests.Session()
    form = {"email": user.email, "password": PASSWORD, "remember": "y",
            "csrf_token": _csrf(http, live_server.url)}
    r = http.post(live_server.url + "/login", data=form, timeout=10, allow_redirects=False)
    assert r.status_code == 302
    remember = http.cookies["portal_remember"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        Watched().connect(live_server.url, headers={"Cookie": f"portal_remember={remember}"})
    # The cookie still brings the browser back (the handshake did not turn it over).
    back = requests.get(live_server.url + "/home", cookies={"portal_remember": remember}, timeout=10,
                        allow_redirects=False)
    assert back.status_code == 200
