"""Check-then-write without the race: a transition or a versioned edit is one conditional write.

A service reads an object, checks the policy and the lifecycle against what it read, and then
`claim()`s the row: `UPDATE <table> SET ... WHERE id = :id AND version = :read [AND status =
:read]`. When another request changed the row in between, no row matches and the caller gets a
409 before anything else (history, audit, notifications) is written; the winner's change
stands. The matched row stays locked until the transaction ends (PostgreSQL's row lock,
SQLite's single writer), so whatever the service writes after the claim cannot interleave
with a rival's.
"""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from .errors import Conflict
from .extensions import db


def _changed() -> str:
    return _("Someone else changed this meanwhile. Reload it and try again.")


def _as_read(obj: Any, check: tuple[str, ...], untouched: tuple[str, ...] = ()) -> list:
    """`column == value read` for each column in `check`. Those columns, and the ones about
    to be written, must not be changed in the session yet: a pending change would be
    flushed unconditionally ahead of the conditional write."""
    model, state = type(obj), inspect(obj)
    changed = sorted({n for n in (*check, *untouched) if state.attrs[n].history.has_changes()})
    if changed:
        raise RuntimeError(f"{changed} of {obj!r} changed in the session before the claim")
    return [getattr(model, n) == getattr(obj, n) for n in check]


def claim(obj: Any, *, check: tuple[str, ...] = ("version",),
          message: Callable[[], str] | None = None, code: str = "stale_version", **values: Any) -> None:
    """Write `values` onto `obj`'s row only if the columns named in `check` still hold what
    was read; otherwise raise Conflict (409) with `message()` (a function, so the text is
    translated only when it is needed, in the reader's language).

    `values` are plain column values (the caller computes `version=obj.version + 1`); they
    are set on the object as its committed state, so the session does not write them again.
    Call it before changing `obj` in the session: a pending change would be flushed
    unconditionally ahead of the claim.
    """
    model = type(obj)
    stmt = (update(model).where(model.id == obj.id, *_as_read(obj, check, tuple(values)))
            .values(**values)
            .execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        raise Conflict(message() if message else _changed(), code=code)
    for name, value in values.items():
        set_committed_value(obj, name, value)


def lock(obj: Any, *, check: tuple[str, ...] = ("status",),
         message: Callable[[], str] | None = None, code: str = "illegal_transition") -> None:
    """Hold `obj`'s row while the transaction adds to it (a vote, a comment, a version), and
    refuse (409) if the columns in `check` changed since they were read. Nothing on the row
    itself changes, so concurrent additions of this kind never conflict with each other."""
    model = type(obj)
    column = getattr(model, check[0])
    stmt = (update(model).where(model.id == obj.id, *_as_read(obj, check))
            .values({column: column})
            .execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        raise Conflict(message() if message else _changed(), code=code)
