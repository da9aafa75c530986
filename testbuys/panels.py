"""Test purchases on the home page: what the person's organisation (or staff) must do next,
and the open purchases."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.authz import can, visible
from portal.dashboard.needs import Need, Needs, day, listed, needs_you
from portal.dashboard.views import home_panel
from portal.extensions import db

from .lifecycle import STATUS_LABELS
from .models import OPEN_STATUSES, Authentication, Participant, TestPurchase


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


def _need(purchase: TestPurchase, due=None) -> Need:
    return Need(purchase.title, url_for("testbuys.show", purchase_id=purchase.id), day(due))


@needs_you
def purchases_to_schedule(user) -> Needs | None:
    """The lead organisation: its proposed purchases still without a date, oldest first."""
    if not can(user, "test_purchase.take_part"):
        return None
    query = (select(TestPurchase).where(visible(user, TestPurchase),
                                        TestPurchase.status == "proposed",
                                        TestPurchase.proposer_org_id == user.organisation_id)
             .order_by(TestPurchase.created_at, TestPurchase.id))
    return listed(query, _("Test purchases your organisation leads, to schedule"),
                  url_for("testbuys.index"), _need)


@needs_you
def purchases_to_authenticate(user) -> Needs | None:
    """Participating brands: received items still waiting for their own verdict."""
    if not can(user, "test_purchase.take_part"):
        return None
    taking_part = select(Participant.purchase_id).where(
        Participant.organisation_id == user.organisation_id, Participant.left_at.is_(None),
        Participant.status == "active")
    judged = select(Authentication.purchase_id).where(
        Authentication.organisation_id == user.organisation_id)
    query = (select(TestPurchase).where(visible(user, TestPurchase),
                                        TestPurchase.status == "received",
                                        TestPurchase.id.in_(taking_part),
                                        TestPurchase.id.not_in(judged))
             .order_by(TestPurchase.received_at, TestPurchase.id))
    return listed(query, _("Items received: your brand's verdict is missing"),
                  url_for("testbuys.index"), _need)


@needs_you
def purchases_to_order(user) -> Needs | None:
    """Staff: scheduled purchases to place, the soonest date first."""
    if not can(user, "test_purchase.order_any"):
        return None
    query = (select(TestPurchase).where(visible(user, TestPurchase),
                                        TestPurchase.status == "scheduled")
             .order_by(TestPurchase.scheduled_for, TestPurchase.id))
    return listed(query, _("Scheduled test purchases to order"), url_for("testbuys.index"),
                  lambda p: _need(p, p.scheduled_for))
