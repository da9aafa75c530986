"""Scanning listings against the live rules: the scans API, feed uploads, hits."""

from flask import Blueprint, Flask

bp = Blueprint("queqiao_scanning", __name__, url_prefix="/queqiao")

SETTINGS = {
    # Records per chunk of a feed file (one job each), and how long a chunk stays with the
    # job that claimed it before another job may take it over (its worker is presumed dead).
    "QUEQIAO_FEED_CHUNK_ROWS": 5_000,
    "QUEQIAO_FEED_LEASE_SECONDS": 120,
    # How long a failed feed stays on the staff's home page unless a rescan succeeds.
    "QUEQIAO_FAILED_FEED_DAYS": 7,
}


def register(app: Flask) -> None:
    """Attach scanning pages and API to the app."""
    from portal.config import load_settings

    from . import api, feed, panels, purchases, views  # noqa: F401  (they register hooks)

    load_settings(app.config, SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
