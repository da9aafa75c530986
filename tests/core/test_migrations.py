"""The migrations alone build exactly the models' schema, with the twelve groups seeded."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import TestConfig
from portal.database import include_object
from portal.extensions import db


def _fresh_database(base_url: str, tmp_path) -> str:
    if base_url.startswith("sqlite"):
        return "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    url = make_url(base_url)
    name = url.database + "_fresh"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_upgrade_on_an_empty_database_matches_the_models(_schema, tmp_path):
    url = _fresh_database(_schema, tmp_path)
    app = create_app(TestConfig(str(tmp_path / "instance"), url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"include_object": include_object}), db.metadata)
            slugs = conn.execute(text("select slug from working_groups order by position")).scalars().all()
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert diff == [], "models changed without a migration: run flask db migrate"
    assert {"users", "organisations", "working_groups", "audit_events"} <= tables
    assert len(slugs) == 12
    assert slugs[0] == "clothing-footwear" and slugs[-1] == "luxury-goods"
