"""Who may see and do what to a test purchase (registered with the one access policy)."""

from typing import Any

from sqlalchemy import and_, false, or_, select, true

from portal.authz import rule, visibility

from .lifecycle import JOINABLE
from .models import Participant, TestPurchase


def _oversees(user: Any) -> bool:
    return user.is_staff or user.is_admin


def is_participant(user: Any, purchase: TestPurchase) -> bool:
    """The person's organisation currently takes part."""
    return user.organisation_id in purchase.participant_org_ids()


def in_purchase_group(user: Any, purchase: TestPurchase) -> bool:
    """The person's organisation is a member of the purchase's working group."""
    return (user.is_member_side and purchase.working_group_id is not None
            and purchase.working_group_id in user.group_ids())


def is_lead(user: Any, purchase: TestPurchase) -> bool:
    """The person belongs to the lead organisation: the proposer's."""
    return purchase.proposer_org_id == user.organisation_id


@rule("test_purchase.view")
def can_view(user: Any, purchase: TestPurchase | None) -> bool:
    """Participants, the lead organisation, the purchaser, platform staff and admins; while
    it is open to joining (proposed, scheduled), the member organisations of its group."""
    if purchase is None:
        return False
    return (_oversees(user) or is_participant(user, purchase) or is_lead(user, purchase)
            or purchase.purchaser_id == user.id
            or (purchase.status in JOINABLE and in_purchase_group(user, purchase)))


@visibility(TestPurchase)
def visible_purchases(user: Any):
    """The rows can_view allows, as a where-clause."""
    if _oversees(user):
        return true()
    taking_part = select(Participant.purchase_id).where(
        Participant.organisation_id == user.organisation_id, Participant.left_at.is_(None),
        Participant.status == "active")
    groups = user.group_ids() if user.is_member_side else set()
    open_in_group = and_(TestPurchase.status.in_(JOINABLE),
                         TestPurchase.working_group_id.in_(groups)) if groups else false()
    return or_(TestPurchase.id.in_(taking_part),
               TestPurchase.proposer_org_id == user.organisation_id,
               TestPurchase.purchaser_id == user.id, open_in_group)


@rule("test_purchase.propose")
def can_propose(user: Any, obj: Any = None) -> bool:
    """Member companies from their own enforcement, platform staff from analytics or hits."""
    return user.is_member_side or user.is_staff


@rule("test_purchase.check_target")
def can_check_target(user: Any, obj: Any = None) -> bool:
    """Whoever may propose may learn that a seller is already targeted."""
    return can_propose(user)


def _row_of(user: Any, purchase: TestPurchase):
    return next((p for p in purchase.participants if p.organisation_id == user.organisation_id),
                None)


def joinable_group_ids(user: Any) -> set[int]:
    """The working groups whose open purchases the person's company may join: its own, for
    a member company; none for the platform and the secretariat, who steer, not join."""
    return user.group_ids() if user.is_member_side else set()


@rule("test_purchase.join")
def can_join(user: Any, purchase: TestPurchase | None) -> bool:
    """A member company of the purchase's working group, not yet taking part, joins at once
    while nothing has been bought."""
    return (purchase is not None and user.is_member_side and purchase.status in JOINABLE
            and not is_participant(user, purchase) and in_purchase_group(user, purchase))


@rule("test_purchase.request_join")
def can_request_join(user: Any, purchase: TestPurchase | None) -> bool:
    """Any other member company asks to join (the lead organisation or staff decide); one
    that was declined does not ask again."""
    if purchase is None or not user.is_member_side or purchase.status not in JOINABLE:
        return False
    if is_participant(user, purchase) or in_purchase_group(user, purchase):
        return False
    row = _row_of(user, purchase)
    return row is None or row.status != "declined"


@rule("test_purchase.steer")
def can_steer(user: Any, purchase: TestPurchase | None) -> bool:
    """Schedule, name the purchaser, record order and receipt, close, cancel, decide on
    join requests: the lead organisation (the proposer's) and platform staff."""
    return purchase is not None and user.is_active and (
        user.is_staff or (user.is_member_side and is_lead(user, purchase)))


@rule("test_purchase.leave")
def can_leave(user: Any, purchase: TestPurchase | None) -> bool:
    """A participant, before the order is placed."""
    return purchase is not None and purchase.status in JOINABLE and is_participant(user, purchase)


@rule("test_purchase.act")
def can_act(user: Any, purchase: TestPurchase | None) -> bool:
    """Work on the purchase (evidence, the referral dossier): participants, the purchaser,
    platform staff and admins."""
    return purchase is not None and (_oversees(user) or is_participant(user, purchase)
                                     or purchase.purchaser_id == user.id)


@rule("test_purchase.authenticate")
def can_authenticate(user: Any, purchase: TestPurchase | None) -> bool:
    """The brand owner: a person of a participating member organisation, for its own item."""
    return purchase is not None and user.is_member_side and is_participant(user, purchase)


@rule("test_purchase.give_verdict")
def can_give_verdict(user: Any, purchase: TestPurchase | None) -> bool:
    """Now: the goods arrived and the person's organisation has not given its verdict yet."""
    return (can_authenticate(user, purchase) and purchase.status == "received"
            and all(a.organisation_id != user.organisation_id for a in purchase.authentications))


@rule("test_purchase.oversee")
def can_oversee(user: Any, obj: Any = None) -> bool:
    """Platform staff and the secretariat see every purchase and every ledger position."""
    return _oversees(user)


@rule("test_purchase.take_part")
def can_take_part(user: Any, obj: Any = None) -> bool:
    """Member companies take part in (and pay for) test purchases; others only run them."""
    return user.is_member_side


@rule("test_purchase.order_any")
def can_order_any(user: Any, obj: Any = None) -> bool:
    """Platform staff place the orders of scheduled purchases across the alliance."""
    return user.is_staff


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
