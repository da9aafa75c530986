"""Sign-in pages. Login is rate-limited per address."""

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts import twofactor
from ..accounts.links import make_link_token, user_for_link
from ..accounts.models import User, user_by_email
from ..authz import access
from ..errors import InvalidInput, NotFound
from ..extensions import db, limiter
from ..mail import send_mail
from . import bp, sessions
from .forms import CodeForm, LoginForm, NewPasswordForm, ResetRequestForm
from .throttle import TooManyAttempts


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """A path on this site to go on to after signing in; anything else goes home.

    Browsers drop tabs and newlines from a Location and read a backslash as a slash, so
    "/\t/evil.example" would become "//evil.example": such characters are refused outright.
    """
    home = url_for("dashboard.home")
    if not target or any(c in "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@access("public")
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except TooManyAttempts as e:
            form.password.errors.append(e.message)
            return render_template("auth/login.html", form=form), 429
        if user:
            target = _safe_next(request.args.get("next"))
            if twofactor.is_enabled(user):
                # The password was right; the session begins only after the second step.
                session["pending_sign_in"] = {"user": user.id, "remember": bool(form.remember.data),
                                              "next": target, "at": int(time.time())}
                return redirect(url_for("auth.login_code"))
            sessions.start(user, remember=bool(form.remember.data))
            return redirect(target)
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


PENDING_SECONDS = 300


def _pending_user():
    pending = session.get("pending_sign_in")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("pending_sign_in", None)
        return None, None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.is_active:
        return None, None
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@access("public")
def login_code():
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            ok = twofactor.verify(user, form.code.data)
        except TooManyAttempts as e:
            form.code.errors.append(e.message)
            return _code_page(form, 429)
        if ok:
            sessions.start(user, remember=pending.get("remember", False), method="password+otp")
            return redirect(_safe_next(pending.get("next")))
        form.code.errors.append(_("This code is not right."))
        return _code_page(form, 401)
    return _code_page(form, 422 if form.is_submitted() else 200)


def _code_page(form, status: int):
    from ..accounts.passkeys import passkeys_of

    user, _pending = _pending_user()
    return render_template("auth/login_code.html", form=form,
                           has_passkey=bool(user and passkeys_of(user))), status


@bp.post("/login/passkey/options")
@limiter.limit(_login_limit)
@access("public")
def login_passkey_options():
    """WebAuthn options for the person half-way through signing in (JSON)."""
    from flask import Response

    from ..accounts import passkeys

    user, _pending = _pending_user()
    if user is None:
        raise NotFound()
    return Response(passkeys.authentication_options(user), mimetype="application/json")


@bp.post("/login/passkey")
@limiter.limit(_login_limit)
@access("public")
def login_passkey():
    """The second step with a passkey: the browser's assertion (JSON) → signed in."""
    from ..accounts import passkeys
    from ..api.helpers import json_body

    user, pending = _pending_user()
    if user is None:
        raise NotFound()
    credential = json_body().get("credential")
    if not passkeys.verify(user, credential):
        return {"error": {"code": "passkey_refused", "message": _("The passkey was not accepted.")}}, 401
    sessions.start(user, remember=pending.get("remember", False), method="password+passkey")
    return {"next": _safe_next(pending.get("next"))}


@bp.route("/logout", methods=["POST"])
@access("signed_in")
def logout():
    """Sign out: every session of the person ends on the server, with its live sockets
    (the contract: signing out ends every session and live socket of that person)."""
    sessions.sign_out(everywhere=True)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@access("public")
def forgot_password():
    """Send a reset link; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if user and user.is_active:
            link = url_for("auth.reset_password", token=make_link_token(user, "reset"), _external=True)
            send_mail(user.email, _("Reset your alliance portal password"),
                      _("Open this link within an hour to choose a new password:") + f"\n{link}\n")
        flash(_("If the address is known, a link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.is_submitted() else 200


def _set_password_page(token: str, purpose: str, template: str):
    user = user_for_link(token, purpose)
    if user is None:
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data, reason=purpose)
        except InvalidInput as e:
            form.password.errors.extend(e.fields.values())
        else:
            flash(_("Your password is set. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user), 422 if form.is_submitted() else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str):
    """Choose a new password from a reset link."""
    return _set_password_page(token, "reset", "auth/reset.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access("public")
def accept_invitation(token: str):
    """Take an invitation: choose a password for the new account."""
    return _set_password_page(token, "invite", "auth/invitation.html")
