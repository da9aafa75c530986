"""The tracker on the home page: what awaits a chair's vote or the secretariat's decision,
and the latest recommendations."""

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal.authz import can, visible
from portal.dashboard.needs import Need, Needs, listed, needs_you
from portal.dashboard.views import home_panel
from portal.extensions import db
from portal.models import utcnow

from .board import board_size, quorum
from .lifecycle import STATUS_LABELS
from .models import Recommendation, RecommendationVote


def _need(rec: Recommendation) -> Need:
    return Need(rec.title, url_for("advisory.detail", rec_id=rec.id), rec.review_deadline)


def _under_review(user: Any):
    return select(Recommendation).where(visible(user, Recommendation),
                                        Recommendation.status == "submitted")


@needs_you
def awaiting_my_vote(user: Any) -> Needs | None:
    """Board members: recommendations under review they have not voted on, soonest due first."""
    if not can(user, "recommendation.vote_anywhere"):
        return None
    voted = select(RecommendationVote.recommendation_id).where(
        RecommendationVote.user_id == user.id)
    query = _under_review(user).where(Recommendation.id.not_in(voted)).order_by(
        Recommendation.review_deadline.is_(None), Recommendation.review_deadline,
        Recommendation.id)
    return listed(query, _("Awaiting your vote"),
                  url_for("advisory.index", status="submitted"), _need)


@needs_you
def decisions_to_record(user: Any) -> Needs | None:
    """The secretariat: recommendations whose board reached quorum or whose review closed."""
    if not can(user, "recommendation.decide_anywhere"):
        return None
    votes = (select(func.count(RecommendationVote.id))
             .where(RecommendationVote.recommendation_id == Recommendation.id)
             .correlate(Recommendation).scalar_subquery())
    query = _under_review(user).where(or_(
        votes >= quorum(board_size()), Recommendation.review_deadline < utcnow().date())
    ).order_by(Recommendation.review_deadline.is_(None), Recommendation.review_deadline,
               Recommendation.id)
    return listed(query, _("Board decisions to record"),
                  url_for("advisory.index", status="submitted"), _need)


@home_panel
def advisory_panel(user: Any) -> dict:
    """The five latest recommendations the person may see."""
    rows = db.session.scalars(select(Recommendation).where(visible(user, Recommendation))
                              .order_by(Recommendation.created_at.desc()).limit(5)).all()
    return {"title": _("Advisory Board recommendations"), "url": url_for("advisory.index"),
            "empty": _("No recommendations yet."),
            "items": [{"label": r.title, "url": url_for("advisory.detail", rec_id=r.id),
                       "note": str(STATUS_LABELS[r.status])} for r in rows]}
