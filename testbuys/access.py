"""Who may see and do what to a test purchase (registered with the one access policy)."""

from typing import Any

from sqlalchemy import or_, select, true

from portal.authz import rule, visibility

from .lifecycle import JOINABLE
from .models import Participant, TestPurchase


def _oversees(user: Any) -> bool:
    return user.is_staff or user.is_admin


def is_participant(user: Any, purchase: TestPurchase) -> bool:
    """The person's organisation currently takes part."""
    return user.organisation_id in purchase.participant_org_ids()


@rule("test_purchase.view")
def can_view(user: Any, purchase: TestPurchase | None) -> bool:
    """Participants, the proposer's organisation, the purchaser, platform staff and admins."""
    if purchase is None:
        return False
    return (_oversees(user) or is_participant(user, purchase)
            or purchase.proposer_org_id == user.organisation_id
            or purchase.purchaser_id == user.id)


@visibility(TestPurchase)
def visible_purchases(user: Any):
    """The rows can_view allows, as a where-clause."""
    if _oversees(user):
        return true()
    taking_part = select(Participant.purchase_id).where(
        Participant.organisation_id == user.organisation_id, Participant.left_at.is_(None))
    return or_(TestPurchase.id.in_(taking_part),
               TestPurchase.proposer_org_id == user.organisation_id,
               TestPurchase.purchaser_id == user.id)


@rule("test_purchase.propose")
def can_propose(user: Any, obj: Any = None) -> bool:
    """Member companies from their own enforcement, platform staff from analytics or hits."""
    return user.is_member_side or user.is_staff


@rule("test_purchase.check_target")
def can_check_target(user: Any, obj: Any = None) -> bool:
    """Whoever may propose may learn that a seller is already targeted."""
    return can_propose(user)


@rule("test_purchase.join")
def can_join(user: Any, purchase: TestPurchase | None) -> bool:
    """A member company not yet taking part, while nothing has been bought."""
    return (purchase is not None and user.is_member_side and purchase.status in JOINABLE
            and not is_participant(user, purchase))


@rule("test_purchase.leave")
def can_leave(user: Any, purchase: TestPurchase | None) -> bool:
    """A participant, before the order is placed."""
    return purchase is not None and purchase.status in JOINABLE and is_participant(user, purchase)


@rule("test_purchase.act")
def can_act(user: Any, purchase: TestPurchase | None) -> bool:
    """Run the purchase: participants, the purchaser, platform staff and admins."""
    return purchase is not None and (_oversees(user) or is_participant(user, purchase)
                                     or purchase.purchaser_id == user.id)


@rule("test_purchase.authenticate")
def can_authenticate(user: Any, purchase: TestPurchase | None) -> bool:
    """The brand owner: a person of a participating member organisation."""
    return purchase is not None and user.is_member_side and is_participant(user, purchase)


@rule("test_purchase.oversee")
def can_oversee(user: Any, obj: Any = None) -> bool:
    """Platform staff and the secretariat see every purchase and every ledger position."""
    return _oversees(user)


@rule("test_purchase.take_part")
def can_take_part(user: Any, obj: Any = None) -> bool:
    """Member companies take part in (and pay for) test purchases; others only run them."""
    return user.is_member_side


@rule("test_purchase.propose_from_hit")
def can_propose_from_hit(user: Any, obj: Any = None) -> bool:
    """A rule hit's verdict feeds another company's tip and the rule corpus: only platform
    staff, who see the hits, propose from one."""
    return user.is_staff


@rule("test_purchase.buy")
def can_buy(user: Any, purchase: TestPurchase | None) -> bool:
    """The purchaser: an active person of platform staff or of a participating organisation."""
    return purchase is not None and user.is_active and (
        user.is_staff or is_participant(user, purchase))


@rule("test_purchase.name_payer")
def can_name_payer(user: Any, purchase: TestPurchase | None) -> bool:
    """Who may say which organisation paid: the purchaser, platform staff and admins."""
    return purchase is not None and (_oversees(user) or (
        purchase.purchaser_id is not None and purchase.purchaser_id == user.id))


@rule("test_purchase.ledger")
def can_see_ledger(user: Any, obj: Any = None) -> bool:
    """Member companies see their own position; staff and admins see everyone's."""
    return user.is_member_side or _oversees(user)
