"""Monitoring rules made from vetted tips, proven on a corpus, and scanned against listings."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("queqiao_rules", __name__, url_prefix="/queqiao/rules")


def register(app: Flask) -> None:
    """Attach the rule pages and API to the app."""
    from portal.ui import nav_item

    from . import api, demo, feedback, panels, views  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    nav_item("queqiao_rules.index", _l("Rules"), "staff", "funnel", "/queqiao/rules",
             menu=_l("Queqiao"))
    nav_item("queqiao_scanning.hits", _l("Hits"), "staff", "crosshair", "/queqiao/hits",
             menu=_l("Queqiao"))
