"""In Debian's chromium: sessions that end, "sign out everywhere", two-factor enrolment and
sign-in with a code or a recovery code, compulsory enrolment, and the secretariat's reset."""

import re

import pyotp
import pytest
from sqlalchemy import select, update

from portal.accounts.models import TwoFactor
from portal.extensions import db
from tests.support.factories import PASSWORD
from tests.support.live import browser_login, start_server, wait_until

pytestmark = pytest.mark.browser


def _fresh_code(user) -> str:
    db.session.execute(update(TwoFactor).where(TwoFactor.user_id == user.id).values(last_step=None))
    db.session.commit()
    secret = db.session.scalar(select(TwoFactor.secret).where(TwoFactor.user_id == user.id))
    return pyotp.TOTP(secret).now()


def _new_page(browser, url):
    context = browser.new_context(base_url=url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda d: d.accept())
    return context, page


def _sign_out(page):
    page.click("button.user-menu")
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")


def _enrol(page) -> tuple[str, list[str]]:
    page.goto("/profile/two-factor")
    page.click("#two-factor-begin button")
    page.wait_for_url("**/profile/two-factor/begin")
    page.locator("#two-factor-qr svg").wait_for()
    assert page.locator("#two-factor-qr svg").count() == 1
    secret = page.inner_text("#two-factor-secret").strip()
    codes = [c.strip() for c in page.locator("#recovery-codes li").all_inner_texts()]
    page.fill("#two-factor-confirm input[name=code]", pyotp.TOTP(secret).now())
    page.click("#two-factor-confirm [type=submit]")
    page.wait_for_url("**/profile")
    return secret, codes


def _password_step(page, email):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url("**/login/code")


def test_sign_out_ends_the_old_cookie_and_the_remember_me_cookie(browser, live_server, make):
    user = make.make_user("member")
    context, page = _new_page(browser, live_server.url)
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=remember]")
    page.click("#login-form [type=submit]")
    page.wait_for_url("**/home")
    cookies = context.cookies()
    remember = next(c for c in cookies if c["name"] == "portal_remember")
    assert remember["httpOnly"] and remember["sameSite"] == "Lax"
    _sign_out(page)
    context.close()
    for name in ("session", "portal_remember"):
        copy, other = _new_page(browser, live_server.url)
        copy.add_cookies([c for c in cookies if c["name"] == name])
        other.goto("/home")
        assert "/login" in other.url, name
        copy.close()


def test_sign_out_everywhere_ends_the_other_browser_and_its_live_socket(browser, live_server, make):
    user = make.make_user("member")
    ctx_a, a = _new_page(browser, live_server.url)
    ctx_b, b = _new_page(browser, live_server.url)
    try:
        browser_login(a, user.email, PASSWORD)
        browser_login(b, user.email, PASSWORD)
        wait_until(a, "window.portalSocket && window.portalSocket.connected")
        b.goto("/profile")
        assert b.locator("#sessions tbody tr").count() == 2
        b.click("text=Sign out everywhere")
        b.wait_for_url("**/login")
        wait_until(a, "window.portalSocket && !window.portalSocket.connected")
        a.goto("/groups")
        assert "/login" in a.url
    finally:
        ctx_a.close()
        ctx_b.close()


def test_two_factor_enrolment_and_sign_in_with_a_code_and_a_recovery_code(browser, live_server, make):
    user = make.make_user("member")
    context, page = _new_page(browser, live_server.url)
    try:
        browser_login(page, user.email, PASSWORD)
        _secret, codes = _enrol(page)
        assert len(codes) == 10
        assert "on" in page.inner_text("#profile-two-factor")
        _sign_out(page)

        _password_step(page, user.email)
        page.fill("input[name=code]", "000000")
        page.click("#code-form [type=submit]")
        page.locator("text=This code is not right.").wait_for()
        assert page.locator("text=This code is not right.").count() == 1
        page.fill("input[name=code]", _fresh_code(user))
        page.click("#code-form [type=submit]")
        page.wait_for_url("**/home")
        _sign_out(page)

        _password_step(page, user.email)
        page.fill("input[name=code]", codes[0])
        page.click("#code-form [type=submit]")
        page.wait_for_url("**/home")
        page.goto("/profile")
        assert re.search(r"Recovery codes left: 9", page.inner_text("#profile-two-factor"))
        _sign_out(page)

        _password_step(page, user.email)
        page.fill("input[name=code]", codes[0])
        page.click("#code-form [type=submit]")
        page.locator("text=This code is not right.").wait_for()
        assert page.locator("text=This code is not right.").count() == 1
        assert page.url.endswith("/login/code")
    finally:
        context.close()


def test_an_admin_resets_a_member_s_second_factor(browser, live_server, make):
    member, admin = make.make_user("member"), make.make_user("admin")
    ctx_m, m = _new_page(browser, live_server.url)
    ctx_a, a = _new_page(browser, live_server.url)
    try:
        browser_login(m, member.email, PASSWORD)
        _enrol(m)
        browser_login(a, admin.email, PASSWORD)
        a.goto("/admin/users")
        row = a.locator("tr", has_text=member.email)
        row.locator("text=Reset second factor").click()
        a.wait_for_url("**/admin/users")
        assert a.locator(".alert-success").count() >= 1
        assert a.locator("tr", has_text=member.email).locator("text=Reset second factor").count() == 0
        m.goto("/home")
        assert "/login" in m.url  # their sessions ended with the reset
        browser_login(m, member.email, PASSWORD)  # and the password alone signs in again
    finally:
        ctx_m.close()
        ctx_a.close()


def test_a_required_role_must_enrol_before_anything_else(browser, _schema, make, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR", "staff,admin")
    server = start_server(_schema, tmp_path, name="required")
    try:
        staff = make.make_user("staff")
        context, page = _new_page(browser, server.url)
        page.goto("/login")
        page.fill("input[name=email]", staff.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form [type=submit]")
        page.wait_for_url("**/profile/two-factor")
        assert page.locator("#must-enrol").count() == 1
        page.goto("/groups")
        assert page.url.endswith("/profile/two-factor")
        _enrol(page)
        page.goto("/groups")
        assert page.url.endswith("/groups")
        context.close()
    finally:
        server.stop()


def test_a_passkey_stands_in_for_the_code(browser, live_server, make):
    """Chromium's virtual authenticator plays the passkey; the site is `localhost` (an IP
    address cannot be a WebAuthn relying party)."""
    user = make.make_user("member")
    context, page = _new_page(browser, live_server.url.replace("127.0.0.1", "localhost"))
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True,
            "automaticPresenceSimulation": True}})
        browser_login(page, user.email, PASSWORD)
        _enrol(page)
        page.goto("/profile/two-factor")
        page.fill("#passkey-name", "work laptop")
        page.click("#passkey-add")
        page.wait_for_selector("#passkeys li")
        assert "work laptop" in page.inner_text("#passkeys")
        _sign_out(page)

        _password_step(page, user.email)
        page.click("#passkey-use")
        page.wait_for_url("**/home")
        page.goto("/profile")
        assert page.locator("#sessions tbody tr").count() == 1
    finally:
        context.close()
