"""notify(): store a notification for each allowed person and push it after commit."""

import json
from collections.abc import Iterable
from typing import Any

from flask_babel import LazyString, force_locale, gettext, ngettext
from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.orm import selectinload

from ..aftercommit import after_commit
from ..authz import can
from ..extensions import db, socketio
from ..mail import send_mail
from ..models import utcnow
from .models import Notification, live_event


def as_message(text: Any) -> dict | None:
    """A lazy message as data: its catalog id and parameters (nested messages too), so the
    notification is shown in whatever language its reader reads when they read it."""
    if not isinstance(text, LazyString):
        return None
    args, params = text._args, {}
    for key, value in (text._kwargs or {}).items():
        if isinstance(value, LazyString):
            nested = as_message(value)
            if nested is None:  # not a catalog message: keep the text made for the reader
                return None
            params[key] = {"_msg": nested}
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            params[key] = value
        else:  # an object that words itself (in whatever language is current): keep the text
            return None
    if len(args) == 1 and isinstance(args[0], str):
        return {"id": args[0], "params": params}
    if len(args) == 3 and isinstance(args[0], str) and isinstance(args[1], str):
        return {"id": args[0], "plural": args[1], "n": args[2], "params": params}
    return None


def render_message(message: dict) -> str:
    """A stored message in the current language (the request's, or force_locale's)."""
    params = {key: (render_message(value["_msg"]) if isinstance(value, dict) and "_msg" in value
                    else value) for key, value in (message.get("params") or {}).items()}
    if "plural" in message:
        return ngettext(message["id"], message["plural"], message["n"], **params)
    return gettext(message["id"], **params)


def _in_locale(text: Any, locale: str) -> str:
    """Render a (lazy) message in the recipient's language."""
    if isinstance(text, str):
        return text
    with force_locale(locale):
        return str(text)


def notify(
    users: Iterable[Any],
    type_: str,
    title: Any,
    url: str = "",
    *,
    obj: Any = None,
    view_rule: str | None = None,
    email: bool = False,
    exclude: Any = None,
    event: str | None = None,
    **payload: Any,
) -> int:
    """Notify each distinct user allowed to see `obj` (by `view_rule`), except `exclude`;
    how many were notified.

    `title` may be a lazy string (lazy_gettext with its values): each person then reads it
    in their own language. Rows join the caller's transaction; the live event (and the e-mail, if asked)
    goes out only after it commits. With `event`, the same audience (the excluded actor
    included: their organisation's systems hear of what they did) is offered that event
    for the members' own systems (`portal.notifications.events`).
    """
    users = list(users)
    if event:
        _publish(event, users, title, url, obj, view_rule, payload)
    seen: set[int] = set()
    rows: list[dict] = []
    if obj is not None and view_rule and getattr(obj, "id", None) is not None:
        # What it is about, so its title is shown only while the reader may still see it.
        payload = {**payload, "_about": [obj.__tablename__, obj.id, view_rule]}
    message = as_message(title)
    if message is not None:  # shown later in the reader's language of the moment
        payload = {**payload, "_msg": message}
    _load_expired(users)
    worded: dict[str, str] = {}  # the title in each language, worded once
    now = utcnow()
    with db.session.no_autoflush:  # reading a person must not flush the rows added so far
        for user in users:
            if user is None or user.id in seen or not user.is_active:
                continue
            if exclude is not None and user.id == exclude.id:
                continue
            if view_rule and not can(user, view_rule, obj):
                continue
            seen.add(user.id)
            if user.locale not in worded:
                worded[user.locale] = _in_locale(title, user.locale)
            text = worded[user.locale]
            rows.append({"user_id": user.id, "type": type_, "title": text[:300], "url": url,
                         "payload": payload, "created_at": now})
            if email and (user.settings or {}).get("email_notifications", True):
                _mail_after_commit(user.email, text, url)
    if rows:
        # One bulk insert of all the rows (an executemany, pipelined on PostgreSQL), not the
        # unit of work's bookkeeping for each: a notice to five hundred people is one step.
        db.session.execute(insert(Notification), rows)
        events = [(row["user_id"], live_event(type_, row["title"], url, now, payload))
                  for row in rows]
        after_commit(db.session(), lambda: _emit(events))
    return len(rows)


