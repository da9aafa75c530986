"""Tips: members' detection techniques, their sharing, vetting, conversation and feedback."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("queqiao", __name__, url_prefix="/queqiao")


def register(app: Flask) -> None:
    """Attach the tip pages, API, policy, panels and demo data to the app."""
    from portal.ui import nav_item

    from . import access, advisory_links, demo, panels, search, views  # noqa: F401  (they register)
    from .api import bp as api_bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    nav_item("queqiao.tips", _l("Queqiao tips"), "signed_in", "lightbulb", "/queqiao/tips",
             menu=_l("Queqiao"))
    nav_item("queqiao.vetting", _l("Vetting queue"), "tip.review", "list-check",
             "/queqiao/vetting", menu=_l("Queqiao"))
