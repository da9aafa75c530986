"""The profile page: name, language, password, API tokens, calendar link."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.forms import ChangePasswordForm
from ..authz import access
from ..calendar import user_calendar
from ..errors import InvalidInput
from ..extensions import db
from ..forms import show_errors
from . import profile_bp as bp
from . import services
from .forms import ProfileForm, TokenForm
from .models import User
from .passwords import verify_password
from .tokens import issue_token, revoke_token, tokens_of


def _page(**forms):
    user = current_user
    context = {
        "profile_form": forms.get("profile_form") or ProfileForm(
            obj=user, email_notifications=(user.settings or {}).get("email_notifications", True)),
        "password_form": forms.get("password_form") or ChangePasswordForm(prefix="pw"),
        "token_form": forms.get("token_form") or TokenForm(prefix="tok"),
        "tokens": tokens_of(user),
        "new_token": forms.get("new_token"),
        "calendar_url": url_for("profile.calendar_feed", token=user.calendar_token,
                                _external=True),
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
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                    email_notifications=form.email_notifications.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.show"))
    return _page(profile_form=form), 422


@bp.post("/password")
@access("signed_in")
def change_password():
    """Change the password, knowing the current one."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            try:
                services.set_password(current_user, form.password.data)
            except InvalidInput as e:
                show_errors(form, e)
            else:
                flash(_("Your password is changed."), "success")
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
    from flask import session

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


