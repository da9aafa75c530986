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
