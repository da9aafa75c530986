"""Scanning on the home page: feed files that failed, for the staff who upload them."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from portal.authz import can
from portal.dashboard.needs import Need, Needs, listed, needs_you
from portal.models import utcnow
from portal.urls import page_url

from .models import FeedUpload


@needs_you
def failed_feeds(user) -> Needs | None:
    """Staff: recent feeds that failed and were not since scanned again successfully."""
    if not can(user, "staff"):
        return None
    again = aliased(FeedUpload)
    rescanned = exists().where(and_(again.filename == FeedUpload.filename,
                                    again.id > FeedUpload.id, again.status == "done"))
    since = utcnow() - timedelta(days=current_app.config["QUEQIAO_FAILED_FEED_DAYS"])
    query = (select(FeedUpload).where(FeedUpload.status == "failed",
                                      FeedUpload.created_at >= since, ~rescanned)
             .order_by(FeedUpload.id.desc()))
    return listed(query, _l("Feeds that failed"), page_url("queqiao_scanning.feeds"),
                  lambda f: Need(f"{f.filename} · {f.error[:80]}" if f.error else f.filename,
                                 page_url("queqiao_scanning.feed_page", feed_id=f.id)))
