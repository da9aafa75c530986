"""Queqiao, the detection-tip exchange: tips, vetting, rules, scanning, feedback."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("queqiao", __name__, url_prefix="/queqiao")


def register(app: Flask) -> None:
    """Attach Queqiao to the app."""
    from portal.ui import nav_item

    from . import tips, views  # noqa: F401
    from .tips import advisory_links, api, demo, home, settings  # noqa: F401  (they register)

    settings.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    from .rules import register as register_rules
    register_rules(app)
    nav_item("queqiao.tips", _l("Queqiao tips"), "signed_in", "lightbulb", "/queqiao/tips")
    nav_item("queqiao.vetting", _l("Vetting queue"), "tip.review", "list-check",
             "/queqiao/vetting")
