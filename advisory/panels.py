"""The tracker's panel on the home page: what awaits a chair's vote, or the latest steps."""

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.authz import can, visible
from portal.dashboard.views import home_panel
from portal.extensions import db

from .lifecycle import STATUS_LABELS
from .models import Recommendation, RecommendationVote


@home_panel
def advisory_panel(user: Any) -> dict:
    """Board members see what awaits their vote; everyone else the five latest recommendations."""
    query = select(Recommendation).where(visible(user, Recommendation))
    if can(user, "recommendation.vote_anywhere"):
        voted = select(RecommendationVote.recommendation_id).where(
            RecommendationVote.user_id == user.id)
        rows = db.session.scalars(query.where(Recommendation.status == "submitted",
                                              Recommendation.id.not_in(voted))
                                  .order_by(Recommendation.review_deadline)).all()
        return {"title": _("Awaiting your vote"), "url": url_for("advisory.index"),
                "empty": _("No recommendation awaits your vote."),
                "items": [{"label": r.title, "url": url_for("advisory.detail", rec_id=r.id),
                           "note": _("by %(date)s", date=r.review_deadline.isoformat())
                           if r.review_deadline else ""} for r in rows]}
    rows = db.session.scalars(query.order_by(Recommendation.created_at.desc()).limit(5)).all()
    return {"title": _("Advisory Board recommendations"), "url": url_for("advisory.index"),
            "empty": _("No recommendations yet."),
            "items": [{"label": r.title, "url": url_for("advisory.detail", rec_id=r.id),
                       "note": str(STATUS_LABELS[r.status])} for r in rows]}
