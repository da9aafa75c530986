"""Password hashing with argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_STANDARD = PasswordHasher()  # argon2id with the library's recommended cost
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # for the test suite only


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("PASSWORD_HASHER") == "fast" else _STANDARD


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored hash (False for accounts with none)."""
    if not stored:
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


MIN_PASSWORD_LENGTH = 10


def password_problem(password: str | None) -> str | None:
    """A reason the password is too weak, or None."""
    from flask_babel import gettext as _

    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    return None
