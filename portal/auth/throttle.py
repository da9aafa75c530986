"""Counting failures per account: wrong passwords and wrong second-factor codes.

The per-address limits on the sign-in routes stop one machine guessing; these stop many
machines guessing the same account. The counts live in the rate limiter's store (Redis
when configured, so every process counts together).
"""

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse

from ..errors import DomainError
from ..extensions import limiter


class TooManyAttempts(DomainError):
    """Too many failures for this account: wait, then try again (429)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message=None, **extra):
        super().__init__(str(message or _l("Too many attempts. Please wait a moment and try again.")),
                         **extra)


def _ident(kind: str, subject: str) -> tuple[str, str, str]:
    # Hashed, so the store never holds the e-mail addresses being tried.
    key = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return current_app.config["RATELIMIT_KEY_PREFIX"], kind, key


def _limit(setting: str):
    return parse(current_app.config[setting])


def blocked(kind: str, subject: str, setting: str) -> bool:
    """Whether `subject` has used up its failures of this kind for now."""
    return not limiter.limiter.test(_limit(setting), *_ident(kind, subject))


def failed(kind: str, subject: str, setting: str) -> None:
    """Count one failure."""
    limiter.limiter.hit(_limit(setting), *_ident(kind, subject))


