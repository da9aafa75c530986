"""flask commands of the working groups, meant for a daily scheduler (cron, systemd timer)."""

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add send-digests and flag-overdue-minutes to `flask`."""

    @app.cli.command("send-digests")
    def send_digests_command() -> None:
        """E-mail the daily digest to everyone who asked for one; flag missing minutes too."""
        from .digest import send_digests
        from .meetings.services import flag_overdue_minutes

        flagged = flag_overdue_minutes()
        sent = send_digests()
        click.echo(f"sent {sent} digest(s); flagged {flagged} meeting(s) without minutes")

    @app.cli.command("flag-overdue-minutes")
    def flag_overdue_minutes_command() -> None:
        """Tell chairs of meetings still without minutes a day after they ended."""
        from .meetings.services import flag_overdue_minutes

        click.echo(f"flagged {flag_overdue_minutes()} meeting(s) without minutes")
