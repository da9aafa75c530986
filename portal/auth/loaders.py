"""How Flask-Login finds the person: session cookie for pages, bearer token for the API."""

from flask import Flask, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

# What a person who must enrol a second factor can still reach.
ENROLMENT_ENDPOINTS = {"static", "auth.logout", "profile.two_factor", "profile.two_factor_begin",
                       "profile.two_factor_confirm", "profile.set_locale",
                       "api.two_factor_begin", "api.two_factor_confirm"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Bind Flask-Login with the portal's loaders and answers."""
    from ..accounts.tokens import user_for_token

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from . import sessions

    @login_manager.user_loader
    def load_user(user_id: str):
        # The API is token-only: a browser's session cookie never authorises an API call,
        # so a third-party page cannot use it to act on the person's behalf.
        if _is_api():
            return None
        # Only a live server-side session counts: the cookie alone proves nothing once the
        # session was ended (signed out, password changed, deactivated).
        return sessions.load(user_id)

    @login_manager.request_loader
    def load_user_from_token(req):
        if not _is_api():
            # A socket's handshake cannot carry a new cookie back, so it never turns the
            # remember-me token over (the next page would look like a replay).
            if req.path.startswith("/socket.io"):
                return None
            return sessions.load_remembered()
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return user_for_token(header[len("Bearer "):].strip())

    @app.after_request
    def remember_cookie(response):
        response = sessions.set_remember_cookie(response)
        if "remember_token" in request.cookies:  # Flask-Login's own, never issued any more
            response.delete_cookie("remember_token")
        return response

    @app.before_request
    def enrol_first():
        """A person whose role needs a second factor and who has none can only enrol."""
        from flask_login import current_user

        from ..accounts.access import must_enrol
        from ..authz import is_signed_in

        if request.endpoint in ENROLMENT_ENDPOINTS or not is_signed_in(current_user) \
                or not must_enrol(current_user):
            return None
        if _is_api():
            from ..api.errors import error_response

            return error_response(403, "two_factor_required",
                                  str(_l("Your role needs two-factor sign-in: enrol first "
                                         "(POST /api/v1/me/two-factor).")))
        return redirect(url_for("profile.two_factor"))

    @app.teardown_request
    def forget_user(_exc=None):
        # The signed-in user, and the language chosen for them, belong to one request;
        # never let them outlive it, even where requests share an application context (as
        # they do in the test client).
        from flask import g

        g.pop("_login_user", None)
        g.pop("request_id", None)
        g.pop("_flask_babel", None)

    @login_manager.unauthorized_handler
    def unauthorized():
        if _is_api():
            from ..api.errors import error_response

            return error_response(401, "unauthorized",
                                  "Send a valid API token: Authorization: Bearer <token>.")
        if request.headers.get("HX-Request"):
            return jsonify(error="unauthorized"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
