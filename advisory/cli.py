"""flask remind-board; the queue also runs it daily."""

import click
from flask import Flask

from portal.jobs import periodic


def _remind(days: int) -> list[str]:
    from portal.models import utcnow

    from .services import remind_board as remind

    return [f"recommendation {rec.id}: reminded {count} chairs"
            for rec, count in remind(utcnow().date(), days)]


@periodic("remind-board", "0 7 * * *")
def remind_board_job() -> str:
    """Daily: remind board members who have not yet voted on recommendations due soon."""
    return "\n".join(_remind(3)) or "no reminders due"


def register(app: Flask) -> None:
    """Add the tracker's commands to `flask`."""

    @app.cli.command("remind-board")
    @click.option("--days", default=3, show_default=True,
                  help="Remind when the review deadline is this many days away or fewer.")
    def remind_board(days: int) -> None:
        """Remind board members who have not yet voted on recommendations due soon."""
        for line in _remind(days):
            click.echo(line)
