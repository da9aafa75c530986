"""Who may see and do what with a tip: the sharing levels as access rules.

- The author's organisation and platform staff see a tip in every state.
- Once a tip is accepted, its sharing level widens the audience: `working_group`
  adds the member organisations of the tip's group, `alliance` every member
  organisation. Unvetted tips never circulate: nothing goes live unvetted.
- The secretariat vets nothing and sees no tips (members are competitors).
"""

from typing import Any

from sqlalchemy import and_, false, or_, true

from portal.authz import rule, visibility

from .lifecycle import EDITABLE
from .models import Tip

WIDER_AUDIENCE_STATUSES = ("accepted",)


def _own_side(user: Any, tip: Tip) -> bool:
    return user.is_member_side and tip.organisation_id == user.organisation_id


@rule("tip.view")
def can_view(user: Any, tip: Tip | None) -> bool:
    """The sharing level decides (see the module's note)."""
    if tip is None:
        return False
    if user.is_staff or _own_side(user, tip):
        return True
    if not user.is_member_side or tip.status not in WIDER_AUDIENCE_STATUSES:
        return False
    if tip.sharing == "alliance":
        return True
    return tip.sharing == "working_group" and tip.working_group_id in user.group_ids()


@visibility(Tip)
def visible_tips(user: Any):
    """The same rule as a where-clause for lists, search and exports."""
    if user.is_staff:
        return true()
    if not user.is_member_side:
        return false()
    accepted = Tip.status.in_(WIDER_AUDIENCE_STATUSES)
    return or_(
        Tip.organisation_id == user.organisation_id,
        and_(accepted, Tip.sharing == "alliance"),
        and_(accepted, Tip.sharing == "working_group",
             Tip.working_group_id.in_(sorted(user.group_ids()) or [-1])),
    )


@rule("tip.read_any")
def can_read_any(user: Any, obj: Any = None) -> bool:
    """Whether any tip could ever be shown to the person: the secretariat sees none, by design
    (tips stay between member companies and the platform's staff)."""
    return user.is_staff or user.is_member_side


@rule("tip.create")
def can_create(user: Any, obj: Any = None) -> bool:
    """Member companies share tips."""
    return user.is_member_side


@rule("tip.feedback")
def can_see_feedback(user: Any, tip: Tip | None) -> bool:
    """What a tip achieved: the author's organisation and platform staff."""
    return tip is not None and (user.is_staff or _own_side(user, tip))


@rule("tip.edit")
def can_edit(user: Any, tip: Tip | None) -> bool:
    """The author's organisation edits (and resubmits, withdraws, re-shares) its tips."""
    return tip is not None and _own_side(user, tip)


@rule("tip.edit_now")
def can_edit_now(user: Any, tip: Tip | None) -> bool:
    """Editable by this person in the tip's current state."""
    return can_edit(user, tip) and tip.status in EDITABLE


@rule("tip.review")
def can_review(user: Any, tip: Any = None) -> bool:
    """Only platform staff vet tips."""
    return user.is_staff


@rule("tip.comment")
def can_comment(user: Any, tip: Tip | None) -> bool:
    """Everyone who can see the tip takes part in its conversation."""
    return can_view(user, tip)


@rule("tip.track_record")
def can_see_track_record(user: Any, organisation: Any) -> bool:
    """An organisation's record as a contributor: its own people and platform staff."""
    return organisation is not None and (
        user.is_staff or (user.is_member_side and user.organisation_id == organisation.id))
