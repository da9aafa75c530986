"""flask verify-custody, custody-checkpoint, custody-seal and remind-test-purchases; the queue
also runs the reminders hourly and the checkpoint daily."""

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


def write_checkpoint(out: str | None = None, *, mail: bool = False) -> tuple[str, int, int]:
    """Write the signed head of every custody chain (and, with `mail`, e-mail each
    participating organisation its own heads); (path, heads, broken chains)."""
    from . import checkpoint

    heads, broken = [], 0
    for purchase in db.session.scalars(select(TestPurchase).order_by(TestPurchase.id)):
        report = verify_purchase(purchase)
        broken += not report.ok
        heads.append(checkpoint.head_of(purchase, report.ok))
    path = str(checkpoint.write(checkpoint.make(heads), out))
    if mail:
        checkpoint.mail_participants(heads)
    return path, len(heads), broken


@periodic("custody-checkpoint", "30 0 * * *")
def custody_checkpoint_job() -> str:
    """Daily: anchor every custody chain's head outside the database, and send each
    participating organisation the heads of its own purchases."""
    path, heads, broken = write_checkpoint(mail=True)
    return f"checkpoint of {heads} chain head(s) written to {path}; {broken} broken"


def register(app: Flask) -> None:
    """Add the test-purchase commands to `flask`."""

    @app.cli.command("verify-custody")
    @click.option("--purchase", "purchase_id", type=int, default=None,
                  help="Check one purchase only.")
    @click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False),
                  default=None, help="Also prove every chain extends this older checkpoint.")
    def verify_custody(purchase_id: int | None, checkpoint_file: str | None) -> None:
        """Re-check every custody chain, evidence file and stored fact; exit 1 where one fails."""
        from . import checkpoint

        anchor = None
        broken = 0
        if checkpoint_file is not None:
            try:
                anchor = checkpoint.load(checkpoint_file)
            except checkpoint.CheckpointError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"checkpoint of {anchor.at}: {len(anchor.heads)} chain head(s)")
            for problem in anchor.problems:
                click.echo(f"  - {problem}")
                broken += 1
        query = select(TestPurchase).order_by(TestPurchase.id)
        if purchase_id is not None:
            query = query.where(TestPurchase.id == purchase_id)
        seen = set()
        for purchase in db.session.scalars(query):
            seen.add(purchase.id)
            report = verify_purchase(purchase, anchor)
            if report.ok:
                click.echo(f"test purchase {purchase.id}: ok ({report.checked} entries)")
                continue
            broken += 1
            facts = sorted({p.fact for p in report.problems if p.fact})
            named = f" (facts: {', '.join(facts)})" if facts else ""
            click.echo(f"test purchase {purchase.id}: BROKEN at entry {report.first_broken}{named}")
            for reason in report.reasons:
                click.echo(f"  - {reason}")
        if anchor is not None:
            for missing in sorted(set(anchor.heads) - seen):
                if purchase_id is None or missing == purchase_id:
                    broken += 1
                    click.echo(f"test purchase {missing}: BROKEN: anchored by the checkpoint of "
                               f"{anchor.at} but missing from the database (fact: purchase)")
        click.echo(f"{broken} broken chain(s)")
        if broken:
            sys.exit(1)

    @app.cli.command("custody-checkpoint")
    @click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
                  help="Write here instead of a new file in CUSTODY_CHECKPOINT_DIR.")
    @click.option("--mail/--no-mail", default=False, show_default=True,
                  help="Also e-mail each participating organisation the heads of its purchases.")
    def custody_checkpoint(out: str | None, mail: bool) -> None:
        """Write the signed head of every custody chain to a file kept outside the database."""
        path, heads, broken = write_checkpoint(out, mail=mail)
        click.echo(f"checkpoint of {heads} chain head(s) written to {path}")
        if broken:
            click.echo(f"{broken} chain(s) are broken (marked \"intact\": false); "
                       "run flask verify-custody")
            sys.exit(1)

    @app.cli.command("custody-seal")
    def custody_seal() -> None:
        """Once after upgrading: append a keyed entry recording the facts to each unkeyed log."""
        from .evidence import seal_custody

        sealed = seal_custody()
        click.echo(f"sealed {len(sealed)} custody log(s)"
                   + (f": {', '.join(map(str, sealed))}" if sealed else ""))

    @app.cli.command("remind-test-purchases")
    def remind() -> None:
        """Remind purchasers before the scheduled day and brands whose authentication is due."""
        click.echo(remind_test_purchases_job.run_now())
