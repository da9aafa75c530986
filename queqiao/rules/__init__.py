"""Monitoring rules made from vetted tips, proven on a corpus, and scanned against listings."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("queqiao_rules", __name__, url_prefix="/queqiao/rules")


def register(app: Flask) -> None:
    """Attach rules, scanning and hits (pages and API) to the app."""
    from portal.config import load_settings
    from portal.ui import nav_item
    from queqiao import scanning

    from . import api, demo, feedback, panels, views  # noqa: F401

    load_settings(app.config, scanning.SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    scanning.register(app)
    nav_item("queqiao_rules.index", _l("Rules"), "staff", "funnel", "/queqiao/rules")
    nav_item("queqiao_scanning.hits", _l("Hits"), "staff", "crosshair", "/queqiao/hits")
