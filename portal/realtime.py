"""Socket.IO plumbing: who is connected, which rooms they may be in.

A connection is accepted only with a signed-in session cookie or an API token.
On connect a person joins their own room, their organisation's room and, for
platform staff, the staff room; group rooms are joined on request through the
access policy (see workinggroups).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import select

from .auth.ending import install_ending, session_room, token_room
from .authz import can, is_signed_in
from .extensions import db, socketio


@dataclass(frozen=True)
class Connection:
    """Who a socket of this process belongs to, and what it was opened with."""

    user_id: int
    session_id: int | None = None
    token_id: int | None = None


_connected: dict[str, Connection] = {}  # sid -> its connection, for this process's sockets


def user_room(user_id: int) -> str:
    """The room of one person."""
    return f"user:{user_id}"


def org_room(org_id: int) -> str:
    """The room of one organisation."""
    return f"org:{org_id}"


def group_room(slug: str) -> str:
    """The live room of one working group."""
    return f"group:{slug}"


STAFF_ROOM = "staff"

_events: dict[str, Callable] = {}


def socket_event(name: str) -> Callable[[Callable], Callable]:
    """Register the handler of a Socket.IO event (default namespace).

    Flask-SocketIO's `@socketio.on` binds only to the server that exists when the module
    is imported, and every app the factory builds gets a server of its own; so packages
    register here and `bind_events()` attaches every handler to each new server.
    """

    def register(handler: Callable) -> Callable:
        if _events.get(name, handler) is not handler:
            raise RuntimeError(f"socket event {name!r} is handled twice")
        _events[name] = handler
        return handler

    return register


def bind_events() -> None:
    """Attach every registered event handler to the current app's Socket.IO server."""
    for name, handler in _events.items():
        socketio.on_event(name, handler)
    if socketio.server is not None:
        install_ending(socketio.server)


def socket_user() -> Any:
    """The person behind the current socket event, or None."""
    from .accounts.models import User

    conn = _connected.get(request.sid)
    if conn is None:
        return None
    user = db.session.get(User, conn.user_id)
    if not is_signed_in(user) or not _still_valid(conn):
        # Checked on every event too, so a socket whose session or token ended on a process
        # that could not reach this one says nothing more.
        _connected.pop(request.sid, None)
        socketio.server.disconnect(request.sid, namespace="/")
        return None
    return user


def _still_valid(conn: Connection) -> bool:
    from .accounts.models import ApiToken, UserSession
    from .models import utcnow

    now = utcnow()
    if conn.session_id is not None:
        row = db.session.get(UserSession, conn.session_id)
        return bool(row and row.revoked_at is None and now < row.expires_at)
    if conn.token_id is not None:
        token = db.session.get(ApiToken, conn.token_id)
        return bool(token and token.is_usable(now))
    return False


def _authenticate(auth: Any) -> tuple[Any, Connection | None]:
    from flask import g

    if is_signed_in(current_user):
        row = g.get("user_session")
        if row is None:
            return None, None
        return current_user._get_current_object(), Connection(current_user.id, session_id=row.id)
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        from .accounts.tokens import user_for_token

        user = user_for_token(auth["token"])
        token = g.get("api_token")
        if user is None or token is None:
            return None, None
        return user, Connection(user.id, token_id=token.id)
    return None, None


def evict(room: str, may_stay: Callable[[Any], bool], namespace: str = "/") -> list[str]:
    """Take out of `room` this process's connections whose person may no longer be in it.

    Rooms joined on request (a group's, a thread's) check access only when a socket joins;
    call this before sending to such a room, so that whoever lost access since (left, removed
    from the group, deactivated) receives nothing more. `may_stay(user)` is the access check
    for an active account. Returns the sids taken out. python-socketio knows only the
    participants connected to this process, so each process evicts its own.
    """
    from .accounts.models import User

    server = socketio.server
    if server is None:
        return []
    present = {sid: getattr(_connected.get(sid), "user_id", None)
               for sid, _eio_sid in server.manager.get_participants(namespace, room)}
    if not present:
        return []
    ids = {uid for uid in present.values() if uid is not None}
    users = ({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
             if ids else {})
    gone = [sid for sid, uid in present.items()
            if not is_signed_in(users.get(uid)) or not may_stay(users[uid])]
    for sid in gone:
        server.leave_room(sid, room, namespace=namespace)
    return gone


@socket_event("connect")
def on_connect(auth: Any = None) -> None:
    """Refuse anonymous connections; put the person in their rooms."""
    from .accounts.access import must_enrol

    user, conn = _authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("authentication required")
    if must_enrol(user):
        raise ConnectionRefusedError("two_factor_required")
    _connected[request.sid] = conn
    join_room(session_room(conn.session_id) if conn.session_id is not None
              else token_room(conn.token_id))
    join_room(user_room(user.id))
    join_room(org_room(user.organisation_id))
    if can(user, "staff"):
        join_room(STAFF_ROOM)
    db.session.remove()


@socket_event("disconnect")
def on_disconnect(*_args: Any) -> None:
    """Forget the connection and let listeners (presence) know."""
    conn = _connected.pop(request.sid, None)
    user_id = conn.user_id if conn else None
    for listener in _disconnect_listeners:
        listener(request.sid, user_id)


_disconnect_listeners: list = []


def on_socket_disconnect(listener) -> Any:
    """Register a function called with (sid, user_id) when a socket goes away."""
    _disconnect_listeners.append(listener)
    return listener
