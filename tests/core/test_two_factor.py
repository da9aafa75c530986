"""Two-factor sign-in: enrolment (API and profile page), sign-in with a code or a recovery
code, wrong codes (401 otp_required, throttled, audited), no replay, compulsory enrolment
per role, and the secretariat's reset."""

import re

import pyotp
import pytest
from sqlalchemy import select, update

from portal.accounts import twofactor
from portal.accounts.models import TwoFactor, UserSession
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.support.factories import PASSWORD


def _fresh_code(user) -> str:
    """A current code the account has not used yet (tests use several within one step)."""
    db.session.execute(update(TwoFactor).where(TwoFactor.user_id == user.id).values(last_step=None))
    db.session.commit()
    secret = db.session.scalar(select(TwoFactor.secret).where(TwoFactor.user_id == user.id))
    return pyotp.TOTP(secret).now()


def _enrol(user) -> tuple[str, list[str]]:
    secret, _url, codes = twofactor.begin(user)
    twofactor.confirm(user, pyotp.TOTP(secret).now())
    return secret, codes


def _token(client, user, **extra):
    return client.post("/api/v1/auth/tokens",
                       json={"email": user.email, "password": PASSWORD, **extra})


def _actions(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_enrolment_through_the_api(app, make, api):
    user = make.make_user("member")
    client = api(user)
    r = client.post("/api/v1/me/two-factor")
    assert r.status_code == 201
    body = r.get_json()
    assert body["otpauth_url"].startswith("otpauth://totp/") and body["secret"] in body["otpauth_url"]
    assert "period" not in body["otpauth_url"] or "period=30" in body["otpauth_url"]
    assert len(body["recovery_codes"]) == 10 and len(set(body["recovery_codes"])) == 10
    assert not twofactor.is_enabled(user)
    # Codes are kept only as hashes.
    assert not db.session.execute(select(TwoFactor)).scalars().first().confirmed_at
    wrong = client.post("/api/v1/me/two-factor/confirm", json={"code": "000000"})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["error"]["fields"]
    assert client.post("/api/v1/me/two-factor/confirm", json={}).status_code == 422
    assert client.post("/api/v1/me/two-factor/confirm", json=[1]).status_code == 400
    totp = pyotp.TOTP(body["secret"])
    assert len(totp.now()) == 6 and totp.interval == 30
    r = client.post("/api/v1/me/two-factor/confirm", json={"code": totp.now()})
    assert r.status_code == 200 and r.get_json() == {"enabled": True}
    assert twofactor.is_enabled(user)
    # Tokens made before stay valid.
    assert client.get("/api/v1/me").status_code == 200
    again = client.post("/api/v1/me/two-factor")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "two_factor_enabled"
    assert api(None).post("/api/v1/me/two-factor").status_code == 401


def test_tokens_need_a_code_once_two_factor_is_on(app, make, client):
    user = make.make_user("member")
    _secret, codes = _enrol(user)
    for extra in ({}, {"otp": ""}, {"otp": "123456"}, {"otp": 123456}):
        r = _token(client, user, **extra)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "otp_required", extra
    code = _fresh_code(user)
    assert _token(client, user, otp=code).status_code == 201
    # The same code, replayed within its window, is refused.
    r = _token(client, user, otp=code)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "otp_required"
    # A recovery code works once.
    assert _token(client, user, otp=codes[0].upper()).status_code == 201
    assert _token(client, user, otp=codes[0]).status_code == 401
    assert _actions("two_factor.recovery_code")
    assert _actions("two_factor.failed")
    assert twofactor.remaining_recovery_codes(user) == 9


def test_wrong_codes_are_throttled_and_audited(app, make, client):
    user = make.make_user("member")
    _enrol(user)
    statuses = [_token(client, user, otp="999999").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # Now even a right code waits.
    assert _token(client, user, otp=_fresh_code(user)).status_code == 429
    assert len(_actions("two_factor.failed")) == 5
    assert _actions("two_factor.throttled")


def test_sign_in_page_asks_for_the_code(app, make, client):
    user = make.make_user("member")
    _enrol(user)
    r = client.post("/login?next=/groups", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/code")
    # The password alone does not sign in.
    assert client.get("/home").status_code == 302
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None
    page = client.get("/login/code")
    assert page.status_code == 200 and b"authenticator app" in page.data
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 401 and b"This code is not right." in wrong.data
    r = client.post("/login/code", data={"code": _fresh_code(user)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/groups")
    assert client.get("/home").status_code == 200


def test_sign_in_page_takes_a_recovery_code_once(app, make):
    user = make.make_user("member")
    _secret, codes = _enrol(user)
    first = app.test_client()
    first.post("/login", data={"email": user.email, "password": PASSWORD})
    assert first.post("/login/code", data={"code": codes[3]}).status_code == 302
    assert first.get("/home").status_code == 200
    second = app.test_client()
    second.post("/login", data={"email": user.email, "password": PASSWORD})
    assert second.post("/login/code", data={"code": codes[3]}).status_code == 401
    assert second.get("/home").status_code == 302


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client):
    assert client.get("/login/code").headers["Location"].endswith("/login")
    assert client.post("/login/code", data={"code": "123456"}).status_code == 302


def test_enrolment_and_removal_on_the_profile_page(app, make, as_user):
    user = make.make_user("member")
    page = as_user(user)
    assert b"Two-factor sign-in" in page.get("/profile").data
    r = page.post("/profile/two-factor/begin")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<svg" in html and "http" not in html.split('id="two-factor-qr"')[1].split("</div>")[0]
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", html)
    assert len(codes) == 10
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', html).group(1)
    wrong = page.post("/profile/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and b"<svg" in wrong.data
    assert page.post("/profile/two-factor/confirm",
                     data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert twofactor.is_enabled(user)
    assert b"Recovery codes left: 10" in page.get("/profile/two-factor").data
    assert page.post("/profile/two-factor/remove", data={"off-code": "000000"}).status_code == 422
    assert twofactor.is_enabled(user)
    assert page.post("/profile/two-factor/remove",
                     data={"off-code": _fresh_code(user)}).status_code == 302
    assert not twofactor.is_enabled(user)
    assert _actions("two_factor.enable") and _actions("two_factor.remove")


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_a_required_role_can_only_enrol(app, make, as_user, api, role):
    app.config["REQUIRE_TWO_FACTOR"] = "staff,admin"
    user = make.make_user(role)
    page, client = as_user(user), api(user)
    for path in ("/home", "/groups", "/profile", "/admin/users"):
        r = page.get(path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/profile/two-factor"), path
    assert page.get("/profile/two-factor").status_code == 200
    r = client.get("/api/v1/me")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "two_factor_required"
    assert client.get("/api/v1/working-groups").status_code == 403
    body = client.post("/api/v1/me/two-factor").get_json()
    assert client.post("/api/v1/me/two-factor/confirm",
                       json={"code": pyotp.TOTP(body["secret"]).now()}).status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert page.get("/home").status_code == 200
    # The role cannot turn it off again.
    r = page.post("/profile/two-factor/remove", data={"off-code": _fresh_code(user)})
    assert r.status_code == 409 and twofactor.is_enabled(user)


def test_other_roles_are_not_held_to_enrolment(app, make, as_user):
    app.config["REQUIRE_TWO_FACTOR"] = "staff,admin"
    assert as_user(make.make_user("member")).get("/home").status_code == 200
    assert as_user(make.make_user("chair")).get("/home").status_code == 200


def test_an_admin_resets_a_second_factor(app, make, as_user, people):
    user = people["member"]
    _enrol(user)
    member_page = as_user(user)
    for role in ("member", "outsider", "chair", "staff"):
        assert as_user(people[role]).post(f"/admin/users/{user.id}/two-factor/reset").status_code == 404
    assert twofactor.is_enabled(user)
    admin = as_user(people["admin"])
    assert "Reset second factor" in admin.get("/admin/users").get_data(as_text=True)
    assert admin.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    assert not twofactor.is_enabled(user) and twofactor.remaining_recovery_codes(user) == 0
    event = _actions("two_factor.reset")[0]
    assert event.actor_id == people["admin"].id
    assert member_page.get("/home").status_code == 302  # their sessions ended
    assert admin.post("/admin/users/999999/two-factor/reset").status_code == 404
    # Signing in works with the password alone again.
    r = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"].endswith("/home")


def test_passkeys_come_after_the_authenticator_app_and_belong_to_their_owner(app, make, as_user,
                                                                             client):
    from portal.accounts.models import Passkey

    user, other = make.make_user("member"), make.make_user("member")
    page = as_user(user)
    r = page.post("/profile/passkeys/options")
    assert r.status_code == 409  # two-factor sign-in first
    _enrol(user)
    r = page.post("/profile/passkeys/options")
    assert r.status_code == 200 and r.get_json()["rp"]["id"] == "localhost"
    assert page.post("/profile/passkeys", json={"credential": {"id": "x"}, "name": "fake"}).status_code == 422
    assert page.post("/profile/passkeys", json=[1]).status_code == 400
    key = Passkey(user_id=user.id, credential_id="abc", public_key=b"k", name="desk")
    db.session.add(key)
    db.session.commit()
    assert as_user(other).post(f"/profile/passkeys/{key.id}/remove").status_code == 404
    assert client.post(f"/profile/passkeys/{key.id}/remove").status_code == 302  # to sign in
    assert db.session.get(Passkey, key.id) is not None
    assert page.post(f"/profile/passkeys/{key.id}/remove").status_code == 302
    assert db.session.get(Passkey, key.id) is None


def test_the_passkey_step_needs_a_pending_sign_in_and_a_real_assertion(app, make, client):
    from portal.accounts.models import Passkey

    assert client.post("/login/passkey/options").status_code == 404
    assert client.post("/login/passkey", json={"credential": {}}).status_code == 404
    user = make.make_user("member")
    _enrol(user)
    db.session.add(Passkey(user_id=user.id, credential_id="abc", public_key=b"k", name="desk"))
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert b"passkey-use" in client.get("/login/code").data
    options = client.post("/login/passkey/options").get_json()
    assert options["allowCredentials"][0]["id"] == "abc"
    r = client.post("/login/passkey", json={"credential": {"id": "abc", "rawId": "abc", "type": "public-key",
                                                            "response": {}}})
    assert r.status_code == 401
    assert client.get("/home").status_code == 302
    assert _actions("two_factor.failed")
    # An admin's reset takes the passkeys with the second factor.
    twofactor.admin_reset(make.make_user("admin"), user)
    assert db.session.scalars(select(Passkey)).all() == []
