"""API tokens: random secrets shown once, stored as SHA-256 hashes."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..audit.services import record
from ..authz import is_signed_in
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import utcnow
from .models import ApiToken, User

TOKEN_PREFIX = "qq_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str, days: int | None = None, *,
                alert: bool = False) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the record and the secret (shown once).

    With `alert`, the owner is told (live and on the notifications page): a token made
    from a password elsewhere is worth knowing about.
    """
    from flask_babel import gettext as _

    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 80:
        errors["name"] = _("Give the token a name of at most 80 characters.")
    days = current_app.config["API_TOKEN_DAYS"] if days is None else days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
        errors["days"] = _("A token lives between 1 and 366 days.")
    if errors:
        raise InvalidInput(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:10],
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    record(user, "token.issue", token, f"API token {name!r} issued")
    if alert:
        from flask_babel import lazy_gettext as _l

        from ..notifications.services import notify
        from ..urls import page_url

        notify([user], "token.created",
               _l("A new API token “%(name)s” was created for your account.", name=name),
               page_url("profile.show"))
    db.session.commit()
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The active user a usable token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    now = utcnow()
    if token is None or not token.is_usable(now) or not is_signed_in(token.user):
        return None
    from flask import g, has_request_context

    if has_request_context():
        g.api_token = token
    # Touch at most once a minute: a busy script must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        from ..aftercommit import after_commit
        from ..auth.ending import end_connections, token_room

        token.revoked_at = utcnow()
        record(user, "token.revoke", token, f"API token {token.name!r} revoked")
        room = token_room(token.id)
        after_commit(db.session(), lambda: end_connections([room]))
        db.session.commit()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))
