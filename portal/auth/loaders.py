"""How Flask-Login finds the person: session cookie for pages, bearer token for the API."""

from flask import Flask, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from ..extensions import db


def _is_api() -> bool:
    return request.path.startswith("/api/")


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Bind Flask-Login with the portal's loaders and answers."""
    from ..accounts.models import User
    from ..accounts.tokens import user_for_token

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The API is token-only: a browser's session cookie never authorises an API call,
        # so a third-party page cannot use it to act on the person's behalf.
        if _is_api():
            return None
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not _is_api() or not header.startswith("Bearer "):
            return None
        return user_for_token(header[len("Bearer "):].strip())

    @app.teardown_request
    def forget_user(_exc=None):
        # The signed-in user belongs to one request; never let it outlive it, even where
        # requests share an application context (as they do in the test client).
        from flask import g

        g.pop("_login_user", None)
        g.pop("request_id", None)

    @login_manager.unauthorized_handler
    def unauthorized():
        if _is_api():
            from ..api.errors import error_response

            return error_response(401, "unauthorized",
                                  "Send a valid API token: Authorization: Bearer <token>.")
        if request.headers.get("HX-Request"):
            return jsonify(error="unauthorized"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
