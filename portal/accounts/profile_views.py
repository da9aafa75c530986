"""The profile page: name, language, password, API tokens, calendar link."""

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..auth import sessions
from ..auth.forms import ChangePasswordForm, CodeForm
from ..auth.throttle import TooManyAttempts
from ..authz import access
from ..calendar import user_calendar
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import button_step, form_step, show_errors
from . import passkeys, services, twofactor
from . import profile_bp as bp
from .access import must_enrol, needs_two_factor
from .forms import ProfileForm, TokenForm
from .models import User
from .passwords import verify_password
from .tokens import issue_token, revoke_token, tokens_of


def _zone_choices(form: ProfileForm) -> ProfileForm:
    form.timezone.choices = [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in services.time_zones())]
    return form


def _page(**forms):
    user = current_user
    context = {
        "profile_form": forms.get("profile_form") or _zone_choices(ProfileForm(
            obj=user, timezone=user.timezone or "UTC",
            email_notifications=(user.settings or {}).get("email_notifications", True))),
        "password_form": forms.get("password_form") or ChangePasswordForm(prefix="pw"),
        "token_form": forms.get("token_form") or TokenForm(prefix="tok"),
        "tokens": tokens_of(user),
        "new_token": forms.get("new_token"),
        "calendar_url": url_for("profile.calendar_feed", token=user.calendar_token or "-",
                                _external=True),
        "sessions": sessions.live_sessions(user),
        "this_session": sessions.current_row(),
        "two_factor_on": twofactor.is_enabled(user),
        "recovery_left": twofactor.remaining_recovery_codes(user),
    }
    return render_template("accounts/profile.html", **context)


@bp.get("")
@access("signed_in")
def show():
    """The person's own settings."""
    return _page()


@bp.post("")
@access("signed_in")
def update():
    """Save name, language and mail preference."""
    form = ProfileForm()
    _zone_choices(form)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                    email_notifications=form.email_notifications.data,
                                    timezone=form.timezone.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            session["locale"] = current_user.locale  # as the language buttons do
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.show"))
    return _page(profile_form=form), 422


@bp.post("/timezone")
@access("signed_in")
def guess_timezone():
    """The browser's time zone, sent once after sign-in: stored only while none is set."""
    data = request.get_json(silent=True) if request.is_json else request.form
    zone = data.get("timezone") if hasattr(data, "get") else None
    stored = services.guess_timezone(current_user, zone if isinstance(zone, str) else None)
    return jsonify({"timezone": current_user.timezone or "UTC", "stored": stored})


@bp.post("/password")
@access("signed_in")
def change_password():
    """Change the password, knowing the current one."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            remembered = bool(sessions.current_row() and sessions.current_row().remember_series)
            try:
                services.set_password(user, form.password.data)
            except InvalidInput as e:
                show_errors(form, e)
            else:
                # Every session and token ended with the old password; this browser goes on
                # in a new session.
                sessions.start(user, remember=remembered, method="password_change")
                flash(_("Your password is changed. You are signed out everywhere else, and "
                        "your API tokens are revoked."), "success")
                return redirect(url_for("profile.show"))
    return _page(password_form=form), 422


@bp.post("/tokens")
@access("signed_in")
def create_token():
    """Create an API token and show it once."""
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        try:
            _token, secret = issue_token(current_user, form.name.data, form.days.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            return _page(new_token=secret)
    return _page(token_form=form), 422


@bp.post("/tokens/<int:token_id>/revoke")
@access("signed_in")
def revoke(token_id: int):
    """Revoke one of one's own tokens."""
    revoke_token(current_user, token_id)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("profile.show"))


@bp.post("/calendar/regenerate")
@access("signed_in")
def regenerate_calendar():
    """A new secret calendar link; the old one stops working."""
    services.regenerate_calendar_token(current_user)
    flash(_("Your calendar link is new; update it in your calendar app."), "success")
    return redirect(url_for("profile.show"))


