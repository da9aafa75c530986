"""Signed, expiring, single-use links for invitations and password resets.

A link carries a fingerprint of the password hash it was made for; setting a
password changes the hash, so the link can be used once only.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from .models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "no-password").encode()).hexdigest()[:16]


def make_link_token(user: User, purpose: str) -> str:
    """A token for `purpose` ('reset' or 'invite') bound to the user's current password."""
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_link(token: str, purpose: str) -> User | None:
    """The user a valid, unexpired, unused token points at, or None."""
    max_age = current_app.config[
        "PASSWORD_RESET_SECONDS" if purpose == "reset" else "INVITATION_SECONDS"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or _fingerprint(user) != data.get("fp") or not user.is_active_flag:
        return None
    return user
