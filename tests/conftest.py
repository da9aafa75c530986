"""Fixtures: an app on SQLite (or PostgreSQL via TEST_DATABASE_URL), clients, logins,
live servers for sockets and the browser.

PORTAL_TEST_STRICT=1 (set by CI) turns every skip into a failure: in CI a missing
PostgreSQL, Redis or chromium is an error, never a silently smaller run.
"""

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.accounts.groups import seed_working_groups
from portal.config import TestConfig
from portal.extensions import db

pytest_plugins = ["tests.support.live", "tests.support.fixtures"]

STRICT = os.environ.get("PORTAL_TEST_STRICT") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under the strict flag a skip is a failure."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under PORTAL_TEST_STRICT=1: {reason}"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A private database for this test process: SQLite file, or a fresh PostgreSQL database."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    # PORTAL_TEST_DB_TAG keeps runs from several checkouts on one server apart.
    name = f"portal_test_{os.environ.get('PORTAL_TEST_DB_TAG', '')}{_worker()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once through the migrations (plus any table they do not know yet)."""
    from flask_migrate import upgrade

    app = create_app(TestConfig(str(tmp_path_factory.mktemp("instance")), database_url))
    with app.app_context():
        upgrade()
        db.create_all()
        db.engine.dispose()
    return database_url


def _wipe() -> None:
    """Empty every table, then put the twelve working groups back."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    seed_working_groups()


@pytest.fixture
def app(_schema, tmp_path):
    """A fresh app for one test, on the session's database, emptied afterwards."""
    config = TestConfig(str(tmp_path / "instance"), _schema)
    config.UPLOAD_FOLDER = str(tmp_path / "uploads")
    app = create_app(config)
    with app.app_context():
        _wipe()
        yield app
        db.session.rollback()
        _wipe()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(_schema) -> bool:
    """Whether this run is on PostgreSQL."""
    return _schema.startswith("postgresql")