def _load_expired(users: list[Any]) -> None:
    """Reload, in one query per few hundred, the people whose rows a commit has expired
    (a job that notifies after committing would otherwise read each one by one)."""
    from ..accounts.models import User

    stale = [state.identity[0] for state in (inspect(u) for u in users if u is not None)
             if state.persistent and state.expired_attributes and state.identity]
    for start in range(0, len(stale), 500):
        db.session.scalars(select(User).where(User.id.in_(stale[start:start + 500]))
                           .execution_options(populate_existing=True)).all()


def _publish(event: str, users: list[Any], title: Any, url: str, obj: Any,
             view_rule: str | None, payload: dict) -> None:
    from .events import publish

    def title_for(reader: Any) -> dict:
        return {"title": _in_locale(title, reader.locale)[:300]}

    publish(event, users, obj=obj, view_rule=view_rule, url=url, data_for=title_for, **payload)


def _emit(events: list[tuple[int, dict]]) -> None:
    """One live event per distinct text (in practice one per language), sent to the rooms of
    all its readers at once: one message through Redis for five hundred people, not five
    hundred. The event is what its readers share (API.md: type, title, url, at, ...)."""
    rooms: dict[str, tuple[dict, list[str]]] = {}
    for user_id, data in events:
        key = json.dumps(data, sort_keys=True, default=str)
        rooms.setdefault(key, (data, []))[1].append(f"user:{user_id}")
    for shared, to in rooms.values():
        socketio.emit("notification", shared, to=to)


def _mail_after_commit(address: str, title: str, url: str) -> None:
    from flask import current_app

    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    body = f"{title}\n\n{base}{url}\n"
    after_commit(db.session(), lambda: send_mail(address, title, body))


def _model_of(table: str) -> Any:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def load_subjects(notifications: list[Notification]) -> dict[tuple[str, int], Any]:
    """What the notifications are about, by (table, id), with the relations their view rules
    read: a few statements per kind of object rather than a few per row. A model names
    those relations in `view_rule_reads`; one that does not gets all of its own relations."""
    subjects: dict[tuple[str, int], Any] = {}
    wanted: dict[str, set[int]] = {}
    for notification in notifications:
        if notification.about is not None:
            table, obj_id, _rule = notification.about
            wanted.setdefault(table, set()).add(obj_id)
    for table, ids in wanted.items():
        model = _model_of(table)
        if model is not None:
            reads = getattr(model, "view_rule_reads", None)
            direct = [selectinload(rel.class_attribute) for rel in model.__mapper__.relationships
                      if reads is None or rel.key in reads]
            for obj in db.session.scalars(select(model).where(model.id.in_(ids))
                                          .options(*direct)):
                subjects[table, obj.id] = obj
    return subjects


def still_visible(user: Any, notification: Notification,
                  subjects: dict[tuple[str, int], Any] | None = None) -> bool:
    """Whether the reader may still see what the notification is about (access to a tip can
    be narrowed, a person can leave a group): if not, its title is not shown."""
    about = notification.about
    if about is None:
        return True
    table, obj_id, rule = about
    if subjects is not None:
        obj = subjects.get((table, obj_id))
    else:
        model = _model_of(table)
        obj = db.session.get(model, obj_id) if model is not None else None
    return obj is not None and can(user, rule, obj)


def shown_title(user: Any, notification: Notification,
                subjects: dict[tuple[str, int], Any] | None = None) -> str:
    """The title in the reader's language (the stored text for notifications made before
    titles were kept as messages), or a neutral line when the reader may no longer see the
    object."""
    if not still_visible(user, notification, subjects):
        return gettext("About something you can no longer see.")
    message = (notification.payload or {}).get("_msg")
    if isinstance(message, dict):
        try:
            return render_message(message)[:300]
        except (KeyError, ValueError, TypeError):  # a message changed since: the stored text
            pass
    return notification.title


def unread_count(user_id: int) -> int:
    """How many notifications the person has not read."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user_id: int, notification_id: int | None = None) -> None:
    """Mark one (or every) notification of the person read."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=utcnow()))
    db.session.commit()
