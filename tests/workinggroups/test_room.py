"""The live room over Socket.IO: join with an ack, chat kept and broadcast, strictly scoped."""

import pytest

from portal.accounts.models import User
from portal.extensions import db, socketio
from workinggroups.room.models import RoomMessage

SLUG = "luxury-goods"


@pytest.fixture
def who(people):
    """Role -> user id, read before any socket handler closes the test's session."""
    return {role: user.id for role, user in people.items()}


def person(who, role):
    """The user of a role, loaded afresh (socket handlers end the shared session)."""
    return db.session.get(User, who[role])


@pytest.fixture
def sock(app, as_user, who):
    """sock(user) -> a Socket.IO test client signed in as that user."""
    clients = []

    def connect(role):
        c = socketio.test_client(app, flask_test_client=as_user(person(who, role)))
        assert c.is_connected()
        clients.append(c)
        return c

    yield connect
    for c in clients:
        if c.is_connected():
            c.disconnect()


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_member_joins_and_messages_reach_the_room_and_are_kept(sock, who):
    anna, ben = sock("member"), sock("chair")
    assert anna.emit("join_group", {"slug": SLUG}, callback=True)["ok"] is True
    ack = ben.emit("join_group", {"slug": SLUG}, callback=True)
    assert ack["ok"] is True and {u["id"] for u in ack["users"]} == {who["member"],
                                                                    who["chair"]}
    anna.get_received()
    ack = ben.emit("chat", {"slug": SLUG, "text": "Hello 大家好"}, callback=True)
    assert ack["ok"] is True
    got = _events(anna, "chat.message")
    assert len(got) == 1
    assert got[0]["slug"] == SLUG and got[0]["text"] == "Hello 大家好" and got[0]["at"]
    assert got[0]["user"]["id"] == who["chair"]
    kept = RoomMessage.query.one()
    assert kept.text == "Hello 大家好" and kept.user_id == who["chair"]


def test_member_of_another_group_is_refused_and_hears_nothing(sock, who):
    insider, outsider = sock("member"), sock("outsider")
    insider.emit("join_group", {"slug": SLUG}, callback=True)
    ack = outsider.emit("join_group", {"slug": SLUG}, callback=True)
    assert ack == {"ok": False, "error": "not_found"}
    ack = outsider.emit("chat", {"slug": SLUG, "text": "let me in"}, callback=True)
    assert ack["ok"] is False
    insider.emit("chat", {"slug": SLUG, "text": "members only"}, callback=True)
    assert _events(outsider, "chat.message") == []
    assert [m.text for m in RoomMessage.query] == ["members only"]


def test_chat_without_joining_first_is_refused(sock, who):
    c = sock("member")
    assert c.emit("chat", {"slug": SLUG, "text": "hi"}, callback=True)["ok"] is False
    assert RoomMessage.query.count() == 0


@pytest.mark.parametrize("data", [None, {}, {"slug": 3}, {"slug": "no-such-group"}, "x"])
def test_joining_with_bad_data_is_refused_not_crashed(sock, who, data):
    c = sock("member")
    assert c.emit("join_group", data, callback=True)["ok"] is False


