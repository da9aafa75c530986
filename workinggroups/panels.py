"""The groups on the home page: for chairs, minutes to write and requests to join; for
everyone in a group, the next meetings."""

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import GroupMembership
from portal.authz import can
from portal.dashboard.needs import Need, Needs, listed, needs_you
from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.i18n import current_locale
from portal.models import utcnow
from portal.urls import page_url

from .access import sees_some_group
from .meetings.models import MINUTES_GRACE, Meeting
from .meetings.services import visible_meetings


def _item(m: Meeting, note: str) -> dict:
    return {"label": f"{m.title} · {m.group.name(current_locale())}",
            "url": page_url("workinggroups.meeting", slug=m.group.slug, meeting_id=m.id),
            "note": note}


def _chaired_ids(user) -> list[int]:
    return [g.id for g in user.chaired_groups() if can(user, "group.chair", g)]


@home_panel
def next_meetings(user) -> dict | None:
    """The next meetings of the person's groups (none for people without groups)."""
    if not sees_some_group(user):
        return None
    query = visible_meetings(user).where(Meeting.ends_at > utcnow(),
                                         Meeting.cancelled_at.is_(None)).limit(5)
    rows = db.session.scalars(query).all()
    return {"title": _("Your next meetings"), "url": page_url("workinggroups.directory"),
            "items": [_item(m, f"{m.starts_at:%Y-%m-%d %H:%M} UTC") for m in rows],
            "empty": _("No meetings are planned.")}


@needs_you
def minutes_to_write(user) -> Needs | None:
    """Chairs: meetings of their groups still without minutes a day after they ended."""
    groups = _chaired_ids(user)
    if not groups:
        return None
    query = visible_meetings(user).where(
        Meeting.group_id.in_(groups), or_(Meeting.minutes.is_(None), Meeting.minutes == ""),
        Meeting.cancelled_at.is_(None), Meeting.ends_at < utcnow() - MINUTES_GRACE
    ).order_by(None).order_by(Meeting.ends_at, Meeting.id)
    return listed(query, _("Minutes to write"), page_url("workinggroups.directory"),
                  lambda m: Need(_item(m, "")["label"], _item(m, "")["url"]))


@needs_you
def requests_to_join(user) -> Needs | None:
    """Chairs: member companies asking to join their groups, oldest request first."""
    groups = _chaired_ids(user)
    if not groups:
        return None
    query = (select(GroupMembership).where(GroupMembership.working_group_id.in_(groups),
                                           GroupMembership.status == "pending")
             .options(joinedload(GroupMembership.organisation),
                      joinedload(GroupMembership.working_group))
             .order_by(GroupMembership.id))
    locale = current_locale()
    return listed(query, _("Requests to join your group"), page_url("workinggroups.directory"),
                  lambda r: Need(f"{r.organisation.name} · {r.working_group.name(locale)}",
                                 page_url("workinggroups.roster", slug=r.working_group.slug)))
