"""The browser's time zone as a first guess: stored once, only while none is set, only a
zone the profile offers."""

import re

import pytest

from tests.support.factories import reload

URL = "/profile/timezone"
JSON = {"Accept": "application/json"}


def test_a_valid_zone_is_stored_when_none_is_set(as_user, make):
    user = make.make_user("member")
    client = as_user(user)
    assert b"js/timezone-guess.js" in client.get("/home").data
    r = client.post(URL, json={"timezone": "Asia/Shanghai"}, headers=JSON)
    assert r.status_code == 200 and r.get_json() == {"timezone": "Asia/Shanghai", "stored": True}
    assert reload(user).timezone == "Asia/Shanghai"
    profile = client.get("/profile").get_data(as_text=True)
    assert re.search(r'<option selected value="Asia/Shanghai"|value="Asia/Shanghai" selected', profile)
    assert b"js/timezone-guess.js" not in client.get("/home").data


@pytest.mark.parametrize("zone", ["Mars/Base", "", "../etc/passwd", 42, None, "x" * 500])
def test_an_invalid_zone_is_a_422_and_changes_nothing(as_user, make, zone):
    user = make.make_user("member")
    r = as_user(user).post(URL, json={"timezone": zone}, headers=JSON)
    assert r.status_code == 422
    assert "timezone" in r.get_json()["error"]["fields"]
    assert reload(user).timezone is None


def test_a_zone_already_set_is_left_as_it_is(as_user, make):
    user = make.make_user("member")
    client = as_user(user)
    client.post("/profile", data={"name": user.name, "locale": "en", "timezone": "Europe/Paris"})
    r = client.post(URL, json={"timezone": "Asia/Shanghai"}, headers=JSON)
    assert r.status_code == 200 and r.get_json() == {"timezone": "Europe/Paris", "stored": False}
    assert reload(user).timezone == "Europe/Paris"


def test_utc_chosen_on_the_profile_is_not_replaced_by_a_guess(as_user, make):
    user = make.make_user("member")
    client = as_user(user)
    client.post("/profile", data={"name": user.name, "locale": "en", "timezone": "UTC"})
    assert b"js/timezone-guess.js" not in client.get("/home").data
    r = client.post(URL, data={"timezone": "Asia/Shanghai"}, headers=JSON)
    assert r.status_code == 200 and r.get_json()["stored"] is False
    assert reload(user).timezone is None


def test_signed_out_the_guess_is_refused(client):
    for r in (client.post(URL, json={"timezone": "Asia/Shanghai"}, headers=JSON),
              client.post(URL, data={"timezone": "Asia/Shanghai"})):
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert b"js/timezone-guess.js" not in client.get("/login").data


def test_every_role_may_guess_only_for_itself(as_user, make):
    for role in ("member", "chair", "staff", "admin"):
        user, other = make.make_user(role), make.make_user("member")
        r = as_user(user).post(URL, json={"timezone": "Asia/Tokyo", "user_id": other.id},
                               headers=JSON)
        assert r.status_code == 200
        assert reload(user).timezone == "Asia/Tokyo" and reload(other).timezone is None


def test_without_the_csrf_token_the_guess_is_refused(app, as_user, make):
    user = make.make_user("member")
    client = as_user(user)
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post(URL, json={"timezone": "Asia/Shanghai"}, headers=JSON)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf"
    assert reload(user).timezone is None
