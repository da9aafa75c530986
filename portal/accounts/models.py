"""Organisations, people, the twelve working groups and who chairs them."""

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint, func, select
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow

ORG_KINDS = ("member", "platform", "secretariat")
ROLES = ("member", "chair", "staff", "admin")
LOCALES = ("en", "zh")
POSITIONS = ("chair", "vice_chair")


class Organisation(db.Model):
    """A member company, the platform operator, or the alliance secretariat."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")
    memberships: Mapped[list["GroupMembership"]] = relationship(back_populates="organisation")

    @property
    def is_member_company(self) -> bool:
        """Brands, as opposed to the platform and the secretariat."""
        return self.kind == "member"

    @property
    def active_groups(self) -> list["WorkingGroup"]:
        """The groups this organisation currently belongs to."""
        return sorted(
            (m.working_group for m in self.memberships if m.status == "active"),
            key=lambda g: g.position,
        )


class WorkingGroup(db.Model):
    """One of the alliance's twelve industry working groups."""

    __tablename__ = "working_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    memberships: Mapped[list["GroupMembership"]] = relationship(back_populates="working_group")
    positions: Mapped[list["ChairPosition"]] = relationship(back_populates="working_group")

    def name(self, locale: str = "en") -> str:
        """The group's name in the reader's language."""
        return self.name_zh if locale == "zh" else self.name_en

    def description(self, locale: str = "en") -> str:
        """The group's description in the reader's language."""
        return (self.description_zh if locale == "zh" else self.description_en) or ""

    @property
    def member_organisations(self) -> list[Organisation]:
        """Organisations currently in the group, by name."""
        return sorted(
            (m.organisation for m in self.memberships if m.status == "active"),
            key=lambda o: o.name.lower(),
        )

    def current_positions(self, today: date | None = None) -> list["ChairPosition"]:
        """Chair first, then vice-chairs, of positions running today."""
        today = today or utcnow().date()
        current = [p for p in self.positions if p.is_current(today)]
        return sorted(current, key=lambda p: (p.title != "chair", p.user.name))

    @property
    def chair(self) -> Optional["User"]:
        """The current chair, if any."""
        for p in self.current_positions():
            if p.title == "chair":
                return p.user
        return None


class GroupMembership(db.Model):
    """An organisation's place in a working group; leaving keeps the record."""

    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "working_group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    # active | pending (asked to join) | left | removed | declined
    status: Mapped[str] = mapped_column(String(20), default="active")
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    working_group: Mapped[WorkingGroup] = relationship(back_populates="memberships")


class ChairPosition(db.Model):
    """A chair or vice-chair appointment, with the dates it runs."""

    __tablename__ = "chair_positions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    title: Mapped[str] = mapped_column(String(20), default="chair")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    user: Mapped["User"] = relationship(back_populates="positions")
    working_group: Mapped[WorkingGroup] = relationship(back_populates="positions")

    def is_current(self, today: date) -> bool:
        """Whether the appointment runs on `today` (ends_on is the first day out of office)."""
        return self.starts_on <= today and (self.ends_on is None or today < self.ends_on)


def calendar_token_for(key: str) -> str:
    """The calendar token of a calendar key: HMAC-SHA256 under SECRET_KEY."""
    from flask import current_app

    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"calendar:" + key.encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")[:32]


def calendar_digest(token: object) -> str:
    """What is stored to find a calendar token."""
    return hashlib.sha256(str(token).encode()).hexdigest()


class _HashedToken(Comparator):
    def __eq__(self, other: object):  # type: ignore[override]
        return self.__clause_element__() == calendar_digest(other)


class User(UserMixin, db.Model):
    """A person; belongs to exactly one organisation."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default="member")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # An IANA zone ("Asia/Shanghai"); None shows times in the portal's default zone.
    timezone: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_flag: Mapped[bool] = mapped_column("is_active", default=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The secret calendar link is never stored: the row keeps a random key, the link's token
    # is derived from it with SECRET_KEY, and only the token's SHA-256 is kept for lookups
    # (in the column still named calendar_token). A copy of the database alone opens no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column("calendar_token", String(64), unique=True)
    calendar_key: Mapped[str | None] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    positions: Mapped[list[ChairPosition]] = relationship(back_populates="user")

    @hybrid_property
    def calendar_token(self) -> str | None:
        """The token of the person's secret calendar link (derived, never stored)."""
        return calendar_token_for(self.calendar_key) if self.calendar_key else None

    @calendar_token.inplace.comparator
    @classmethod
    def _calendar_token_comparator(cls) -> "_HashedToken":
        # `User.calendar_token == token` looks the token up by its hash.
        return _HashedToken(cls.calendar_token_hash)

    def new_calendar_key(self) -> str:
        """A new random calendar key; the old link stops working. Returns the new token."""
        self.calendar_key = secrets.token_urlsafe(24)
        token = calendar_token_for(self.calendar_key)
        self.calendar_token_hash = calendar_digest(token)
        return token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_flag and self.organisation.is_active

    @property
    def is_staff(self) -> bool:
        """Platform staff: vet tips, run rules, answer recommendations."""
        return self.role == "staff" and self.organisation.kind == "platform"

    @property
    def is_admin(self) -> bool:
        """Alliance secretariat."""
        return self.role == "admin"

    @property
    def is_member_side(self) -> bool:
        """A person of a member company (members and chairs)."""
        return self.organisation.kind == "member"

    def chaired_groups(self, today: date | None = None) -> list[WorkingGroup]:
        """Groups this person currently chairs or vice-chairs."""
        today = today or utcnow().date()
        return [p.working_group for p in self.positions if p.is_current(today)]

    @property
    def is_board_member(self) -> bool:
        """The Advisory Board is the current chairs of the working groups."""
        return any(p.title == "chair" for p in self.positions if p.is_current(utcnow().date()))

    def take_chair_role(self) -> None:
        """A member appointed chair or vice-chair becomes a chair (staff and admins keep theirs)."""
        if self.role == "member":
            self.role = "chair"

    def drop_chair_role(self) -> None:
        """A chair whose last appointment ended is a member again."""
        if self.role == "chair":
            self.role = "member"

    def group_ids(self) -> set[int]:
        """Working groups the person's organisation currently belongs to."""
        return {m.working_group_id for m in self.organisation.memberships if m.status == "active"}


class ApiToken(db.Model):
    """A named API token; only its hash is kept, the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and now < self.expires_at


def user_by_email(email: str) -> User | None:
    """Look a user up by e-mail, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class UserSession(db.Model):
    """One signed-in browser: the Flask session carries only a random key whose hash is here.

    Ending a session (signing out, a password change or reset, deactivation, "sign out
    everywhere") sets `revoked_at`; the cookie and the remember-me cookie of that browser stop
    working on the next request, and its live sockets are closed.
    """

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip_prefix: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    # Remember-me: a series (random, in the cookie) and its current token's hash; the
    # token changes on every use, and the previous one is kept briefly to tell a race of
    # two tabs from a stolen cookie being replayed.
    remember_series: Mapped[str | None] = mapped_column(String(43), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64))
    remember_previous_hash: Mapped[str | None] = mapped_column(String(64))
    remember_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remember_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class TwoFactor(db.Model):
    """A person's TOTP secret; on once `confirmed_at` is set."""

    __tablename__ = "two_factor"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    last_step: Mapped[int | None] = mapped_column()

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time recovery code; only its hash is kept."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Passkey(db.Model):
    """A WebAuthn credential registered as a second factor (a passkey or a security key)."""

    __tablename__ = "passkeys"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[str] = mapped_column(String(400), unique=True)  # base64url
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
