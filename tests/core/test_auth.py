"""Signing in and out, throttling, password reset and invitations."""

import re

import pytest

from portal.accounts.links import make_link_token
from portal.accounts.passwords import verify_password
from tests.support.factories import PASSWORD, reload


def _login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_member_signs_in_and_lands_on_home(client, make):
    user = make.make_user("member")
    r = _login(client, user.email.upper(), PASSWORD)
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, make):
    user = make.make_user("member")
    r = _login(client, user.email, "not the password")
    assert r.status_code == 401
    assert b"Wrong e-mail or password." in r.data
    assert client.get("/home").status_code == 302


def test_empty_login_form_is_shown_again_with_errors(client):
    r = _login(client, "", "")
    assert r.status_code == 422
    assert b"invalid-feedback" in r.data


def test_deactivated_person_cannot_sign_in(client, make):
    user = make.make_user("member")
    user.is_active_flag = False
    from portal.extensions import db

    db.session.commit()
    assert _login(client, user.email, PASSWORD).status_code == 401


def test_repeated_failed_logins_are_throttled(client, make):
    user = make.make_user("member")
    codes = [_login(client, user.email, "wrong").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


@pytest.mark.parametrize("target", [
    "//evil.example/x", "/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example",
    "/%5C%5Cevil.example", "https://evil.example/", "%2F%2Fevil.example", "/%00/evil.example",
    "javascript:alert(1)", "/%7F/evil.example",
])
def test_next_parameter_cannot_redirect_off_site(client, make, target):
    user = make.make_user("member")
    r = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"] == "/home"


def test_next_parameter_keeps_a_path_on_the_site(client, make):
    user = make.make_user("member")
    r = client.post("/login?next=/queqiao/tips%3Fmine%3D1", data={"email": user.email,
                                                                 "password": PASSWORD})
    assert r.headers["Location"] == "/queqiao/tips?mine=1"


def test_signed_out_visitor_is_sent_to_sign_in(client):
    r = client.get("/groups")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_logout_ends_the_session(client, make):
    user = make.make_user("member")
    _login(client, user.email, PASSWORD)
    assert client.post("/logout").status_code == 302
    assert client.get("/home").status_code == 302


def test_password_reset_link_works_once(app, client, make):
    user = make.make_user("member")
    r = client.post("/password/forgot", data={"email": user.email})
    assert r.status_code == 302
    mail = app.extensions["sent_mail"][-1]
    link = re.search(r"http://localhost(/password/reset/\S+)", mail.get_content()).group(1)
    data = {"password": "a brand new password", "confirm": "a brand new password"}
    assert client.post(link, data=data).status_code == 302
    assert verify_password(reload(user).password_hash, "a brand new password")
    assert client.post(link, data=data).status_code == 404


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(app, client):
    r = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert r.status_code == 302
    assert app.extensions.get("sent_mail", []) == []


def test_reset_with_a_weak_password_is_refused(client, make):
    user = make.make_user("member")
    token = make_link_token(user, "reset")
    r = client.post(f"/password/reset/{token}", data={"password": "short", "confirm": "short"})
    assert r.status_code == 422


def test_tampered_reset_link_is_refused(client):
    assert client.get("/password/reset/not-a-token").status_code == 404


@pytest.mark.parametrize("role", ["member", "staff"])
def test_admin_invitation_lets_the_invitee_choose_a_password(app, as_user, client, make, role):
    admin = make.make_user("admin")
    org = make.make_org(kind="platform" if role == "staff" else "member")
    c = as_user(admin)
    r = c.post("/admin/users/invite", data={"email": "New.Person@Example.com", "name": "New",
                                            "organisation": org.id, "role": role,
                                            "locale": "zh", "chair_of": ""})
    assert r.status_code == 302
    link = re.search(r"http://localhost(/invitation/\S+)", app.extensions["sent_mail"][-1]
                     .get_content()).group(1)
    r = client.post(link, data={"password": "my own password 1", "confirm": "my own password 1"})
    assert r.status_code == 302
    assert _login(client, "new.person@example.com", "my own password 1").status_code == 302
    assert client.post(link, data={"password": "x" * 12, "confirm": "x" * 12}).status_code == 404


def test_change_password_needs_the_current_one(as_user, make):
    user = make.make_user("member")
    c = as_user(user)
    data = {"pw-current": "wrong", "pw-password": "another password", "pw-confirm": "another password"}
    assert c.post("/profile/password", data=data).status_code == 422
    data["pw-current"] = PASSWORD
    assert c.post("/profile/password", data=data).status_code == 302
    assert verify_password(reload(user).password_hash, "another password")


def test_the_api_docs_page_speaks_the_account_s_language_after_sign_in(client, make):
    # The docs page lives under /api/, where a session cookie signs no one in: it takes the
    # language the browser session keeps, which signing in and the profile set.
    user = make.make_user("member", locale="zh")
    assert '<html lang="en">' in client.get("/api/v1/docs").get_data(as_text=True)
    _login(client, user.email, PASSWORD)
    assert '<html lang="zh-CN">' in client.get("/api/v1/docs").get_data(as_text=True)
    profile = client.get("/profile").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', profile)
    data = {"name": user.name, "locale": "en", "timezone": "UTC"}
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/profile", data=data).status_code == 302
    assert '<html lang="en">' in client.get("/api/v1/docs").get_data(as_text=True)
