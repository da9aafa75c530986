"""The tip exchange's card on the home page: the queue for staff, own tips for members."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.authz import can
from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.urls import page_url

from .lifecycle import STATUS_LABELS
from .models import Tip
from .queries import vetting_queue


def _item(tip: Tip, note) -> dict:
    return {"label": tip.title, "url": page_url("queqiao.tip_detail", tip_id=tip.id),
            "note": note}


@home_panel
def tips_panel(user) -> dict | None:
    """Staff see what waits for vetting; members their organisation's latest tips."""
    if can(user, "tip.review"):
        entries = vetting_queue(user)[:5]
        return {"title": _l("Tips waiting for vetting"), "url": page_url("queqiao.vetting"),
                "items": [_item(e.tip, e.tip.organisation.name) for e in entries],
                "empty": _l("Nothing waits for vetting.")}
    if not can(user, "member_side"):
        return None
    tips = db.session.scalars(select(Tip).where(Tip.organisation_id == user.organisation_id)
                              .order_by(Tip.updated_at.desc()).limit(5)).all()
    return {"title": _l("Your organisation's tips"), "url": page_url("queqiao.tips", mine=1),
            "items": [_item(t, STATUS_LABELS[t.status]) for t in tips],
            "empty": _l("You have not shared a tip yet.")}
