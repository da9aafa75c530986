"""The twelve industry working groups: directory, group home, membership, meetings,
discussions, documents and the live room."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("workinggroups", __name__, url_prefix="/groups")


def register(app: Flask) -> None:
    """Attach the working groups to the app."""
    from portal.ui import nav_item

    from . import cli, demo, panels, views  # noqa: F401
    from .api import api_bp
    from .discussions import access as discussions_access  # noqa: F401
    from .discussions import api as discussions_api  # noqa: F401
    from .discussions import sockets as discussions_sockets  # noqa: F401
    from .discussions import views as discussions_views  # noqa: F401
    from .documents import access as documents_access  # noqa: F401
    from .documents import api as documents_api  # noqa: F401
    from .documents import views as documents_views  # noqa: F401
    from .meetings import access as meetings_access  # noqa: F401
    from .meetings import api as meetings_api  # noqa: F401
    from .meetings import feeds  # noqa: F401
    from .meetings import views as meetings_views  # noqa: F401
    from .membership import api as membership_api  # noqa: F401
    from .membership import views as membership_views  # noqa: F401
    from .room import api as room_api  # noqa: F401
    from .room import sockets  # noqa: F401
    from .room import views as room_views  # noqa: F401
    from .room.presence import install as install_presence

    cli.register(app)
    install_presence(app)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    nav_item("workinggroups.directory", _l("Working groups"), "signed_in", "people", "/groups")
