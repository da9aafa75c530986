"""Presence in a room: the two stores behind one interface, and two processes sharing Redis."""

import threading
import time
import uuid

import pytest
import requests
import socketio

from portal.accounts.tokens import issue_token
from tests.support.factories import PASSWORD
from tests.support.live import redis_namespace, start_server
from workinggroups.room.presence import MemoryPresence, RedisPresence

SLUG = "luxury-goods"


@pytest.fixture
def redis_store(redis_url):
    """store(**options) -> a RedisPresence on TEST_REDIS_URL under a key prefix of this test
    only (a second call is a second process); its keys are removed afterwards."""
    url = redis_url
    prefix = f"test:presence:{uuid.uuid4().hex}:"
    stores = []

    def store(**options):
        s = RedisPresence(url, prefix=prefix, **options)
        stores.append(s)
        return s

    yield store
    for s in stores:
        s.close()
    if stores:
        keys = list(stores[0].redis.scan_iter(match=prefix + "*"))
        if keys:
            stores[0].redis.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """Each store, for what both must do alike within one process."""
    if request.param == "memory":
        return MemoryPresence()
    return request.getfixturevalue("redis_store")()


def test_a_store_follows_entering_and_leaving(store):
    store.enter(SLUG, "s1", 1)
    store.enter(SLUG, "s2", 2)
    store.enter("pharmaceutical", "s1", 1)
    assert store.connections(SLUG) == {"s1": 1, "s2": 2}
    assert store.is_in(SLUG, "s2") and not store.is_in("pharmaceutical", "s2")
    store.leave(SLUG, "s2")
    assert store.connections(SLUG) == {"s1": 1} and not store.is_in(SLUG, "s2")
    assert sorted(store.leave_all("s1")) == ["luxury-goods", "pharmaceutical"]
    assert store.connections(SLUG) == {} and store.connections("pharmaceutical") == {}
    assert store.leave_all("s1") == [] and store.connections("no-such-room") == {}


def test_redis_presence_is_shared_between_processes(redis_store):
    a, b = redis_store(), redis_store()
    a.enter(SLUG, "sa", 1)
    b.enter(SLUG, "sb", 2)
    assert a.connections(SLUG) == b.connections(SLUG) == {"sa": 1, "sb": 2}
    assert a.is_in(SLUG, "sb") and b.is_in(SLUG, "sa")
    assert b.leave_all("sb") == [SLUG]
    assert a.connections(SLUG) == {"sa": 1}


def test_a_connection_put_out_by_another_process_is_gone_for_all(redis_store):
    """Eviction runs on whichever process handles the chat; the holder then finds it gone."""
    holder, evictor = redis_store(), redis_store()
    holder.enter(SLUG, "s", 7)
    evictor.leave(SLUG, "s")
    assert holder.connections(SLUG) == {} and not holder.is_in(SLUG, "s")
    assert holder.leave_all("s") == []  # nothing left to announce at its disconnect


def test_a_dead_process_leaves_no_ghosts(redis_store):
    alive, dead = redis_store(ttl=1, interval=0.2), redis_store(ttl=1, interval=0.2)
    alive.enter(SLUG, "alive", 1)
    dead.enter(SLUG, "dead", 2)
    dead.close()  # stops beating, as a killed process would, without leaving its rooms
    time.sleep(1.6)
    assert alive.connections(SLUG) == {"alive": 1}  # the heartbeat kept this one
    assert alive.redis.hkeys(alive._room(SLUG)) == ["alive"]  # and the ghost is deleted


def _client(url, secret):
    client = socketio.Client(reconnection=False)
    seen: list[list[int]] = []
    changed = threading.Condition()

    @client.on("presence")
    def _on(data):
        with changed:
            seen.append(sorted(u["id"] for u in data["users"]))
            changed.notify_all()

    client.connect(url, auth={"token": secret}, transports=["websocket"], wait_timeout=5)
    return client, seen, changed


def _wait_for(seen, changed, ids, seconds=10):
    with changed:
        assert changed.wait_for(lambda: seen and seen[-1] == sorted(ids), seconds), \
            f"presence never became {sorted(ids)}; saw {seen}"


