"""Webhook commands for the install's operators: register one that may reach private
addresses, or allow (refuse) them for an existing one."""

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add the webhook commands."""

    @app.cli.command("webhook-create")
    @click.argument("email")
    @click.argument("url")
    @click.option("--events", required=True, help="Comma-separated event types.")
    @click.option("--allow-private", is_flag=True,
                  help="Allow loopback and private addresses for this webhook.")
    def create(email: str, url: str, events: str, allow_private: bool) -> None:
        """Register a webhook for EMAIL's organisation and print its secret once."""
        from sqlalchemy import select

        from ..accounts.models import User
        from ..errors import DomainError, InvalidInput
        from ..extensions import db
        from .services import register_webhook

        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {email}")
        try:
            webhook, secret = register_webhook(user, url, [e.strip() for e in events.split(",")
                                                           if e.strip()],
                                               allow_private=allow_private)
        except InvalidInput as refused:
            raise click.ClickException("; ".join(f"{k}: {v}" for k, v in refused.fields.items())) \
                from None
        except DomainError as refused:
            raise click.ClickException(refused.message) from None
        click.echo(f"webhook {webhook.id}\nsecret {secret}")

    @app.cli.command("webhook-allow-private")
    @click.argument("webhook_id", type=int)
    @click.option("--off", is_flag=True, help="Refuse private addresses again.")
    def allow_private(webhook_id: int, off: bool) -> None:
        """Allow (or with --off refuse again) private addresses for one webhook."""
        from ..audit.services import record
        from ..extensions import db
        from .models import Webhook

        webhook = db.session.get(Webhook, webhook_id)
        if webhook is None or webhook.deleted_at is not None:
            raise click.ClickException(f"no webhook {webhook_id}")
        webhook.allow_private = not off
        word = "refused" if off else "allowed"
        record(None, "webhook.allow_private", webhook,
               f"Webhook {webhook.id} private addresses {word}")
        db.session.commit()
        click.echo(f"webhook {webhook.id}: private addresses {word}")
