"""Scanning listings against the live rules: the scans API, feed uploads, hits."""

from flask import Blueprint, Flask

bp = Blueprint("queqiao_scanning", __name__, url_prefix="/queqiao")

# Defaults, each overridable by the app's config or an environment variable of its name:
# the platform named when a hit is proposed for a test purchase, and the size limit of
# feed uploads (the only uploads allowed past MAX_UPLOAD_BYTES).
SETTINGS = {"QUEQIAO_PLATFORM": "marketplace", "QUEQIAO_FEED_MAX_BYTES": 4 * 1024**3}


def register(app: Flask) -> None:
    """Attach scanning pages and API to the app."""
    from . import api, purchases, views  # noqa: F401  (purchases registers its hooks)

    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
