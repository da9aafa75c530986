"""The staff home page card: the newest hits, updated live."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal.authz import can
from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.urls import page_url


@home_panel
def latest_hits(user) -> dict | None:
    """Platform staff see the newest hits of active and shadow rules."""
    if not can(user, "staff"):
        return None
    from queqiao.scanning.models import Hit

    hits = db.session.scalars(select(Hit).order_by(Hit.id.desc()).limit(8)).all()
    return {
        "title": _("Latest rule hits"),
        "url": page_url("queqiao_scanning.hits"),
        "empty": _("No hits yet. Upload a feed or scan listings through the API."),
        "items": [{"label": hit.title[:80], "url": page_url("queqiao_scanning.hit", hit_id=hit.id),
                   "note": _("rule %(id)d · %(mode)s", id=hit.rule_id,
                             mode=_("active") if hit.mode == "active" else _("shadow"))}
                  for hit in hits],
    }
