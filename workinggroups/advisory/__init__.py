"""The Advisory Board recommendation tracker."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("advisory", __name__, url_prefix="/recommendations")


def register(app: Flask) -> None:
    """Attach the tracker (pages and API) to the app."""
    from portal.ui import nav_item

    from . import rules, views  # noqa: F401
    from .api import bp as api_bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    nav_item("advisory.index", _l("Advisory Board"), "signed_in", "clipboard-check",
             "/recommendations")
