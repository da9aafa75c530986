"""Who holds which role: the audiences that notifications and queues are sent to.

Role tests live here and in the policy (`portal/authz.py`), never in features, so a
change of who counts as platform staff or secretariat is made once.
"""

from sqlalchemy import select

from portal.extensions import db

from .models import Organisation, User


def platform_staff() -> list[User]:
    """Every active person of the platform's staff."""
    rows = db.session.scalars(select(User).join(Organisation).where(
        User.role == "staff", Organisation.kind == "platform").order_by(User.id))
    return [u for u in rows if u.is_active]


def secretariat() -> list[User]:
    """Every active admin of the alliance secretariat."""
    rows = db.session.scalars(select(User).where(User.role == "admin").order_by(User.id))
    return [u for u in rows if u.is_active]


def two_factor_roles() -> set[str]:
    """The roles that must sign in with a second factor (REQUIRE_TWO_FACTOR)."""
    from flask import current_app

    raw = current_app.config.get("REQUIRE_TWO_FACTOR") or ""
    return {r.strip() for r in raw.split(",") if r.strip()}


def needs_two_factor(user: User) -> bool:
    """Whether this person's role makes a second factor compulsory."""
    return user.role in two_factor_roles()


def must_enrol(user: User) -> bool:
    """A person whose role needs a second factor and who has none yet: they may only enrol."""
    from .models import TwoFactor

    if not needs_two_factor(user):
        return False
    return db.session.scalar(select(TwoFactor.id).where(
        TwoFactor.user_id == user.id, TwoFactor.confirmed_at.is_not(None))) is None
