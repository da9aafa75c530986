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


# --- Who takes each step of the lifecycle (on a recommendation they can see) -------------


def _chairs_group(user: Any, rec: Any) -> bool:
    return any(g.id == rec.working_group_id for g in user.chaired_groups())


def _chairs_other_group(user: Any, rec: Any) -> bool:
    return any(g.id != rec.working_group_id for g in user.chaired_groups())


def _board_member(user: Any, rec: Any) -> bool:
    return user.is_board_member


def _reviewer(user: Any, rec: Any) -> bool:
    return user.is_admin or user.is_board_member or _chairs_group(user, rec)


def _secretariat(user: Any, rec: Any) -> bool:
    return user.is_admin


def _platform(user: Any, rec: Any) -> bool:
    return user.is_staff


def _platform_or_secretariat(user: Any, rec: Any) -> bool:
    return user.is_staff or user.is_admin


STEP_ACTORS = {
    "edit": _chairs_group, "submit": _chairs_group, "withdraw": _chairs_group,
    "comment": _reviewer, "cosign": _chairs_other_group, "vote": _board_member,
    "endorse": _secretariat, "return": _secretariat, "decline": _secretariat,
    "respond": _platform, "add_milestone": _platform, "report_progress": _platform,
    "complete": _platform, "close": _platform_or_secretariat,
}
for _step, _actor in STEP_ACTORS.items():
    rule(f"recommendation.{_step}")(_actor)


@rule("recommendation.vote_anywhere")
def can_vote_anywhere(user: Any, obj: Any = None) -> bool:
    """A seat on the board: the chairs vote on every group's recommendations."""
    return user.is_board_member


@rule("recommendation.decide_anywhere")
def can_decide_anywhere(user: Any, obj: Any = None) -> bool:
    """The secretariat records the board's decisions on every group's recommendations."""
    return user.is_admin


@rule("recommendation.link")
def can_link(user: Any, rec: Any) -> bool:
    """Linking meetings, tips and purchases: the group's chairs and the secretariat."""
    return rec is not None and (user.is_admin or _chairs_group(user, rec))


@rule("recommendation.see_split")
def can_see_split(user: Any, rec: Any) -> bool:
    """The secretariat records the decision, so it sees a hidden tally's split."""
    return user.is_admin
