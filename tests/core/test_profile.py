"""The profile page: settings, API tokens, the secret calendar link, the language switch."""

import pytest
from icalendar import Calendar

from portal.extensions import db
from tests.support.factories import reload


def test_profile_page_shows_tokens_empty_state(as_user, make):
    r = as_user(make.make_user("member")).get("/profile")
    assert r.status_code == 200 and b"No API tokens yet" in r.data


def test_profile_update_saves_name_and_language(as_user, make):
    user = make.make_user("member")
    r = as_user(user).post("/profile", data={"name": "李雷", "locale": "zh"})
    assert r.status_code == 302
    assert (reload(user).name, reload(user).locale) == ("李雷", "zh")


@pytest.mark.parametrize("data", [{"name": "", "locale": "en"}, {"name": "x", "locale": "fr"}])
def test_bad_profile_input_is_refused_and_nothing_changes(as_user, make, data):
    user = make.make_user("member", name="Kept")
    assert as_user(user).post("/profile", data=data).status_code == 422
    assert reload(user).name == "Kept"


def test_token_is_shown_once_then_only_its_prefix(as_user, make):
    c = as_user(make.make_user("member"))
    r = c.post("/profile/tokens", data={"tok-name": "ERP sync", "tok-days": "30"})
    assert r.status_code == 200
    secret = r.data.split(b'<code>qq_')[1].split(b"</code>")[0].decode()
    page = c.get("/profile").data.decode()
    assert "ERP sync" in page and secret not in page


def test_token_form_refuses_bad_lifetime(as_user, make):
    r = as_user(make.make_user("member")).post("/profile/tokens",
                                                data={"tok-name": "x", "tok-days": "0"})
    assert r.status_code == 422


def test_a_person_cannot_revoke_someone_elses_token(as_user, api, make):
    owner, other = make.make_user("member"), make.make_user("member")
    a = api(owner)
    from portal.accounts.models import ApiToken

    token = db.session.scalars(db.select(ApiToken)).one()
    assert as_user(other).post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    assert a.get("/api/v1/me").status_code == 200


def test_calendar_feed_is_secret_and_regenerable(client, as_user, make):
    user = make.make_user("member")
    old = user.calendar_token
    r = client.get(f"/profile/calendar/{old}.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    assert Calendar.from_ical(r.data).get("x-wr-calname")
    as_user(user).post("/profile/calendar/regenerate")
    new = reload(user).calendar_token
    assert new != old
    assert client.get(f"/profile/calendar/{old}.ics").status_code == 404
    assert client.get(f"/profile/calendar/{new}.ics").status_code == 200


def test_language_switch_is_kept_on_the_account(as_user, make):
    user = make.make_user("member")
    c = as_user(user)
    r = c.post("/profile/locale", data={"locale": "zh", "next": "/groups"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/groups")
    assert reload(user).locale == "zh"
    page = c.get("/groups").data.decode()
    assert "工作组" in page and "奢侈品" in page


def test_language_switch_before_sign_in_uses_the_session(client):
    client.post("/profile/locale", data={"locale": "zh", "next": "/login"})
    assert "登录" in client.get("/login").data.decode()


def test_language_switch_refuses_off_site_targets(client):
    r = client.post("/profile/locale", data={"locale": "en", "next": "https://evil.example/"})
    assert r.headers["Location"].endswith("/home")


def test_a_person_s_time_zone_is_saved_and_custody_times_follow_it(app, as_user, make):
    from datetime import UTC, datetime

    from flask_login import login_user

    from testbuys.custody_log import local_time

    user = make.make_user("member")
    client = as_user(user)
    assert b'value="Asia/Shanghai"' in client.get("/profile").data
    r = client.post("/profile", data={"name": user.name, "locale": "en",
                                      "timezone": "Asia/Shanghai"})
    assert r.status_code == 302 and reload(user).timezone == "Asia/Shanghai"
    moment = datetime(2026, 12, 1, 9, 5, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        login_user(reload(user))
        assert local_time(moment) == "2026-12-01 17:05 UTC+08:00"
    r = client.post("/profile", data={"name": user.name, "locale": "en", "timezone": "UTC"})
    assert r.status_code == 302 and reload(user).timezone is None
    with app.test_request_context("/"):
        login_user(reload(user))
        assert local_time(moment) == "2026-12-01 09:05 UTC"


def test_an_unknown_time_zone_is_refused_with_the_form_again(as_user, make):
    user = make.make_user("member")
    r = as_user(user).post("/profile", data={"name": user.name, "locale": "en",
                                             "timezone": "Mars/Olympus_Mons"})
    assert r.status_code == 422 and b"Choose a time zone from the list." in r.data
    assert reload(user).timezone is None
