"""Reminders: to the purchaser before the scheduled day, to brands when authentication is due."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.authz import can
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.urls import page_url

from .models import TestPurchase
from .services import audience


def send_reminders() -> dict[str, int]:
    """Send each reminder once; returns how many purchases were reminded of what."""
    now = utcnow()
    soon = now + timedelta(hours=current_app.config["TESTBUY_REMIND_HOURS"])
    due = now - timedelta(days=current_app.config["TESTBUY_AUTH_DUE_DAYS"])
    sent = {"purchaser": 0, "authentication": 0}
    for p in db.session.scalars(select(TestPurchase).where(
            TestPurchase.status == "scheduled", TestPurchase.reminded_at.is_(None),
            TestPurchase.scheduled_for <= soon, TestPurchase.scheduled_for >= now)):
        notify([p.purchaser], "test_purchase.status",
               _l("Reminder: you buy from %(seller)s on %(day)s", seller=p.seller_id,
                  day=p.scheduled_for.date().isoformat()),
               page_url("testbuys.show", purchase_id=p.id), obj=p,
               view_rule="test_purchase.view", email=True, purchase_id=p.id, status=p.status)
        p.reminded_at = now
        sent["purchaser"] += 1
    for p in db.session.scalars(select(TestPurchase).where(
            TestPurchase.status == "received", TestPurchase.auth_reminded_at.is_(None),
            TestPurchase.received_at <= due)):
        brands = [u for u in audience(p) if can(u, "test_purchase.authenticate", p)]
        notify(brands, "test_purchase.status",
               _l("Authentication overdue for the test purchase of %(seller)s",
                  seller=p.seller_id),
               page_url("testbuys.show", purchase_id=p.id), obj=p,
               view_rule="test_purchase.view", email=True, purchase_id=p.id, status=p.status)
        p.auth_reminded_at = now
        sent["authentication"] += 1
    db.session.commit()
    return sent
