"""Calendar links are not kept in the database: only a key and the token's hash are."""

import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal import create_app
from portal.accounts.models import User
from portal.config import TestConfig
from portal.extensions import db
from tests.support.factories import reload


def test_the_database_holds_neither_the_token_nor_the_link(app, make, client, as_user):
    user = make.make_user("member")
    token = user.calendar_token
    stored = db.session.execute(text("select calendar_token, calendar_key from users where id = :i"),
                                {"i": user.id}).one()
    assert token and token not in stored and hashlib.sha256(token.encode()).hexdigest() == stored[0]
    assert client.get(f"/profile/calendar/{token}.ics").status_code == 200
    assert client.get(f"/profile/calendar/{stored[0]}.ics").status_code == 404
    assert client.get(f"/profile/calendar/{stored[1]}.ics").status_code == 404
    assert db.session.scalar(select(User).where(User.calendar_token == token)).id == user.id
    # The profile and /me show the link; a new one replaces it.
    page = as_user(user)
    assert token in page.get("/profile").get_data(as_text=True)
    page.post("/profile/calendar/regenerate")
    new = reload(user).calendar_token
    assert new != token and new in page.get("/profile").get_data(as_text=True)
    assert client.get(f"/profile/calendar/{token}.ics").status_code == 404
    assert client.get(f"/profile/calendar/{new}.ics").status_code == 200


def test_the_upgrade_replaces_plain_calendar_tokens(tmp_path):
    url = "sqlite:///" + str(tmp_path / "plain.sqlite3")
    app = create_app(TestConfig(str(tmp_path / "instance"), url))
    with app.app_context():
        upgrade(revision="0006")
        db.session.execute(text("insert into organisations (name, kind, is_active, created_at) "
                                "values ('Old Co', 'member', 1, '2026-01-01')"))
        db.session.execute(text(
            "insert into users (email, name, role, locale, is_active, organisation_id, "
            "calendar_token, settings, created_at) values ('old@example.com', 'Old', 'member', 'en', "
            "1, 1, 'plain-old-token', '{}', '2026-01-01')"))
        db.session.commit()
        upgrade(revision="head")  # the models are the newest schema
        stored, key = db.session.execute(text("select calendar_token, calendar_key from users")).one()
        assert stored != "plain-old-token" and key
        user = db.session.scalar(select(User))
        assert hashlib.sha256(user.calendar_token.encode()).hexdigest() == stored
        assert db.session.scalar(select(User).where(User.calendar_token == "plain-old-token")) is None
        downgrade(revision="0006")
        db.session.remove()
        db.engine.dispose()
