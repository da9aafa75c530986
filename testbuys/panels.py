"""The home page card: test purchases that need the person's organisation."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.authz import can, visible
from portal.dashboard.views import home_panel
from portal.extensions import db

from .lifecycle import STATUS_LABELS
from .models import OPEN_STATUSES, TestPurchase


@home_panel
def open_test_purchases(user) -> dict | None:
    """Open purchases the person may see, soonest first (none for those who cannot take part)."""
    if not can(user, "test_purchase.propose"):
        return None
    rows = db.session.scalars(select(TestPurchase).where(
        visible(user, TestPurchase), TestPurchase.status.in_(OPEN_STATUSES))
        .order_by(TestPurchase.scheduled_for.is_(None), TestPurchase.scheduled_for,
                  TestPurchase.id.desc()).limit(6)).all()
    return {"title": _("Open test purchases"), "url": url_for("testbuys.index"),
            "empty": _("No open test purchases for your organisation."),
            "items": [{"url": url_for("testbuys.show", purchase_id=p.id), "label": p.title,
                       "note": f"{STATUS_LABELS[p.status]}"
                               + (f" · {p.scheduled_for:%Y-%m-%d}" if p.scheduled_for else "")}
                      for p in rows]}
