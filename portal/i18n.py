"""Language choice: the person's setting, else the session's, else the browser's."""

from collections.abc import Iterator, Mapping

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
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
    locale = get_locale()
    return locale.language if locale else "en"


def _translations(context):
    # Templates imported without context (macros) do not see it: they look it up themselves.
    found = context.get(_TRANSLATIONS)
    return _translations_in_force() if found is None else found


def _translations_in_force():
    """get_translations(), remembered for the locale in force (a mail rendered for someone
    else forces another): a macro imported without context asks for each of its strings,
    and each ask would look the request's language and catalogue up again (about 7 µs)."""
    locale = get_locale()
    kept = g.get(_TRANSLATIONS)
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    setattr(g, _TRANSLATIONS, (locale, translations))
    return translations


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


class Translated(Mapping):
    """A mapping of lazily translated labels whose values are read in the language in force,
    each translated once: rendering a lazy label looks up the request's language and
    catalogue every time (about 8 µs), and a list of fifty rows renders the same few
    labels over and over. Made per page render (a context processor's or a view's)."""

    __slots__ = ("_labels", "_done")

    def __init__(self, labels: Mapping) -> None:
        self._labels = labels
        self._done: dict = {}

    def __getitem__(self, key) -> str:
        try:
            return self._done[key]
        except KeyError:
            text = self._done[key] = str(self._labels[key])
            return text

    def __iter__(self) -> Iterator:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)
