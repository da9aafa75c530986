"""The twelve industry working groups: directory, group home, membership, meetings,
discussions, documents and the live room."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("workinggroups", __name__, url_prefix="/groups")


def register(app: Flask) -> None:
    """Attach the working groups to the app."""
    from portal.ui import nav_item

    from . import views  # noqa: F401

    app.register_blueprint(bp)
    nav_item("workinggroups.directory", _l("Working groups"), "signed_in", "people", "/groups")