def _home_page(server, email):
    http = requests.Session()
    page = http.get(server.url + "/login", timeout=10).text
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    http.post(server.url + "/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": csrf}, timeout=10)
    r = http.get(f"{server.url}/groups/{SLUG}", timeout=10)
    assert r.status_code == 200
    return r.text.split('id="home-room"')[1].split("</section>")[0]


@pytest.fixture(scope="module")
def two_servers(_schema, redis_url, tmp_path_factory):
    """Two portal processes sharing Redis as message queue and presence store."""
    tmp = tmp_path_factory.mktemp("presence")
    first = start_server(_schema, tmp, redis_url=redis_url, name="first")
    try:
        second = start_server(_schema, tmp, redis_url=redis_url, name="second")
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


@pytest.mark.live
def test_presence_spans_two_processes_sharing_redis(two_servers, make):
    first, second = two_servers
    clients = []
    try:
        anna = make.make_user("member", name="Anna Alpha", groups=(SLUG,))
        bo = make.make_user("member", name="Bo Beta", groups=(SLUG,))
        anna_id, bo_id, anna_email = anna.id, bo.id, anna.email
        _t, anna_secret = issue_token(anna, "socket")
        _t, bo_secret = issue_token(bo, "socket")
        a, a_seen, a_changed = _client(first.url, anna_secret)
        clients.append(a)
        b, b_seen, b_changed = _client(second.url, bo_secret)
        clients.append(b)
        assert a.call("join_group", {"slug": SLUG}, timeout=10)["ok"] is True
        ack = b.call("join_group", {"slug": SLUG}, timeout=10)
        assert sorted(u["id"] for u in ack["users"]) == sorted([anna_id, bo_id])
        _wait_for(a_seen, a_changed, [anna_id, bo_id])  # Bo's join, announced by the other
        _wait_for(b_seen, b_changed, [anna_id, bo_id])
        for server in (first, second):
            room = _home_page(server, anna_email)
            assert "Anna Alpha" in room and "Bo Beta" in room, server.url

        b.disconnect()
        _wait_for(a_seen, a_changed, [anna_id])
        for server in (first, second):
            room = _home_page(server, anna_email)
            assert "Anna Alpha" in room and "Bo Beta" not in room, server.url
    finally:
        for c in clients:
            if c.connected:
                c.disconnect()


@pytest.mark.live
def test_someone_put_out_on_another_process_hears_nothing_more(two_servers, make, app,
                                                               redis_url):
    """The chair's chat on one process evicts a member held by the other: python-socketio
    sends that leave_room through the queue, and the shared presence forgets them."""
    from portal import access_epoch
    from portal.accounts import services as accounts
    from portal.extensions import db

    first, second = two_servers
    # This process changes the membership as any process of the install would: with the
    # install's Redis, whose access epoch the servers read.
    app.extensions[access_epoch.EXTENSION] = access_epoch._RedisEpoch(
        redis_url, f"{redis_namespace()}:access-epoch")
    chair = make.make_user("chair", name="Chair Gamma", chair_of=SLUG)
    member = make.make_user("member", name="Mo Delta", groups=(SLUG,))
    chair_id, member_id = chair.id, member.id
    _t, chair_secret = issue_token(chair, "socket")
    _t, member_secret = issue_token(member, "socket")
    c, c_seen, c_changed = _client(first.url, chair_secret)
    m, _m_seen, _m_changed = _client(second.url, member_secret)
    heard: list[str] = []
    m.on("chat.message", lambda data: heard.append(data["text"]))
    try:
        assert c.call("join_group", {"slug": SLUG}, timeout=10)["ok"] is True
        assert m.call("join_group", {"slug": SLUG}, timeout=10)["ok"] is True
        _wait_for(c_seen, c_changed, [chair_id, member_id])
        assert c.call("chat", {"slug": SLUG, "text": "before"}, timeout=10)["ok"] is True
        accounts.set_groups(member.organisation, [])
        db.session.commit()
        assert c.call("chat", {"slug": SLUG, "text": "after you left"}, timeout=10)["ok"] is True
        _wait_for(c_seen, c_changed, [chair_id])
        assert c.call("chat", {"slug": SLUG, "text": "still after"}, timeout=10)["ok"] is True
        time.sleep(1)
        assert "before" in heard and "after you left" not in heard and "still after" not in heard
        assert m.call("chat", {"slug": SLUG, "text": "me again"}, timeout=10)["ok"] is False
    finally:
        c.disconnect()
        m.disconnect()
