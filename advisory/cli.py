"""flask remind-board, meant for a daily scheduler."""

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add the tracker's commands to `flask`."""

    @app.cli.command("remind-board")
    @click.option("--days", default=3, show_default=True,
                  help="Remind when the review deadline is this many days away or fewer.")
    def remind_board(days: int) -> None:
        """Remind board members who have not yet voted on recommendations due soon."""
        from portal.models import utcnow

        from .services import remind_board as remind

        for rec, count in remind(utcnow().date(), days):
            click.echo(f"recommendation {rec.id}: reminded {count} chairs")
