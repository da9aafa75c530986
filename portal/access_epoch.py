"""A counter that moves whenever who may see what may have changed.

Decisions about people (may this person still be in this room?) are asked again and again
while nothing they depend on changes: a room's five hundred members before every message
said. They may be kept as long as the epoch stands still. It moves after every commit that
changed a person, an organisation or a membership of a working group, through the ORM's
unit of work or an ORM UPDATE/DELETE statement, in any process of the install: in Redis
when REDIS_URL is set (shared by every web and worker process and command that has it),
else in this process, where it also moves on by itself every few seconds.
"""

import itertools
import threading
import time
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

EXTENSION = "portal.access_epoch"
_CHANGED = "portal.access_changed"


# Without Redis a change made by another process (a command run beside `make run`) is not
# heard of: the epoch of one process also moves on by itself this often.
LOCAL_SECONDS = 5.0


class _LocalEpoch:
    """One process's epoch, which also moves every LOCAL_SECONDS."""

    def __init__(self) -> None:
        self._count = itertools.count(1)
        self._value = 0
        self._lock = threading.Lock()

    def read(self) -> tuple[int, int]:
        return self._value, int(time.monotonic() // LOCAL_SECONDS)

    def bump(self) -> None:
        with self._lock:
            self._value = next(self._count)


class _RedisEpoch:
    """The install's epoch, in Redis."""

    def __init__(self, url: str, key: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.key = key

    def read(self) -> tuple[int, int]:
        return int(self.redis.get(self.key) or 0), 0

    def bump(self) -> None:
        self.redis.incr(self.key)


def _watched() -> tuple[type, ...]:
    from .accounts.models import GroupMembership, Organisation, User

    return (User, Organisation, GroupMembership)


def _note_flush(session: Session, _context: Any) -> None:
    watched = _watched()
    if any(isinstance(obj, watched)
           for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


def _note_statement(orm_execute_state: Any) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, _watched()):
        orm_execute_state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        try:
            app = current_app._get_current_object()
        except RuntimeError:  # a session outside the app (a script): nothing keeps decisions
            return
        epoch = app.extensions.get(EXTENSION)
        if epoch is not None:
            try:
                epoch.bump()
            except Exception:  # the change is committed; say so rather than fail the request
                app.logger.exception("could not move the access epoch; kept room decisions "
                                     "stand until it moves again")


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


_listening = False


def install(app: Flask) -> None:
    """Give the app its epoch, and watch every session's commits (once per process)."""
    global _listening
    url = app.config.get("REDIS_URL")
    app.extensions[EXTENSION] = (
        _RedisEpoch(url, f"{app.config['REDIS_NAMESPACE']}:access-epoch") if url
        else _LocalEpoch())
    if not _listening:
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _listening = True


def current_epoch() -> tuple[int, int]:
    """The epoch now: decisions kept under another epoch must be asked again."""
    return current_app.extensions[EXTENSION].read()
