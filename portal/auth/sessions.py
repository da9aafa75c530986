"""Server-side sign-in sessions and the rotating remember-me cookie.

The Flask session cookie carries only a random session key; the `user_sessions` row with
its hash says who it is, since when, from where, and whether it still counts. Ending a row
ends that browser at once: its cookie, its remember-me cookie and its live sockets.

Lifetimes (settings, see docs/sign-in.md): a session lapses after `SESSION_IDLE_MINUTES`
without a request and in any case `SESSION_MAX_DAYS` after sign-in; "keep me signed in"
lets a closed browser come back within `REMEMBER_DAYS` of its last visit (never past
`SESSION_MAX_DAYS`). The remember-me token changes on every use and is stored hashed; a
token that was already used is a copied cookie, and the whole series ends.
"""

import hashlib
import ipaddress
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..aftercommit import after_commit
from ..audit.services import record
from ..extensions import db
from ..models import utcnow

SESSION_KEY = "sid"
REMEMBER_GRACE_SECONDS = 15  # two tabs of a restarted browser may present the same token


def digest(value: str) -> str:
    """SHA-256 hex of a secret (keys, tokens, codes are kept only as this)."""
    return hashlib.sha256(value.encode()).hexdigest()


def ip_prefix(address: str | None) -> str:
    """The network a request came from, not the address: /24 for IPv4, /48 for IPv6."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    bits = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{bits}", strict=False))


def _settings() -> tuple[timedelta, timedelta, timedelta]:
    c = current_app.config
    return (timedelta(minutes=c["SESSION_IDLE_MINUTES"]), timedelta(days=c["SESSION_MAX_DAYS"]),
            timedelta(days=c["REMEMBER_DAYS"]))


def _from_request() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    agent = (request.user_agent.string or "")[:200]
    return agent, ip_prefix(request.remote_addr)


def create_row(user, *, remember: bool = False, user_agent: str | None = None,
               ip: str | None = None):
    """A new session row for `user`; returns (row, session key, remember cookie or None)."""
    from ..accounts.models import UserSession

    _idle, most, remember_for = _settings()
    agent, prefix = _from_request()
    now = utcnow()
    key = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, key_hash=digest(key), created_at=now, last_seen_at=now,
                      expires_at=now + most, user_agent=(user_agent or agent)[:200],
                      ip_prefix=ip_prefix(ip) if ip else prefix)
    cookie = None
    if remember:
        series, token = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        row.remember_series, row.remember_hash = series, digest(token)
        row.remember_rotated_at = now
        row.remember_expires_at = min(now + remember_for, row.expires_at)
        cookie = f"{series}.{token}"
    db.session.add(row)
    db.session.flush()
    return row, key, cookie


def start(user, *, remember: bool = False, method: str = "password"):
    """Sign `user` in on this browser: a new session row, its key in the Flask session."""
    row, key, cookie = create_row(user, remember=remember)
    user.last_login_at = utcnow()
    record(user, "auth.login", user, "Signed in", method=method, session=row.id)
    db.session.commit()
    _attach(user, row, key)
    if cookie:
        g.remember_cookie = (cookie, row.remember_expires_at)
    return row


def _attach(user, row, key: str) -> None:
    session.pop("pending_sign_in", None)
    login_user(user, remember=False, fresh=True)
    session[SESSION_KEY] = key
    # The browser keeps the account's language for the pages a session cookie never signs
    # in to (the API's docs page): it reads the language from here.
    session["locale"] = user.locale
    g.user_session = row


def _live(row, now: datetime) -> bool:
    return (row is not None and row.revoked_at is None and now < row.expires_at
            and row.user is not None and row.user.is_active)


def load(user_id: str):
    """The user of this browser's session key, if its row is live (Flask-Login's loader)."""
    from ..accounts.models import User, UserSession

    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not user_id.isdigit():
        return None
    # Every page asks who the person is and what their organisation is (the layout, the
    # policy): one statement brings the session, the person and the organisation.
    row = db.session.scalar(select(UserSession).where(UserSession.key_hash == digest(key))
                            .options(joinedload(UserSession.user)
                                     .joinedload(User.organisation)))
    now = utcnow()
    idle, _most, _remember = _settings()
    if not _live(row, now) or row.user_id != int(user_id) or now - row.last_seen_at > idle:
        session.pop(SESSION_KEY, None)
        return None
    if (now - row.last_seen_at).total_seconds() > 60:  # at most one write a minute
        row.last_seen_at = now
        db.session.commit()
    g.user_session = row
    return row.user


def _cookie_name() -> str:
    return current_app.config["PORTAL_REMEMBER_COOKIE"]


def load_remembered():
    """Sign a returning browser in from its remember-me cookie, turning the token over.

    A token that matches neither the current nor (within a few seconds of turning over)
    the previous one was copied: the series ends, and the thief and the owner both have to
    sign in again.
    """
    from ..accounts.models import UserSession

    raw = request.cookies.get(_cookie_name(), "")
    series, _dot, token = raw.partition(".")
    if not series or not token:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.remember_series == series))
    now = utcnow()
    if row is None or not _live(row, now) or row.remember_expires_at is None \
            or now >= row.remember_expires_at:
        g.remember_cookie = None
        return None
    presented = digest(token)
    if secrets.compare_digest(presented, row.remember_hash or ""):
        # Turn the token over, and give the browser a new session key too.
        new_token, key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        _idle, _most, remember_for = _settings()
        turned = db.session.execute(
            update(UserSession).where(UserSession.id == row.id,
                                      UserSession.remember_hash == presented)
            .values(remember_previous_hash=presented, remember_hash=digest(new_token),
                    remember_rotated_at=now, key_hash=digest(key), last_seen_at=now,
                    remember_expires_at=min(now + remember_for, row.expires_at)))
        if turned.rowcount != 1:  # another request turned it over a moment ago
            db.session.rollback()
            return None
        db.session.commit()
        db.session.refresh(row)
        _attach(row.user, row, key)
        g.remember_cookie = (f"{series}.{new_token}", row.remember_expires_at)
        return row.user
    recent = row.remember_rotated_at and (now - row.remember_rotated_at).total_seconds() \
        < REMEMBER_GRACE_SECONDS
    if recent and secrets.compare_digest(presented, row.remember_previous_hash or ""):
        return None
    end_session(row, "remember_reuse", actor=None)
    g.remember_cookie = None
    return None


def set_remember_cookie(response):
    """Write or clear the remember-me cookie as this request decided (after_request)."""
    if "remember_cookie" not in g:
        return response
    c = current_app.config
    if g.remember_cookie is None:
        response.delete_cookie(_cookie_name(), path="/", secure=c["REMEMBER_COOKIE_SECURE"],
                               httponly=True, samesite=c["REMEMBER_COOKIE_SAMESITE"])
        return response
    value, expires = g.remember_cookie
    response.set_cookie(_cookie_name(), value, expires=expires, path="/",
                        secure=c["REMEMBER_COOKIE_SECURE"], httponly=True,
                        samesite=c["REMEMBER_COOKIE_SAMESITE"])
    return response


def current_row():
    """This request's session row, if signed in through a session."""
    return g.get("user_session")


