"""Shared scheduling of test purchases: joint buys, cost shares, custody and ledger."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("testbuys", __name__, url_prefix="/test-purchases")


def register(app: Flask) -> None:
    """Attach test purchases to the app."""
    from ..ui import nav_item
    from . import views  # noqa: F401

    app.register_blueprint(bp)
    nav_item("testbuys.index", _l("Test purchases"), "signed_in", "bag-check", "/test-purchases")
