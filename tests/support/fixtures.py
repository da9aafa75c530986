"""Fixtures for signing in through pages and the API."""

from dataclasses import dataclass

import pytest

from portal.accounts.tokens import issue_token
from tests.support import factories


def login(client, user) -> None:
    """Sign the test client in as `user`: a server-side session row, its key in the cookie."""
    from sqlalchemy import inspect

    from portal.accounts.models import User
    from portal.auth.sessions import SESSION_KEY, create_row
    from portal.extensions import db

    # The caller's object may be detached (socket test clients end their session): its id
    # is still known, and the row is made for the person as the database has them.
    user = db.session.get(User, inspect(user).identity[0])
    _row, key, _cookie = create_row(user, user_agent="test client", ip="127.0.0.1")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[SESSION_KEY] = key


@dataclass
class ApiClient:
    """A test client that sends a bearer token and JSON."""

    client: object
    token: str

    def _call(self, method: str, path: str, json=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return getattr(self.client, method)(path, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, json=None, **kw):
        return self._call("post", path, json if json is not None else {}, **kw)

    def patch(self, path, json=None, **kw):
        return self._call("patch", path, json if json is not None else {}, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


def api_for(client, user) -> ApiClient:
    """An API client acting as `user`."""
    _token, secret = issue_token(user, "tests")
    return ApiClient(client, secret)


@pytest.fixture
def make(app):
    """The factories module, with the app context ready."""
    return factories


@pytest.fixture
def as_user(app):
    """as_user(user) -> a page client signed in as that user."""

    def sign_in(user):
        c = app.test_client()
        login(c, user)
        return c

    return sign_in


@pytest.fixture
def api(app):
    """api(user) -> an API client with a token of that user; api(None) has no token."""

    def make_client(user):
        c = app.test_client()
        if user is None:
            return ApiClient(c, "")
        return api_for(c, user)

    return make_client


@pytest.fixture
def people(app):
    """One person of each role: member (luxury-goods), member of another group, chair,
    staff, admin."""
    chair_org = factories.make_org("Chair Co", groups=("luxury-goods", "pharmaceutical"))
    return {
        "member": factories.make_user("member", groups=("luxury-goods",)),
        "outsider": factories.make_user("member", groups=("pharmaceutical",)),
        "chair": factories.make_user("chair", chair_org, chair_of="luxury-goods"),
        "staff": factories.make_user("staff"),
        "admin": factories.make_user("admin"),
    }