@bp.get("/calendar/<token>.ics")
@access("public")
def calendar_feed(token: str):
    """The person's secret feed: whoever holds the link reads what its owner may see."""
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if token else None
    if user is None or not user.is_active:
        abort(404)
    return Response(user_calendar(user), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=alliance.ics"})


@bp.post("/locale")
@access("public")
def set_locale():
    """Switch between English and Chinese (kept on the account when signed in)."""
    locale = request.form.get("locale")
    if locale in ("en", "zh"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    target = request.form.get("next") or request.referrer or url_for("dashboard.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("dashboard.home")
    return redirect(target)




@bp.post("/sessions/<int:session_id>/end")
@access("signed_in")
def end_session(session_id: int):
    """Sign out one browser of one's own (404 for anyone else's)."""
    this = sessions.current_row()
    if this is not None and this.id == session_id:
        sessions.sign_out()
        return redirect(url_for("auth.login"))
    return button_step(lambda: sessions.end_own_session(current_user, session_id),
                       back=lambda: redirect(url_for("profile.show")),
                       message=_("That browser is signed out."))


@bp.post("/sessions/end-all")
@access("signed_in")
def end_all_sessions():
    """Sign out everywhere, this browser included; live sockets close too."""
    sessions.end_all(current_user, "signed_out_everywhere")
    sessions.sign_out()
    flash(_("You are signed out everywhere."), "info")
    return redirect(url_for("auth.login"))


def _two_factor_page(status: int = 200, **context):
    user = current_user
    return render_template("accounts/two_factor.html", enabled=twofactor.is_enabled(user),
                           required=must_enrol(user) or needs_two_factor(user),
                           must_enrol=must_enrol(user),
                           recovery_left=twofactor.remaining_recovery_codes(user),
                           form=context.pop("form", None) or CodeForm(),
                           remove_form=context.pop("remove_form", None) or CodeForm(prefix="off"),
                           passkeys=passkeys.passkeys_of(user),
                           **context), status


@bp.get("/two-factor")
@access("signed_in")
def two_factor():
    """Two-factor sign-in: whether it is on, and the way to turn it on or off."""
    return _two_factor_page()


def _enrolment(secret: str, url: str, codes: list[str] | None):
    return {"secret": secret, "qr": Markup(twofactor.qr_svg(url)), "codes": codes}


@bp.post("/two-factor/begin")
@access("signed_in")
def two_factor_begin():
    """A new secret as a QR code, and recovery codes shown once; on after a first code."""
    try:
        secret, url, codes = twofactor.begin(current_user)
    except Conflict as e:
        flash(e.message, "danger")
        return redirect(url_for("profile.two_factor"))
    return _two_factor_page(enrolment=_enrolment(secret, url, codes))


@bp.post("/two-factor/confirm")
@access("signed_in")
def two_factor_confirm():
    """Turn two-factor sign-in on with the first code the app shows."""
    form = CodeForm()
    pending = twofactor.pending_secret(current_user)
    if pending is None:
        return redirect(url_for("profile.two_factor"))
    enrolment = _enrolment(pending, twofactor.otpauth_url(current_user, pending), None)
    if not form.validate_on_submit():
        return _two_factor_page(422, form=form, enrolment=enrolment)
    try:
        return form_step(form, lambda: twofactor.confirm(current_user, form.code.data),
                         reshow=lambda status: _two_factor_page(status, form=form,
                                                                enrolment=enrolment),
                         done=lambda: redirect(url_for("profile.show")),
                         message=_("Two-factor sign-in is on."))
    except TooManyAttempts as e:
        form.code.errors.append(e.message)
        return _two_factor_page(429, form=form, enrolment=enrolment)


@bp.post("/two-factor/remove")
@access("signed_in")
def two_factor_remove():
    """Turn two-factor sign-in off, proving it with a current code."""
    form = CodeForm(prefix="off")
    if not form.validate_on_submit():
        return _two_factor_page(422, remove_form=form)
    try:
        return form_step(form, lambda: twofactor.remove(current_user, form.code.data),
                         reshow=lambda status: _two_factor_page(status, remove_form=form),
                         done=lambda: redirect(url_for("profile.show")),
                         message=_("Two-factor sign-in is off."))
    except TooManyAttempts as e:
        form.code.errors.append(e.message)
        return _two_factor_page(429, remove_form=form)


@bp.post("/passkeys/options")
@access("signed_in")
def passkey_options():
    """The WebAuthn options for adding a passkey (JSON, for static/js/passkeys.js)."""
    return Response(passkeys.registration_options(current_user), mimetype="application/json")


@bp.post("/passkeys")
@access("signed_in")
def add_passkey():
    """Keep the passkey the browser made (JSON in and out)."""
    from ..api.helpers import json_body

    data = json_body()
    key = passkeys.register(current_user, data.get("credential"), data.get("name") or "")
    flash(_("The passkey “%(name)s” is added.", name=key.name), "success")
    return {"id": key.id, "name": key.name}, 201


@bp.post("/passkeys/<int:passkey_id>/remove")
@access("signed_in")
def remove_passkey(passkey_id: int):
    """Remove one of one's own passkeys."""
    return button_step(lambda: passkeys.remove(current_user, passkey_id),
                       back=lambda: redirect(url_for("profile.two_factor")),
                       message=_("The passkey is removed."))
