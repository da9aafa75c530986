"""The alliance's reports: the live dashboard, the annual report and each brand's report.

Reports read the other packages' models and add up their rows in SQL; nothing imports
reports except the composition root.
"""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Defaults, each overridable by the app's config or an environment variable of its name:
# an alliance-wide figure drawn from fewer organisations than this is not shown; the live
# dashboard adds up the alliance's figures at most once per this many seconds per process
# (every reader sees the same sums, and a year's hits take a while to add up); 0 always sums.
SETTINGS = {"REPORTS_MIN_ORGANISATIONS": 3, "REPORTS_DASHBOARD_SECONDS": 15}


def register(app: Flask) -> None:
    """Attach the reports (pages, API, policy, navigation) to the app."""
    from portal.config import load_settings
    from portal.ui import nav_item

    from . import access, models, views  # noqa: F401
    from .api import bp as api_bp

    load_settings(app.config, SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    nav_item("reports.dashboard", _l("Reports"), "report.alliance", "graph-up", "/reports")
