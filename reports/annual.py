"""The annual report's content: the year's figures, the year before, what the Advisory
Board was asked and what became of it. One dict, so a published edition freezes it whole."""

from datetime import UTC, datetime

from sqlalchemy import select

from advisory.models import Recommendation, RecommendationEvent
from portal.accounts.models import WorkingGroup
from portal.extensions import db

from . import figures

DECIDED = ("endorse", "return", "decline")


def first_year() -> int:
    """The earliest year a report can cover."""
    return 2000


def latest_year() -> int:
    """The current year: the latest one with any data."""
    return datetime.now(UTC).year


def recommendations(year: int) -> list[dict]:
    """The recommendations the board decided in the year, with their answer and status now."""
    decided = (select(RecommendationEvent.recommendation_id)
               .where(RecommendationEvent.action.in_(DECIDED),
                      figures.within(RecommendationEvent.at, year)))
    rows = db.session.execute(
        select(Recommendation.id, Recommendation.title, Recommendation.status,
               Recommendation.response_outcome, Recommendation.first_submitted_at,
               WorkingGroup.slug, WorkingGroup.name_en, WorkingGroup.name_zh)
        .join(WorkingGroup, WorkingGroup.id == Recommendation.working_group_id)
        .where(Recommendation.id.in_(decided))
        .order_by(Recommendation.first_submitted_at, Recommendation.id)).all()
    return [{"id": r.id, "title": r.title, "status": r.status, "response": r.response_outcome,
             "submitted_at": r.first_submitted_at.isoformat() if r.first_submitted_at else None,
             "group": {"slug": r.slug, "name_en": r.name_en, "name_zh": r.name_zh}}
            for r in rows]


def content(year: int) -> dict:
    """Everything the annual report shows for the year, from the live data."""
    current = figures.alliance(year)
    previous = figures.alliance(year - 1)
    return {"year": year, "figures": current,
            "previous": {key: previous.get(key) for key in (
                "organizations", "countries", "tips", "rules", "hits", "taken_down",
                "test_purchases", "referrals", "board")},
            "year_on_year": figures.year_on_year(current, previous),
            "recommendations": recommendations(year)}
