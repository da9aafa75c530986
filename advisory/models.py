"""Recommendations of the working groups to the Advisory Board, and what became of them."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow

CATEGORIES = ("policy", "enforcement", "proactive_monitoring", "offline_investigation",
              "litigation", "ip_protection", "other")
VOTE_POSITIONS = ("support", "object", "abstain")
DECISIONS = ("endorsed", "returned", "declined")
RESPONSES = ("accepted", "partially_accepted", "declined")


class Recommendation(db.Model):
    """A working group's recommendation, from draft to the platform's answer and its delivery."""

    __tablename__ = "recommendations"
    # recommendation.view reads the row's own columns and the reader's chaired groups.
    view_rule_reads = ()
    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    hide_tally: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # first submission: from then on every member organisation may read it
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_deadline: Mapped[date | None] = mapped_column(Date)
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    response_outcome: Mapped[str | None] = mapped_column(String(30))
    response_rationale: Mapped[str] = mapped_column(Text, default="")

    working_group: Mapped[WorkingGroup] = relationship()
    author: Mapped[User] = relationship()
    events: Mapped[list["RecommendationEvent"]] = relationship(
        back_populates="recommendation", order_by="RecommendationEvent.id")
    votes: Mapped[list["RecommendationVote"]] = relationship(back_populates="recommendation")
    comments: Mapped[list["RecommendationComment"]] = relationship(
        order_by="RecommendationComment.id")
    cosigns: Mapped[list["RecommendationCosign"]] = relationship(
        order_by="RecommendationCosign.id")
    milestones: Mapped[list["RecommendationMilestone"]] = relationship(
        order_by="RecommendationMilestone.id")
    links: Mapped[list["RecommendationLink"]] = relationship(order_by="RecommendationLink.id")

    @property
    def progress(self) -> int:
        """Implementation progress: the mean of the milestones' progress (0 without any)."""
        if not self.milestones:
            return 0
        return round(sum(m.progress for m in self.milestones) / len(self.milestones))

    @property
    def year(self) -> int:
        """The year the recommendation was first submitted (or drafted)."""
        return (self.first_submitted_at or self.created_at).year


class RecommendationEvent(db.Model):
    """One dated, attributed step of a recommendation's life (append-only)."""

    __tablename__ = "recommendation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    recommendation: Mapped[Recommendation] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


class RecommendationVote(db.Model):
    """A board member's vote: one each, changeable until the board decides."""

    __tablename__ = "recommendation_votes"
    __table_args__ = (UniqueConstraint("recommendation_id", "user_id",
                                       name="uq_recommendation_votes_voter"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    position: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="votes")
    user: Mapped[User] = relationship()


class RecommendationComment(db.Model):
    """A remark made during board review."""

    __tablename__ = "recommendation_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class RecommendationCosign(db.Model):
    """Another working group backing the recommendation."""

    __tablename__ = "recommendation_cosigns"
    __table_args__ = (UniqueConstraint("recommendation_id", "working_group_id",
                                       name="uq_recommendation_cosigns_group"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    working_group: Mapped[WorkingGroup] = relationship()
    by: Mapped[User] = relationship()


class RecommendationMilestone(db.Model):
    """A step of the platform's implementation, with a target date and progress."""

    __tablename__ = "recommendation_milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecommendationFollower(db.Model):
    """Someone who asked to hear of every step."""

    __tablename__ = "recommendation_followers"
    __table_args__ = (UniqueConstraint("recommendation_id", "user_id",
                                       name="uq_recommendation_followers_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class RecommendationLink(db.Model):
    """A pointer to a meeting, tip or test purchase behind the recommendation."""

    __tablename__ = "recommendation_links"
    __table_args__ = (UniqueConstraint("recommendation_id", "kind", "ref",
                                       name="uq_recommendation_links_target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(100))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
