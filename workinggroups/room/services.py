"""Saying something in a room, reading its history, rate limits and presence."""

import threading

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from sqlalchemy import select

from portal.accounts.models import User, WorkingGroup
from portal.errors import DomainError, InvalidInput
from portal.extensions import db, limiter

from .models import RoomMessage

MAX_LENGTH = 2000
HISTORY = 50


class RateLimited(DomainError):
    """Too many messages in a short time."""

    status = 429
    code = "rate_limited"


def check_rate(user: User) -> None:
    """Refuse a message above the person's chat rate (CHAT_RATE_LIMIT)."""
    item = parse(current_app.config["CHAT_RATE_LIMIT"])
    if not limiter.limiter.hit(item, "room-chat", str(user.id)):
        raise RateLimited(_("You are sending messages too fast; wait a moment."))


def say(user: User, group: WorkingGroup, text: str) -> RoomMessage:
    """Keep one message of the room (the caller checked the person may be there)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise InvalidInput({"text": _("Write something first.")})
    if len(text) > MAX_LENGTH:
        raise InvalidInput({"text": _("At most %(n)d characters.", n=MAX_LENGTH)})
    check_rate(user)
    message = RoomMessage(group_id=group.id, user_id=user.id, text=text)
    db.session.add(message)
    db.session.commit()
    return message


def history_query(group: WorkingGroup):
    """The room's messages, newest first."""
    return select(RoomMessage).where(RoomMessage.group_id == group.id).order_by(
        RoomMessage.id.desc())


def recent(group: WorkingGroup, limit: int = HISTORY) -> list[RoomMessage]:
    """The latest messages, oldest first, for the page."""
    return list(reversed(db.session.scalars(history_query(group).limit(limit)).all()))


class Presence:
    """Who is in which room on this process: slug -> {sid: (user id, name)}."""

    def __init__(self) -> None:
        self._rooms: dict[str, dict[str, tuple[int, str]]] = {}
        self._lock = threading.Lock()

    def enter(self, slug: str, sid: str, user: User) -> None:
        with self._lock:
            self._rooms.setdefault(slug, {})[sid] = (user.id, user.name)

    def leave(self, slug: str, sid: str) -> None:
        """Take a connection out of one room."""
        with self._lock:
            self._rooms.get(slug, {}).pop(sid, None)

    def leave_all(self, sid: str) -> list[str]:
        """Take a connection out of every room; returns the slugs it was in."""
        left = []
        with self._lock:
            for slug, members in self._rooms.items():
                if members.pop(sid, None) is not None:
                    left.append(slug)
        return left

    def connections(self, slug: str) -> dict[str, int]:
        """sid -> user id of the room's connections on this process."""
        with self._lock:
            return {sid: uid for sid, (uid, _name) in self._rooms.get(slug, {}).items()}

    def is_in(self, slug: str, sid: str) -> bool:
        with self._lock:
            return sid in self._rooms.get(slug, {})

    def people(self, slug: str) -> list[dict]:
        """Distinct people present, by name."""
        with self._lock:
            unique = {uid: name for uid, name in self._rooms.get(slug, {}).values()}
        return [{"id": uid, "name": name} for uid, name in sorted(unique.items(),
                                                                   key=lambda x: x[1])]


presence = Presence()


def no_longer_allowed(group: WorkingGroup) -> list[str]:
    """Connections in the room whose person may no longer see the group (left, removed,
    deactivated since they joined)."""
    from portal.authz import can

    present = presence.connections(group.slug)
    if not present:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_(set(present.values()))))}
    return [sid for sid, uid in present.items()
            if uid not in users or not can(users[uid], "group.view_private", group)]
