"""The Advisory Board recommendation tracker."""

import click
from flask import Blueprint, Flask
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

bp = Blueprint("advisory", __name__, url_prefix="/recommendations")


@click.command("remind-board")
@click.option("--days", default=3, show_default=True,
              help="Remind when the review deadline is this many days away or fewer.")
@with_appcontext
def remind_board(days: int) -> None:
    """Remind board members who have not yet voted on recommendations due soon."""
    from portal.models import utcnow

    from .services import remind_board as remind

    for rec, count in remind(utcnow().date(), days):
        click.echo(f"recommendation {rec.id}: reminded {count} chairs")


def register(app: Flask) -> None:
    """Attach the tracker (pages and API) to the app."""
    from portal.config import load_settings
    from portal.ui import nav_item

    from . import demo, link_kinds, panels, rules, views  # noqa: F401
    from .api import bp as api_bp

    # Votes needed for a decision (None: a majority of the current chairs) and the days
    # the board has to review a submission.
    load_settings(app.config, {"ADVISORY_QUORUM": None, "ADVISORY_REVIEW_DAYS": 14})
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(remind_board)
    nav_item("advisory.index", _l("Advisory Board"), "signed_in", "clipboard-check",
             "/recommendations")
