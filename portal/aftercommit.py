"""Work that must happen only once the transaction that caused it has committed.

Real-time events and e-mails go out after commit, never for a change that rolled back.
"""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "after_commit_callbacks"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` after `session` next commits; forget it on rollback."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, previous_transaction) -> None:  # noqa: ARG001
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
