"""Sessions end on the server: sign-out, password change and reset, deactivation, "sign out
everywhere"; the remember-me cookie turns over on every use; API tokens are listed and
revoked."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts import services
from portal.accounts.links import make_link_token
from portal.accounts.models import ApiToken, UserSession
from portal.audit.models import AuditEvent
from portal.config import Config
from portal.extensions import db
from portal.models import utcnow
from tests.support.factories import PASSWORD, reload
from tests.support.fixtures import api_for

REMEMBER = "portal_remember"


def _sign_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    r = client.post("/login", data=data)
    assert r.status_code == 302, r.data
    return r


def _cookie(client, name):
    c = client.get_cookie(name)
    return c.value if c else None


def _with_cookies(app, **cookies):
    c = app.test_client()
    for name, value in cookies.items():
        c.set_cookie(name, value)
    return c


def _signed_in(client) -> bool:
    return client.get("/home").status_code == 200


def _actions(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_sign_out_ends_the_old_session_cookie_and_the_remember_me_cookie(app, make):
    user = make.make_user("member")
    browser = app.test_client()
    _sign_in(browser, user, remember=True)
    old_session, old_remember = _cookie(browser, "session"), _cookie(browser, REMEMBER)
    assert old_session and old_remember
    assert _signed_in(_with_cookies(app, session=old_session))
    assert browser.post("/logout").status_code == 302
    assert not _signed_in(browser)
    # A copy of either cookie taken before signing out no longer opens anything.
    assert not _signed_in(_with_cookies(app, session=old_session))
    assert not _signed_in(_with_cookies(app, **{REMEMBER: old_remember}))
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.revoked_at is not None and row.revoked_reason == "sign_out"


def test_signing_out_ends_the_person_s_other_sessions_too(app, make):
    user = make.make_user("member")
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, user)
    _sign_in(phone, user)
    assert _signed_in(laptop) and _signed_in(phone)
    assert laptop.post("/logout").status_code == 302
    assert not _signed_in(phone)


def test_the_session_cookie_carries_a_key_not_the_user_id(app, make):
    user = make.make_user("member")
    browser = app.test_client()
    _sign_in(browser, user)
    with browser.session_transaction() as s:
        assert set(s.keys()) >= {"sid"} and s["sid"] != str(user.id)
        s["sid"] = "forged"
    assert not _signed_in(browser)


def test_a_session_lapses_when_idle(app, make):
    user = make.make_user("member")
    browser = app.test_client()
    _sign_in(browser, user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert not _signed_in(browser)


def test_remember_me_turns_over_on_every_use_and_a_replayed_token_ends_the_series(app, make):
    user = make.make_user("member")
    browser = app.test_client()
    _sign_in(browser, user, remember=True)
    first = _cookie(browser, REMEMBER)
    # The browser closed: only the remember-me cookie is left.
    returning = _with_cookies(app, **{REMEMBER: first})
    assert _signed_in(returning)
    second = _cookie(returning, REMEMBER)
    assert second and second != first
    assert second.split(".")[0] == first.split(".")[0]  # same series, new token
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert first.split(".")[1] not in (row.remember_hash, row.remember_series)  # hashed
    # A copy of the first cookie, used later, is a stolen one: the series ends for both.
    row.remember_rotated_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert not _signed_in(_with_cookies(app, **{REMEMBER: first}))
    assert reload(row).revoked_reason == "remember_reuse"
    assert not _signed_in(_with_cookies(app, **{REMEMBER: second}))
    assert not _signed_in(returning)


def test_the_remember_me_cookie_differs_on_each_sign_in_and_lives_two_weeks(app, make):
    user = make.make_user("member")
    one, two = app.test_client(), app.test_client()
    r = _sign_in(one, user, remember=True)
    _sign_in(two, user, remember=True)
    assert _cookie(one, REMEMBER) != _cookie(two, REMEMBER)
    header = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith(REMEMBER + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    expires = one.get_cookie(REMEMBER).expires
    assert timedelta(days=13) < expires - utcnow() <= timedelta(days=14, minutes=1)


def test_production_cookies_are_secure_httponly_and_lax(monkeypatch, tmp_path, app, make):
    monkeypatch.setenv("PORTAL_ENV", "production")
    config = Config(str(tmp_path))
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.REQUIRE_TWO_FACTOR == "staff,admin"
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = make.make_user("member")
    r = _sign_in(app.test_client(), user, remember=True)
    cookies = r.headers.getlist("Set-Cookie")
    for name in ("session", REMEMBER):
        header = next(h for h in cookies if h.startswith(name + "="))
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header


def test_password_reset_ends_sessions_and_tokens(app, make, as_user, api):
    user = make.make_user("member")
    page = as_user(user)
    token = api(user)
    assert _signed_in(page) and token.get("/api/v1/me").status_code == 200
    link = make_link_token(user, "reset")
    r = app.test_client().post(f"/password/reset/{link}",
                               data={"password": "a brand new secret", "confirm": "a brand new secret"})
    assert r.status_code == 302
    assert not _signed_in(page)
    assert token.get("/api/v1/me").status_code == 401
    assert _actions("session.end_all.password_reset")


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_browser(app, make, as_user,
                                                                              api):
    user = make.make_user("member")
    here, elsewhere = app.test_client(), as_user(user)
    _sign_in(here, user)
    token = api(user)
    r = here.post("/profile/password", data={"pw-current": PASSWORD, "pw-password": "another long one",
                                             "pw-confirm": "another long one"})
    assert r.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert token.get("/api/v1/me").status_code == 401


def test_deactivation_ends_every_session_and_token(app, make, as_user, api):
    admin, user = make.make_user("admin"), make.make_user("member")
    page, token = as_user(user), api(user)
    r = as_user(admin).post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert r.status_code == 302
    assert not _signed_in(page)
    assert token.get("/api/v1/me").status_code == 401
    services.set_active(admin, reload(user), True)
    # Coming back does not bring the old session or token back.
    assert not _signed_in(page)
    assert token.get("/api/v1/me").status_code == 401
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken)))


def test_deactivating_an_organisation_ends_its_people_s_sessions(app, make, as_user):
    admin, user = make.make_user("admin"), make.make_user("member")
    page = as_user(user)
    org = user.organisation
    services.update_organisation(admin, org, name=org.name, country="", group_slugs=["luxury-goods"],
                                 is_active=False)
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)).revoked_at
    assert not _signed_in(page)


def test_profile_lists_where_one_is_signed_in_and_signs_out_one(app, make, as_user):
    user, other = make.make_user("member"), make.make_user("member")
    here, laptop = app.test_client(), app.test_client()
    _sign_in(here, user)
    laptop.post("/login", data={"email": user.email, "password": PASSWORD},
                headers={"User-Agent": "Laptop Browser/1.0"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    page = here.get("/profile").get_data(as_text=True)
    assert "Where you are signed in" in page and "Laptop Browser/1.0" in page
    assert "203.0.113.0/24" in page and "203.0.113.9" not in page
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    laptop_row = next(r for r in rows if r.user_agent.startswith("Laptop"))
    # Someone else's session: 404, nothing ends.
    assert as_user(other).post(f"/profile/sessions/{laptop_row.id}/end").status_code == 404
    assert _signed_in(laptop)
    assert here.post(f"/profile/sessions/{laptop_row.id}/end").status_code == 302
    assert not _signed_in(laptop) and _signed_in(here)
    assert app.test_client().post(f"/profile/sessions/{laptop_row.id}/end").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, make, as_user):
    user = make.make_user("member")
    one, two, three = as_user(user), as_user(user), as_user(user)
    assert one.post("/profile/sessions/end-all").status_code == 302
    assert not any(_signed_in(c) for c in (one, two, three))
    assert _actions("session.end_all.signed_out_everywhere")


def test_tokens_are_listed_without_secrets_and_revoked_by_their_owner_only(app, make, api):
    user, other = make.make_user("member"), make.make_user("member")
    mine, theirs = api(user), api(other)
    r = mine.get("/api/v1/me/tokens")
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"} <= set(item)
    assert mine.token.startswith(item["prefix"]) and mine.token not in str(body)
    their_id = theirs.get("/api/v1/me/tokens").get_json()["items"][0]["id"]
    assert mine.delete(f"/api/v1/me/tokens/{their_id}").status_code == 404
    assert theirs.get("/api/v1/me").status_code == 200
    assert mine.delete("/api/v1/me/tokens/999999").status_code == 404
    assert mine.delete(f"/api/v1/me/tokens/{item['id']}").status_code == 204
    assert mine.get("/api/v1/me/tokens").status_code == 401
    assert api(None).get("/api/v1/me/tokens").status_code == 401
    assert api(None).delete(f"/api/v1/me/tokens/{their_id}").status_code == 401


def test_revoked_tokens_drop_out_of_the_list(app, make, api):
    user = make.make_user("member")
    keep, gone = api(user), api_for(app.test_client(), user)
    ids = [i["id"] for i in keep.get("/api/v1/me/tokens").get_json()["items"]]
    assert len(ids) == 2
    gone_id = next(i["id"] for i in keep.get("/api/v1/me/tokens").get_json()["items"]
                   if gone.token.startswith(i["prefix"]))
    assert keep.delete(f"/api/v1/me/tokens/{gone_id}").status_code == 204
    assert [i["id"] for i in keep.get("/api/v1/me/tokens").get_json()["items"]] == \
        [i for i in ids if i != gone_id]
    assert gone.get("/api/v1/me").status_code == 401


def test_one_account_tried_from_many_addresses_is_throttled_and_audited(app, make):
    user = make.make_user("member")
    codes = []
    for n in range(11):
        c = app.test_client()
        r = c.post("/login", data={"email": user.email, "password": "wrong guess"},
                   environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        codes.append(r.status_code)
    assert codes[:10] == [401] * 10 and codes[10] == 429
    # Even the right password waits now, through the page and through the API.
    right = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert right.status_code == 429
    r = app.test_client().post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited"
    assert _actions("auth.login_throttled")
    # Another account is not affected.
    other = make.make_user("member")
    assert app.test_client().post("/login", data={"email": other.email, "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "192.0.2.3"}).status_code == 302
