"""Language choice: the person's setting, else the session's, else the browser's."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The locale of this request: 'en' or 'zh' (English outside requests, e.g. the CLI)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and not request.path.startswith("/api/"):
        return current_user.locale
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def current_locale() -> str:
    """The locale in force, as a plain string."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else "en"
