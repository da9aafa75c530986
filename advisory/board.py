"""The Advisory Board: who sits on it, quorum, the vote tally and reminders to vote.

The board is the current chairs of the working groups (vice-chairs do not vote), one vote per
person, changeable until the board's decision is recorded.
"""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from portal.accounts.models import ChairPosition, Organisation, User
from portal.authz import can
from portal.extensions import db
from portal.models import utcnow

from .lifecycle import DECIDED
from .models import Recommendation


def board_members(today: date | None = None) -> list[User]:
    """Active people holding a chair (not vice-chair) position today, by name."""
    today = today or utcnow().date()
    # Ids first: PostgreSQL cannot DISTINCT whole user rows (they carry a JSON column).
    chairs = select(ChairPosition.user_id).where(
        ChairPosition.title == "chair", ChairPosition.starts_on <= today,
        or_(ChairPosition.ends_on.is_(None), ChairPosition.ends_on > today))
    query = select(User).where(User.id.in_(chairs))
    return sorted((u for u in db.session.scalars(query) if u.is_active), key=lambda u: u.name)


def board_size(today: date | None = None) -> int:
    """How many people board_members() lists, counted in one statement."""
    today = today or utcnow().date()
    chairs = select(ChairPosition.user_id).where(
        ChairPosition.title == "chair", ChairPosition.starts_on <= today,
        or_(ChairPosition.ends_on.is_(None), ChairPosition.ends_on > today))
    return db.session.scalar(select(func.count(User.id)).join(User.organisation).where(
        User.id.in_(chairs), User.is_active_flag, Organisation.is_active))


def quorum(board_size: int) -> int:
    """Votes needed for the board to decide: ADVISORY_QUORUM, or a majority of the board."""
    configured = current_app.config.get("ADVISORY_QUORUM")
    if configured:
        return int(configured)
    return board_size // 2 + 1


@dataclass
class Tally:
    """How the board stands on a recommendation, as a reader may see it."""

    voted: int
    board: int
    quorum: int
    quorum_reached: bool
    hidden: bool
    support: int | None
    object: int | None
    abstain: int | None
    mine: str | None

    def as_dict(self) -> dict:
        """For the API."""
        return asdict(self)


def tally(rec: Recommendation, viewer: Any = None) -> Tally:
    """The count of votes; the split is hidden until the decision if the tally is hidden,
    except from the secretariat, who records the decision."""
    size = len(board_members())
    need = quorum(size)
    counts = {"support": 0, "object": 0, "abstain": 0}
    mine = None
    for vote in rec.votes:
        counts[vote.position] += 1
        if viewer is not None and vote.user_id == viewer.id:
            mine = vote.position
    hidden = rec.hide_tally and rec.status not in DECIDED and rec.status != "returned" and not (
        viewer is not None and can(viewer, "recommendation.see_split", rec))
    shown = {k: (None if hidden else v) for k, v in counts.items()}
    voted = len(rec.votes)
    return Tally(voted=voted, board=size, quorum=need, quorum_reached=voted >= need,
                 hidden=hidden, mine=mine, **shown)


@dataclass
class Ballot:
    """One chair's vote with the comment given with it."""

    voter: str
    position: str
    comment: str
    cast_at: Any


def ballots(rec: Recommendation, viewer: Any = None) -> list[Ballot] | None:
    """Each chair's vote and comment, by name; None while the reader may not see the split."""
    if tally(rec, viewer).hidden:
        return None
    rows = sorted(rec.votes, key=lambda v: (v.user.name, v.id))
    return [Ballot(voter=v.user.name, position=v.position, comment=v.comment or "",
                   cast_at=v.cast_at) for v in rows]


def non_voters(rec: Recommendation) -> list[User]:
    """Board members who have not voted on the recommendation."""
    voted = {v.user_id for v in rec.votes}
    return [u for u in board_members() if u.id not in voted]


def due_for_reminder(today: date, days_before: int) -> list[Recommendation]:
    """Recommendations under review whose deadline is within `days_before` days and whose
    chairs were not yet reminded today."""
    query = select(Recommendation).where(
        Recommendation.status == "submitted", Recommendation.review_deadline.is_not(None),
        Recommendation.review_deadline >= today,
        or_(Recommendation.last_reminded_on.is_(None), Recommendation.last_reminded_on < today))
    return [r for r in db.session.scalars(query)
            if (r.review_deadline - today).days <= days_before]
