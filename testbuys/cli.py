"""flask verify-custody and flask remind-test-purchases (which the queue also runs hourly)."""

import sys

import click
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.jobs import periodic

from .evidence import verify_purchase
from .models import TestPurchase


@periodic("remind-test-purchases", "10 * * * *")
def remind_test_purchases_job() -> str:
    """Hourly: remind purchasers before the scheduled day and brands whose authentication
    is due (each reminder is sent once)."""
    from .reminders import send_reminders

    sent = send_reminders()
    return (f"sent {sent['purchaser']} purchaser and {sent['authentication']} "
            "authentication reminder(s)")


def register(app: Flask) -> None:
    """Add the test-purchase commands to `flask`."""

    @app.cli.command("verify-custody")
    @click.option("--purchase", "purchase_id", type=int, default=None,
                  help="Check one purchase only.")
    def verify_custody(purchase_id: int | None) -> None:
        """Re-check every custody chain and evidence file; exit 1 where one is broken."""
        query = select(TestPurchase).order_by(TestPurchase.id)
        if purchase_id is not None:
            query = query.where(TestPurchase.id == purchase_id)
        broken = 0
        for purchase in db.session.scalars(query):
            report = verify_purchase(purchase)
            if report.ok:
                click.echo(f"test purchase {purchase.id}: ok ({report.checked} entries)")
                continue
            broken += 1
            click.echo(f"test purchase {purchase.id}: BROKEN at entry {report.first_broken}")
            for reason in report.reasons:
                click.echo(f"  - {reason}")
        click.echo(f"{broken} broken chain(s)")
        if broken:
            sys.exit(1)

    @app.cli.command("remind-test-purchases")
    def remind() -> None:
        """Remind purchasers before the scheduled day and brands whose authentication is due."""
        click.echo(remind_test_purchases_job.run_now())