@pytest.mark.parametrize("text", ["", "   ", None, 42, "x" * 2001])
def test_bad_messages_are_refused(sock, who, text):
    c = sock("member")
    c.emit("join_group", {"slug": SLUG}, callback=True)
    ack = c.emit("chat", {"slug": SLUG, "text": text}, callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert RoomMessage.query.count() == 0


def test_staff_and_admins_may_enter_any_room(sock, who):
    for role in ("staff", "admin"):
        assert sock(role).emit("join_group", {"slug": SLUG}, callback=True)["ok"]


def test_chat_is_rate_limited(app, sock, who):
    app.config["CHAT_RATE_LIMIT"] = "3 per minute"
    c = sock("member")
    c.emit("join_group", {"slug": SLUG}, callback=True)
    acks = [c.emit("chat", {"slug": SLUG, "text": f"m{i}"}, callback=True) for i in range(5)]
    assert [a["ok"] for a in acks] == [True, True, True, False, False]
    assert acks[-1]["error"] == "rate_limited"
    assert RoomMessage.query.count() == 3


def test_presence_follows_joins_and_disconnects(sock, who, as_user):
    anna, ben = sock("member"), sock("chair")
    anna.emit("join_group", {"slug": SLUG}, callback=True)
    ben.emit("join_group", {"slug": SLUG}, callback=True)
    page = as_user(person(who, "staff")).get(f"/groups/{SLUG}").get_data(as_text=True)
    assert person(who, "chair").name in page.split('id="home-room"')[1]
    anna.get_received()
    ben.disconnect()
    latest = _events(anna, "presence")[-1]
    assert [u["id"] for u in latest["users"]] == [who["member"]]


@pytest.mark.parametrize("role,status", [("member", 200), ("chair", 200), ("staff", 200),
                                         ("admin", 200), ("outsider", 404)])
def test_history_endpoint_by_role(api, sock, who, role, status):
    c = sock("member")
    c.emit("join_group", {"slug": SLUG}, callback=True)
    for text in ("first", "second"):
        c.emit("chat", {"slug": SLUG, "text": text}, callback=True)
    r = api(person(who, role)).get(f"/api/v1/working-groups/{SLUG}/messages")
    assert r.status_code == status
    if status == 200:
        body = r.get_json()
        assert body["total"] == 2 and [m["text"] for m in body["items"]] == ["second", "first"]
        assert body["items"][0]["user"]["name"] == person(who, "member").name


def test_history_needs_a_token(api):
    assert api(None).get(f"/api/v1/working-groups/{SLUG}/messages").status_code == 401


@pytest.mark.parametrize("role,status", [("member", 200), ("staff", 200), ("outsider", 404)])
def test_room_page_by_role_shows_history(as_user, sock, who, role, status):
    c = sock("member")
    c.emit("join_group", {"slug": SLUG}, callback=True)
    c.emit("chat", {"slug": SLUG, "text": "<script>alert(1)</script>"}, callback=True)
    r = as_user(person(who, role)).get(f"/groups/{SLUG}/room")
    assert r.status_code == status
    if status == 200:
        text = r.get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text


def test_room_page_has_an_empty_state(as_user, who):
    text = as_user(person(who, "member")).get(f"/groups/{SLUG}/room").get_data(as_text=True)
    assert "No messages yet. Say hello!" in text


def test_leaving_one_room_keeps_the_others(sock, who):
    c = sock("chair")  # the chair's company is in luxury-goods and pharmaceutical
    c.emit("join_group", {"slug": SLUG}, callback=True)
    c.emit("join_group", {"slug": "pharmaceutical"}, callback=True)
    assert c.emit("leave_group", {"slug": SLUG}, callback=True) == {"ok": True}
    assert c.emit("chat", {"slug": SLUG, "text": "gone"}, callback=True)["ok"] is False
    assert c.emit("chat", {"slug": "pharmaceutical", "text": "still here"},
                  callback=True)["ok"] is True


def test_someone_whose_company_left_hears_nothing_more(sock, who):
    from portal.accounts import services as accounts

    member, chair = sock("member"), sock("chair")
    member.emit("join_group", {"slug": SLUG}, callback=True)
    chair.emit("join_group", {"slug": SLUG}, callback=True)
    accounts.set_groups(person(who, "member").organisation, [])
    db.session.commit()
    member.get_received()
    assert chair.emit("chat", {"slug": SLUG, "text": "after you left"}, callback=True)["ok"]
    assert _events(member, "chat.message") == []
    assert member.emit("chat", {"slug": SLUG, "text": "still me"}, callback=True)["ok"] is False
    latest = _events(chair, "presence")[-1]
    assert [u["id"] for u in latest["users"]] == [who["chair"]]


def test_history_pages_and_refuses_bad_paging(api, sock, who):
    c = sock("member")
    c.emit("join_group", {"slug": SLUG}, callback=True)
    for i in range(3):
        c.emit("chat", {"slug": SLUG, "text": f"m{i}"}, callback=True)
    client = api(person(who, "member"))
    body = client.get(f"/api/v1/working-groups/{SLUG}/messages?per_page=2&page=2").get_json()
    assert body["total"] == 3 and [m["text"] for m in body["items"]] == ["m0"]
    r = client.get(f"/api/v1/working-groups/{SLUG}/messages?per_page=0")
    assert r.status_code == 422 and "per_page" in r.get_json()["error"]["fields"]


def test_joining_again_returns_what_was_said_while_away(sock, who):
    """A client whose connection dropped joins with the last id it has and gets the rest."""
    anna, ben = sock("member"), sock("chair")
    assert ben.emit("join_group", {"slug": SLUG}, callback=True)["ok"] is True
    first = ben.emit("chat", {"slug": SLUG, "text": "before"}, callback=True)["id"]
    said = [ben.emit("chat", {"slug": SLUG, "text": f"while away {n}"}, callback=True)["id"]
            for n in range(3)]
    ack = anna.emit("join_group", {"slug": SLUG, "after": first}, callback=True)
    assert [m["id"] for m in ack["missed"]] == said
    assert [m["text"] for m in ack["missed"]] == ["while away 0", "while away 1", "while away 2"]
    everything = anna.emit("join_group", {"slug": SLUG, "after": 0}, callback=True)["missed"]
    assert [m["id"] for m in everything] == [first, *said]
    assert "missed" not in anna.emit("join_group", {"slug": SLUG}, callback=True)


def test_an_outsider_gets_no_missed_messages(sock, who):
    ben = sock("chair")
    assert ben.emit("join_group", {"slug": SLUG}, callback=True)["ok"] is True
    ben.emit("chat", {"slug": SLUG, "text": "for the group only"}, callback=True)
    ack = sock("outsider").emit("join_group", {"slug": SLUG, "after": 0}, callback=True)
    assert ack == {"ok": False, "error": "not_found"}


@pytest.mark.parametrize("after", [-1, "x", 2**63, [1], {"a": 1}, True, None])
def test_a_bad_after_is_ignored(sock, who, after):
    ack = sock("member").emit("join_group", {"slug": SLUG, "after": after}, callback=True)
    assert ack["ok"] is True and "missed" not in ack
