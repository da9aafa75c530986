"""Socket.IO: an open thread page joins the thread's room to receive replies live."""

from typing import Any

from flask_socketio import join_room

from portal.authz import can
from portal.extensions import db
from portal.realtime import socket_event, socket_user

from .models import Thread
from .services import thread_room


@socket_event("join_thread")
def join_thread(data: Any = None) -> dict:
    """Join a thread's room if the person may read the thread (ack {ok})."""
    try:
        user = socket_user()
        thread_id = data.get("id") if isinstance(data, dict) else None
        thread = (db.session.get(Thread, thread_id)
                  if isinstance(thread_id, int) and not isinstance(thread_id, bool) else None)
        if user is None or not can(user, "thread.view", thread):
            return {"ok": False, "error": "not_found"}
        join_room(thread_room(thread.id))
        return {"ok": True}
    finally:
        db.session.remove()

