"""flask commands: create-org, create-user, seed-demo (and backup, restore: portal/backup.py)."""

import click
from flask import Flask

from .accounts import services
from .accounts.groups import seed_working_groups
from .errors import InvalidInput


def _fail(error: InvalidInput) -> None:
    details = "; ".join(f"{field}: {message}" for field, message in error.fields.items())
    raise click.ClickException(details or error.message)


def register(app: Flask) -> None:
    """Add the portal's commands to `flask`."""
    from .backup import register as register_backup

    register_backup(app)

    @app.cli.command("create-org")
    @click.argument("name")
    @click.option("--kind", type=click.Choice(["member", "platform", "secretariat"]), required=True)
    @click.option("--groups", default="", help="Comma-separated working-group slugs.")
    @click.option("--country", default="")
    def create_org(name: str, kind: str, groups: str, country: str) -> None:
        """Create an organisation."""
        slugs = [s.strip() for s in groups.split(",") if s.strip()]
        try:
            org = services.create_organisation(None, name, kind, country, slugs)
        except InvalidInput as e:
            _fail(e)
        click.echo(f"created organisation {org.id}: {org.name} ({org.kind})")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--org", "org_name", required=True)
    @click.option("--role", type=click.Choice(["member", "chair", "staff", "admin"]),
                  required=True)
    @click.option("--password", required=True)
    @click.option("--chair-of", default=None)
    @click.option("--name", default="")
    @click.option("--locale", type=click.Choice(["en", "zh"]), default="en")
    def create_user(email, org_name, role, password, chair_of, name, locale) -> None:
        """Create a person with a password."""
        org = services.organisation_by_name(org_name)
        if org is None:
            raise click.ClickException(f"no organisation named {org_name!r}")
        try:
            user = services.create_user(None, email=email, name=name, organisation=org, role=role,
                                        password=password, locale=locale, chair_of=chair_of)
        except InvalidInput as e:
            _fail(e)
        click.echo(f"created user {user.id}: {user.email} ({user.role})")

    @app.cli.command("seed-demo")
    @click.option("--scale", "factor", type=click.FloatRange(0.01, 100), default=None,
                  help="Also build this many times the real alliance's volume (121 companies, "
                       "their people, meetings, tips, rules, hits, purchases, recommendations).")
    def seed_demo(factor: float | None) -> None:
        """Load the demo alliance (idempotent) and print its logins."""
        from .demo import seed, seed_scale

        for line in seed() if factor is None else seed_scale(factor):
            click.echo(line)

    @app.cli.command("seed-groups")
    def seed_groups() -> None:
        """Create any of the twelve working groups that are missing."""
        click.echo(f"added {seed_working_groups()} working groups")

