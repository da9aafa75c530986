"""notify(): stored for allowed people, pushed only after commit, read and unread."""

import pytest

from portal.authz import rule
from portal.extensions import db, socketio
from portal.notifications.models import Notification
from portal.notifications.services import notify, unread_count


@rule("test.only_staff_see")
def _only_staff(user, obj):
    return user.is_staff


class _Sent(list):
    calls: list


@pytest.fixture
def emitted(monkeypatch):
    """What notify() pushes over Socket.IO, as (event, data, room), one for each room it
    reaches; `calls` counts the emits themselves."""
    sent = _Sent()
    calls: list[int] = []

    def emit(event, data, to=None, **kw):
        calls.append(1)
        sent.extend((event, data, room) for room in (to if isinstance(to, list) else [to]))

    monkeypatch.setattr(socketio, "emit", emit)
    sent.calls = calls
    return sent


def test_event_is_pushed_only_after_commit(make, emitted):
    user = make.make_user("member")
    notify([user], "test.event", "Hello", "/home")
    assert emitted == []
    db.session.commit()
    assert [(e, d["title"], room) for e, d, room in emitted] == [
        ("notification", "Hello", f"user:{user.id}")]


def test_rolled_back_change_sends_nothing_and_stores_nothing(make, emitted):
    user = make.make_user("member")
    notify([user], "test.event", "Never", "/home")
    db.session.rollback()
    db.session.commit()
    assert emitted == []
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_only_people_the_rule_allows_are_notified(make, emitted):
    member, staff = make.make_user("member"), make.make_user("staff")
    notify([member, staff], "test.event", "Staff only", "/home", obj=None,
           view_rule="test.only_staff_see")
    db.session.commit()
    assert [room for _e, _d, room in emitted] == [f"user:{staff.id}"]
    assert unread_count(member.id) == 0 and unread_count(staff.id) == 1


def test_deactivated_people_are_not_notified(make, emitted):
    user = make.make_user("member")
    user.is_active_flag = False
    notify([user], "test.event", "Gone", "/home")
    db.session.commit()
    assert emitted == [] and unread_count(user.id) == 0


def test_each_person_reads_the_title_in_their_language(make):
    from flask_babel import lazy_gettext as _l

    en, zh = make.make_user("member", locale="en"), make.make_user("member", locale="zh")
    luxury = make.group("luxury-goods")
    notify([en, zh], "test.event", _l("You are now chair of %(group)s.", group=luxury.name_en),
           "/home")
    db.session.commit()
    titles = dict(db.session.execute(db.select(Notification.user_id, Notification.title)).all())
    assert titles[en.id] == "You are now chair of Luxury Goods."
    assert titles[zh.id] != titles[en.id]


def test_notifications_page_marks_read(as_user, make):
    user = make.make_user("member")
    notify([user], "test.event", "Read me", "/groups")
    db.session.commit()
    c = as_user(user)
    assert b"Read me" in c.get("/notifications?show=unread").data
    assert c.get("/notifications/count").get_json() == {"unread": 1}
    n = db.session.scalars(db.select(Notification)).one()
    r = c.post(f"/notifications/{n.id}/read")
    assert r.status_code == 302 and r.headers["Location"].endswith("/groups")
    assert c.get("/notifications/count").get_json() == {"unread": 0}
    assert b"Read me" not in c.get("/notifications?show=unread").data


def test_someone_elses_notification_is_a_404(as_user, make):
    owner, other = make.make_user("member"), make.make_user("member")
    notify([owner], "test.event", "Private", "/home")
    db.session.commit()
    n = db.session.scalars(db.select(Notification)).one()
    assert as_user(other).post(f"/notifications/{n.id}/read").status_code == 404


def test_empty_notifications_page_says_so(as_user, make):
    assert b"Nothing to report" in as_user(make.make_user("member")).get("/notifications").data


def test_a_notification_is_shown_in_the_language_its_reader_reads_now(as_user, make):
    """Made while the reader read English; read after switching to Chinese, it is Chinese,
    with its parameters; each language renders from the same stored message."""
    from flask_babel import lazy_gettext as _l

    user = make.make_user("member", locale="en")
    notify([user], "tip.submitted", _l("New tip to vet: %(title)s", title="Fake 名表 straps"),
           "/queqiao/tips")
    db.session.commit()
    stored = db.session.scalars(db.select(Notification)).one()
    assert stored.title == "New tip to vet: Fake 名表 straps"
    assert stored.payload["_msg"] == {"id": "New tip to vet: %(title)s",
                                      "params": {"title": "Fake 名表 straps"}}
    assert "_msg" not in stored.as_event()  # the live event carries no inner fields

    client = as_user(user)
    assert client.post("/profile/locale", data={"locale": "zh"}).status_code in (302, 303)
    page = client.get("/notifications").get_data(as_text=True)
    assert "新线索待审核：Fake 名表 straps" in page and "New tip to vet" not in page
    from flask_babel import force_locale

    from portal.notifications.services import shown_title

    for locale, expected in (("en", "New tip to vet: Fake 名表 straps"),
                             ("zh", "新线索待审核：Fake 名表 straps")):
        with force_locale(locale):
            assert shown_title(user, stored) == expected


def test_a_nested_message_and_a_plain_title_still_show(as_user, make):
    from flask_babel import lazy_gettext as _l

    from portal.notifications.services import as_message, render_message

    message = as_message(_l("You are now chair of %(group)s.", group=_l("Notifications")))
    assert message["params"]["group"] == {"_msg": {"id": "Notifications", "params": {}}}
    assert render_message(message) == "You are now chair of Notifications."
    user = make.make_user("member", locale="zh")
    notify([user], "test.event", "Plain text stays as it was", "/home")
    db.session.commit()
    assert "Plain text stays as it was" in as_user(user).get("/notifications").get_data(
        as_text=True)


def test_one_live_event_per_language_reaches_every_reader_at_once(make, emitted):
    """Five hundred readers cost one message per language through Redis, not five hundred;
    each reads the title in their language, and each has a stored row."""
    from flask_babel import lazy_gettext

    english = [make.make_user("member") for _ in range(4)]
    chinese = [make.make_user("member", locale="zh") for _ in range(3)]
    db.session.commit()  # the people are expired, as in a job after its own commit
    told = notify(english + chinese, "test.event", lazy_gettext("Unread"), "/home")
    db.session.commit()
    assert len(emitted.calls) == 2
    by_room = {room: data for _event, data, room in emitted}
    assert set(by_room) == {f"user:{u.id}" for u in english + chinese}
    assert {by_room[f"user:{u.id}"]["title"] for u in english} == {"Unread"}
    assert {by_room[f"user:{u.id}"]["title"] for u in chinese} == {"未读"}
    assert all("id" not in data for data in by_room.values())
    assert told == 7 == db.session.query(Notification).count()
