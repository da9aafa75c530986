"""Services own the transaction: they commit what they finish and roll back what they refuse.

`@atomic` on a service function rolls the session back when the function raises, so a
refusal (422, 409, 403) never leaves half a change in the session for the caller to
commit by accident, and views never have to commit or roll back themselves.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from .extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def atomic(fn: F) -> F:
    """Roll the session back if `fn` raises; the function commits its own success."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    return run  # type: ignore[return-value]
