"""Access rules of the tracker: drafts are private to the group's chairs; once submitted,
every signed-in member organisation, platform staff and the secretariat may read."""

from typing import Any

from sqlalchemy import or_

from portal.authz import rule, visibility

from .models import Recommendation


@rule("recommendation.view")
def can_view(user: Any, rec: Any) -> bool:
    """Submitted at least once, or the reader chairs the authoring group."""
    if rec is None:
        return False
    if rec.first_submitted_at is not None:
        return True
    return any(g.id == rec.working_group_id for g in user.chaired_groups())


@visibility(Recommendation)
def visible_recommendations(user: Any):
    """The rows can_view allows, as a where-clause."""
    chaired = [g.id for g in user.chaired_groups()]
    return or_(Recommendation.first_submitted_at.is_not(None),
               Recommendation.working_group_id.in_(chaired))


@rule("recommendation.draft")
def can_draft(user: Any, obj: Any = None) -> bool:
    """Chairs and vice-chairs draft recommendations for their groups."""
    return bool(user.chaired_groups())
