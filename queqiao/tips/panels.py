"""The tip exchange on the home page: tips to vet (staff) or to answer (the author's
organisation), and a member organisation's latest tips."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.authz import can, visible
from portal.dashboard.needs import Need, Needs, listed, needs_you
from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.urls import page_url

from .lifecycle import STATUS_LABELS
from .models import Tip


def _item(tip: Tip, note) -> dict:
    return {"label": tip.title, "url": page_url("queqiao.tip_detail", tip_id=tip.id),
            "note": note}


@home_panel
def tips_panel(user) -> dict | None:
    """Member companies see their organisation's latest tips (staff, the queue in "Needs you")."""
    if not can(user, "member_side"):
        return None
    tips = db.session.scalars(select(Tip).where(Tip.organisation_id == user.organisation_id)
                              .order_by(Tip.updated_at.desc()).limit(5)).all()
    return {"title": _l("Your organisation's tips"), "url": page_url("queqiao.tips", mine=1),
            "items": [_item(t, STATUS_LABELS[t.status]) for t in tips],
            "empty": _l("You have not shared a tip yet.")}


def _need(tip: Tip) -> Need:
    return Need(tip.title, page_url("queqiao.tip_detail", tip_id=tip.id))


@needs_you
def tips_to_vet(user) -> Needs | None:
    """Staff: submitted tips waiting to be vetted, the longest waiting first."""
    if not can(user, "tip.review"):
        return None
    query = (select(Tip).where(visible(user, Tip), Tip.status == "submitted")
             .order_by(Tip.submitted_at, Tip.id))
    return listed(query, _l("Tips waiting to be vetted"), page_url("queqiao.vetting"), _need)


@needs_you
def tips_to_answer(user) -> Needs | None:
    """The author's organisation: tips the platform's staff sent back asking for more."""
    if not can(user, "tip.create"):
        return None
    query = (select(Tip).where(visible(user, Tip), Tip.status == "needs_info",
                               Tip.organisation_id == user.organisation_id)
             .order_by(Tip.decided_at, Tip.id))
    return listed(query, _l("Tips where staff asked for more information"),
                  page_url("queqiao.tips", mine=1, status="needs_info"),
                  _need)
