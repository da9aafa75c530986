"""Language choice: the person's setting, else the session's, else the browser's."""

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context

# The catalogue of the language a template is rendered in, put in its context once per render.
_TRANSLATIONS = "_render_translations"


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


def _translations(context):
    # Templates imported without context (macros) do not see it: they look it up themselves.
    found = context.get(_TRANSLATIONS)
    return get_translations() if found is None else found


def install_template_gettext(app: Flask) -> None:
    """Templates translate with the catalogue of the language in force when rendering began,
    found once per render rather than once per string (Flask-Babel's callables look the
    request's language and catalogue up again for each of a page's hundreds of strings)."""

    @app.context_processor
    def render_translations():
        return {_TRANSLATIONS: get_translations()}

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda c, s: _translations(c).ugettext(s)),
        ngettext=pass_context(lambda c, s, p, n: _translations(c).ungettext(s, p, n)),
        pgettext=pass_context(lambda c, x, s: _translations(c).upgettext(x, s)),
        npgettext=pass_context(lambda c, x, s, p, n: _translations(c).unpgettext(x, s, p, n)),
        newstyle=True,
    )
