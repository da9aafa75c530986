"""Socket.IO events of the live room: join_group (with ack), chat, chat.message, presence."""

from typing import Any

from flask import request
from flask_socketio import emit, join_room, leave_room

from portal.accounts.groups import group_by_slug
from portal.authz import can
from portal.errors import DomainError, InvalidInput
from portal.extensions import db, socketio
from portal.parsing import identifier
from portal.realtime import group_room, on_socket_disconnect, socket_event, socket_user

from . import services
from .presence import current_presence


def _allowed_group(data: Any):
    """(user, group) when the socket's person may be in the room named by data['slug']."""
    user = socket_user()
    slug = data.get("slug") if isinstance(data, dict) else None
    group = group_by_slug(slug) if isinstance(slug, str) else None
    if user is None or group is None or not can(user, "group.view_private", group):
        return user, None
    return user, group


def _announce(slug: str) -> None:
    socketio.emit("presence", {"slug": slug, "users": services.people(slug)},
                  to=group_room(slug))


@socket_event("join_group")
def join_group(data: Any = None) -> dict:
    """Enter a group's room; refused (as if the group did not exist) to those who may not.

    A client joining again after a lost connection sends `after`, the id of the last message
    it has; the ack carries what was said since (`missed`, oldest first).
    """
    try:
        user, group = _allowed_group(data)
        if group is None:
            return {"ok": False, "error": "not_found"}
        join_room(group_room(group.slug))
        current_presence().enter(group.slug, request.sid, user.id)
        _announce(group.slug)
        ack = {"ok": True, "users": services.people(group.slug)}
        after = 0 if data.get("after") == 0 else identifier(data.get("after"))
        if after is not None:
            ack["missed"] = [m.as_event() for m in services.since(group, after)]
        return ack
    finally:
        db.session.remove()


@socket_event("leave_group")
def leave_group(data: Any = None) -> dict:
    """Leave a room."""
    slug = data.get("slug") if isinstance(data, dict) else None
    presence = current_presence()
    if isinstance(slug, str) and presence.is_in(slug, request.sid):
        leave_room(group_room(slug))
        presence.leave(slug, request.sid)
        _announce(slug)
    return {"ok": True}


@socket_event("chat")
def chat(data: Any = None) -> dict:
    """Say something in a room one has joined; kept, then sent to the room."""
    try:
        user, group = _allowed_group(data)
        if group is None or not current_presence().is_in(group.slug, request.sid):
            return {"ok": False, "error": "not_found"}
        try:
            message = services.say(user, group, data.get("text"))
        except InvalidInput as e:
            return {"ok": False, "error": e.code, "fields": e.fields}
        except DomainError as e:
            return {"ok": False, "error": e.code, "message": e.message}
        event = message.as_event()
        _evict(group)
        emit("chat.message", event, to=group_room(group.slug))
        return {"ok": True, "id": message.id}
    finally:
        db.session.remove()


def _evict(group) -> None:
    """Before anything is said, put out of the room whoever may no longer be in it.

    The connection may be held by another process: with a message queue, python-socketio's
    `leave_room` for a sid it does not hold publishes the request on the queue, ahead of the
    `chat.message` emitted next, and the holding process applies it first; the presence
    entry is shared, so removing it here removes it for every process.
    """
    gone = services.no_longer_allowed(group)
    for sid in gone:
        socketio.server.leave_room(sid, group_room(group.slug), namespace="/")
        current_presence().leave(group.slug, sid)
    if gone:
        _announce(group.slug)


@on_socket_disconnect
def _gone(sid: str, _user_id: int | None) -> None:
    for slug in current_presence().leave_all(sid):
        _announce(slug)

