"""Scanning listings against the live rules: the scans API, feed uploads, hits."""

from flask import Blueprint, Flask

bp = Blueprint("queqiao_scanning", __name__, url_prefix="/queqiao")


def register(app: Flask) -> None:
    """Attach scanning pages and API to the app."""
    from . import api, purchases, views  # noqa: F401  (purchases registers its hooks)

    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
