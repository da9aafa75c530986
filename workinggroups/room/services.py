"""Saying something in a room, reading its history, rate limits and presence."""

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organisation, User, WorkingGroup
from portal.errors import DomainError, InvalidInput
from portal.extensions import db, limiter

from .models import RoomMessage
from .presence import current_presence

MAX_LENGTH = 2000
HISTORY = 50
MISSED = 500  # at most this many missed messages come back on rejoining


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


def since(group: WorkingGroup, after: int, limit: int = MISSED) -> list[RoomMessage]:
    """What was said after message `after`, oldest first: a client that lost its connection
    (its web process died, the network dropped) asks for this when it joins again, so it
    misses nothing that was said while it was away."""
    rows = db.session.scalars(select(RoomMessage).where(
        RoomMessage.group_id == group.id, RoomMessage.id > after)
        .order_by(RoomMessage.id).limit(limit)).all()
    return list(rows)


def people(slug: str) -> list[dict]:
    """The distinct people in a room, by name, whichever process holds their connection."""
    ids = set(current_presence().connections(slug).values())
    if not ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    return [{"id": u.id, "name": u.name} for u in sorted(users, key=lambda u: (u.name, u.id))]


def no_longer_allowed(group: WorkingGroup) -> list[str]:
    """Connections in the room whose person may no longer see the group (left, removed,
    deactivated since they joined).

    Asked before every message said. The policy's answer for each person is kept while the
    access epoch stands still (nobody's person, organisation or membership changed), so a
    room of five hundred costs the people who joined since, not five hundred every time."""
    from portal.access_epoch import current_epoch
    from portal.authz import can

    present = current_presence().connections(group.slug)
    if not present:
        return []
    epoch = current_epoch()
    memo = current_app.extensions.setdefault("workinggroups.room.allowed", {})
    kept_epoch, allowed = memo.get(group.id, (None, {}))
    if kept_epoch != epoch:
        allowed = {}
    unknown = set(present.values()) - set(allowed)
    if unknown:
        # The people with their organisations and groups, which the policy reads, in three
        # queries however many they are.
        users = {u.id: u for u in db.session.scalars(select(User).where(
            User.id.in_(unknown)).options(
            selectinload(User.organisation).selectinload(Organisation.memberships)))}
        allowed = {**allowed, **{uid: uid in users and can(users[uid], "group.view_private",
                                                           group) for uid in unknown}}
    memo[group.id] = (epoch, allowed)
    return [sid for sid, uid in present.items() if not allowed[uid]]
