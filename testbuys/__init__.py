"""Shared scheduling of test purchases: joint buys, cost shares, custody and ledger."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("testbuys", __name__, url_prefix="/test-purchases")

# Defaults, each overridable by the app's config or an environment variable of its name.
SETTINGS = {
    "TESTBUY_CLASH_DAYS": 7,
    "TESTBUY_CRIMINAL_THRESHOLD": 50_000_00,  # RMB 50,000 in fen
    "TESTBUY_REMIND_HOURS": 24,
    "TESTBUY_AUTH_DUE_DAYS": 14,
    # The key authenticating custody entries and checkpoints; never kept in the database.
    # Empty: a key generated once into the instance folder (instance/custody_key).
    "CUSTODY_KEY": "",
    # Where `flask custody-checkpoint` writes the daily checkpoints (default instance/checkpoints).
    "CUSTODY_CHECKPOINT_DIR": "",
}


def register(app: Flask) -> None:
    """Attach test purchases to the app: pages, API, policy, calendar, CLI, demo data."""
    from portal.config import load_settings
    from portal.ui import nav_item

    from . import access, calendar, demo, panels, views  # noqa: F401
    from .api import api
    from .cli import register as register_cli
    from .custody_log import register_templates

    load_settings(app.config, SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    register_cli(app)
    register_templates(app)
    nav_item("testbuys.index", _l("Test purchases"), "signed_in", "bag-check", "/test-purchases",
             menu=_l("Test purchases"))
    nav_item("testbuys.ledger_page", _l("Ledger"), "test_purchase.ledger", "cash-coin",
             "/test-purchases/ledger", menu=_l("Test purchases"))
