"""flask webhook-allow-private: let one webhook reach loopback and private addresses."""

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add the webhook commands."""

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
        record(None, "webhook.allow_private", webhook,
               f"Webhook {webhook.id} private addresses {'refused' if off else 'allowed'}")
        db.session.commit()
        click.echo(f"webhook {webhook.id}: private addresses {'refused' if off else 'allowed'}")
