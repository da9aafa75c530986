"""PDF files of the reports, made from their printable HTML by WeasyPrint.

WeasyPrint runs no JavaScript, so the charts in a PDF are SVG drawn by the templates. It
fetches nothing: the stylesheet is read from the static folder and put in the document, and
every other address (an image in a foreword, say) is refused.
"""

import os

from flask import current_app, render_template
from flask_babel import force_locale

LANGUAGES = ("en", "zh")


class NothingFetched(ValueError):
    """WeasyPrint asked for a resource; reports load none."""


def _refuse(url: str, *args, **kwargs):
    raise NothingFetched(url)


def stylesheet() -> str:
    """The print stylesheet, to put in the document itself."""
    path = os.path.join(current_app.static_folder, "css", "reports.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render(template: str, locale: str, **context) -> bytes:
    """The template as a PDF in the given language."""
    from weasyprint import HTML

    from .context import report_context

    with force_locale(locale):
        html = render_template(template, **report_context(css=stylesheet(), pdf=True, locale=locale,
                                                          **context))
    return HTML(string=html, url_fetcher=_refuse, base_url="/").write_pdf()
