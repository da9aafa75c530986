"""Ending live sockets when the session or token they were opened with ends.

Each socket joins an end room of its session or its token. Closing such a room
disconnects every socket in it, on every process: a room close travels through the
Socket.IO message queue (Redis) like any other room operation.
"""

from ..extensions import socketio

END_PREFIX = "end:"


def session_room(session_id: int) -> str:
    """The sockets opened with one signed-in session."""
    return f"{END_PREFIX}session:{session_id}"


def token_room(token_id: int) -> str:
    """The sockets opened with one API token."""
    return f"{END_PREFIX}token:{token_id}"


def end_connections(rooms: list[str]) -> None:
    """Disconnect, on every process, every socket in these end rooms."""
    server = socketio.server
    if server is None:
        return
    for room in rooms:
        server.close_room(room, namespace="/")


def install_ending(server) -> None:
    """Make closing an end room disconnect its sockets, wherever the close came from.

    python-socketio hands a room close that arrives through the message queue to the
    manager's `basic_close_room`, as it does a local one; wrapping it there lets each
    process disconnect its own sockets of that session or token.
    """
    manager = server.manager
    if getattr(manager, "_ends_connections", False):
        return
    plain_close = manager.basic_close_room

    def basic_close_room(room, namespace):
        if not str(room).startswith(END_PREFIX):
            return plain_close(room, namespace)
        sids = [sid for sid, _eio in list(manager.get_participants(namespace, room))]
        plain_close(room, namespace)
        for sid in sids:
            try:
                server.disconnect(sid, namespace=namespace, ignore_queue=True)
            except Exception:  # noqa: BLE001 - a socket already gone is ended enough
                server.logger.warning("could not disconnect %s", sid)
        return None

    manager.basic_close_room = basic_close_room
    manager._ends_connections = True
