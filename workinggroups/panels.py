"""Cards on the home page: the person's next meetings; for chairs, meetings missing minutes."""

from flask_babel import gettext as _

from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.i18n import current_locale
from portal.models import utcnow
from portal.urls import page_url

from .access import sees_some_group
from .meetings.models import Meeting
from .meetings.services import overdue_for_chair, visible_meetings


def _item(m: Meeting, note: str) -> dict:
    return {"label": f"{m.title} · {m.group.name(current_locale())}",
            "url": page_url("workinggroups.meeting", slug=m.group.slug, meeting_id=m.id),
            "note": note}


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


@home_panel
def missing_minutes(user) -> dict | None:
    """For chairs: meetings still without minutes a day after they ended."""
    rows = overdue_for_chair(user)
    if not rows:
        return None
    return {"title": _("Minutes to write"), "url": page_url("workinggroups.directory"),
            "items": [_item(m, _("ended %(day)s", day=f"{m.ends_at:%Y-%m-%d}")) for m in rows],
            "empty": ""}