# Ending sessions --------------------------------------------------------------------------


def _end_sockets(rooms: list[str]) -> None:
    from .ending import end_connections

    if rooms:
        after_commit(db.session(), lambda: end_connections(rooms))


def end_session(row, reason: str, *, actor=None) -> None:
    """End one session (commits): its cookies stop working and its sockets close."""
    from .ending import session_room

    if row.revoked_at is None:
        row.revoked_at, row.revoked_reason = utcnow(), reason
        record(actor, f"session.end.{reason}", row.user,
               f"Session {row.id} of {row.user.email} ended ({reason})", session=row.id)
        _end_sockets([session_room(row.id)])
    db.session.commit()


def end_all(user, reason: str, *, actor=None, tokens: bool = False, commit: bool = True) -> int:
    """End every session of `user` (and, with `tokens`, every API token); returns how many
    sessions ended. Their live sockets close on every process."""
    from ..accounts.models import ApiToken, UserSession
    from .ending import session_room, token_room

    now = utcnow()
    rows = list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at, row.revoked_reason = now, reason
    rooms = [session_room(r.id) for r in rows]
    revoked = []
    if tokens:
        revoked = list(db.session.scalars(select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
        for token in revoked:
            token.revoked_at = now
        rooms += [token_room(t.id) for t in revoked]
    record(actor if actor is not None else user, f"session.end_all.{reason}", user,
           f"All sessions of {user.email} ended ({reason})", sessions=len(rows),
           tokens=len(revoked))
    _end_sockets(rooms)
    if commit:
        db.session.commit()
    return len(rows)


def sign_out(*, everywhere: bool = False) -> None:
    """End this browser's session (with `everywhere`, every session of the person, as
    signing out from the menu does) and forget this browser's cookies."""
    row = current_row()
    if everywhere and row is not None:
        end_all(row.user, "sign_out", actor=row.user)
    elif row is not None:
        end_session(row, "sign_out", actor=row.user)
    logout_user()
    session.pop(SESSION_KEY, None)
    g.remember_cookie = None


def live_sessions(user) -> list:
    """The person's sessions that still count, most recently used first."""
    from ..accounts.models import UserSession

    now = utcnow()
    idle, _most, _remember = _settings()
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
        UserSession.expires_at > now).order_by(UserSession.last_seen_at.desc()))
    return [r for r in rows if now - r.last_seen_at <= idle
            or (r.remember_expires_at and now < r.remember_expires_at)]


def end_own_session(user, session_id: int) -> None:
    """End one of the person's own sessions (404 for anyone else's)."""
    from ..accounts.models import UserSession
    from ..errors import NotFound

    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    end_session(row, "signed_out_elsewhere", actor=user)


def restart(user, reason: str, *, tokens: bool) -> None:
    """End every session of `user`, then give this browser a fresh one (a password change:
    the old cookies everywhere stop working, the person stays signed in here)."""
    remembered = bool(current_row() and current_row().remember_series)
    end_all(user, reason, tokens=tokens, commit=False)
    row, key, cookie = create_row(user, remember=remembered)
    db.session.commit()
    _attach(user, row, key)
    g.remember_cookie = (cookie, row.remember_expires_at) if cookie else None
