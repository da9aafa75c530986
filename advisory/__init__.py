"""The Advisory Board recommendation tracker."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("advisory", __name__, url_prefix="/recommendations")

# Defaults, each overridable by the app's config or an environment variable of its name:
# votes needed for a decision (None: a majority of the current chairs) and the days the
# board has to review a submission.
SETTINGS = {"ADVISORY_QUORUM": None, "ADVISORY_REVIEW_DAYS": 14}


def register(app: Flask) -> None:
    """Attach the tracker (pages, API, CLI) to the app."""
    from portal.config import load_settings
    from portal.ui import nav_item

    from . import access, demo, link_kinds, panels, views  # noqa: F401
    from .api import bp as api_bp
    from .cli import register as register_cli

    load_settings(app.config, SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    register_cli(app)
    nav_item("advisory.index", _l("Advisory Board"), "signed_in", "clipboard-check",
             "/recommendations")
