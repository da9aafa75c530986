"""flask commands of the working groups; the queue also runs them on its own schedule."""

import click
from flask import Flask

from portal.jobs import periodic


@periodic("send-digests", "0 6 * * *")
def send_digests_job() -> str:
    """Daily: flag meetings without minutes, then e-mail the digests (each sent once a day)."""
    from .digest import send_digests
    from .meetings.services import flag_overdue_minutes

    flagged = flag_overdue_minutes()
    sent = send_digests()
    return f"sent {sent} digest(s); flagged {flagged} meeting(s) without minutes"


@periodic("flag-overdue-minutes", "5 * * * *")
def flag_overdue_minutes_job() -> str:
    """Hourly: tell chairs of meetings still without minutes a day after they ended (once)."""
    from .meetings.services import flag_overdue_minutes

    return f"flagged {flag_overdue_minutes()} meeting(s) without minutes"


def register(app: Flask) -> None:
    """Add send-digests and flag-overdue-minutes to `flask` (run now, in this process)."""

    @app.cli.command("send-digests")
    def send_digests_command() -> None:
        """E-mail the daily digest to everyone who asked for one; flag missing minutes too."""
        click.echo(send_digests_job.run_now())

    @app.cli.command("flag-overdue-minutes")
    def flag_overdue_minutes_command() -> None:
        """Tell chairs of meetings still without minutes a day after they ended."""
        click.echo(flag_overdue_minutes_job.run_now())
