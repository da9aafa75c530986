"""Test purchases: propose, join, schedule, order, receive, authenticate, close, cancel.

Services take plain values, enforce the rules of the domain, write the audit and
custody logs, and notify participants after commit. Pages, API and CLI share them.
"""

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from portal import parsing
from portal.accounts.groups import group_by_slug
from portal.accounts.models import Organisation, User
from portal.audit.services import record
from portal.authz import can, require, require_visible
from portal.conditional import claim
from portal.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.parsing import collect
from portal.transaction import atomic
from portal.urls import page_url

from . import hooks
from .evidence import append_custody, store_evidence
from .lifecycle import JOINABLE, LIFECYCLE, VERDICT_LABELS
from .models import (
    MAX_AMOUNT,
    SOURCE_KINDS,
    VERDICTS,
    Authentication,
    Evidence,
    Participant,
    TestPurchase,
)
from .shares import allocate

MAX_WEIGHT = 1000


class DuplicateTarget(Conflict):
    """Another open purchase already targets this platform and seller."""

    code = "duplicate_target"


# --- reading ----------------------------------------------------------------------


def get_purchase(purchase_id: int, user: Any) -> TestPurchase:
    """The purchase if the user may see it; 404 otherwise."""
    purchase = db.session.get(TestPurchase, purchase_id)
    return require_visible("test_purchase.view", purchase, user=user)


def open_purchase_for(platform: str, seller_id: str) -> TestPurchase | None:
    """The open purchase targeting this seller, if any."""
    return db.session.scalar(select(TestPurchase).where(
        TestPurchase.platform == platform.strip(), TestPurchase.seller_id == seller_id.strip(),
        TestPurchase.status.notin_(("closed", "cancelled"))))


def shares(purchase: TestPurchase) -> dict[int, int]:
    """Organisation id -> its share of the cost (or budget), summing exactly to it."""
    total = purchase.cost_amount if purchase.cost_amount is not None else purchase.budget_amount
    weights = {p.organisation_id: p.weight for p in purchase.active_participants}
    if total is None or not weights:
        return {}
    return allocate(total, weights)


def payer_org_id(purchase: TestPurchase) -> int | None:
    """Who is owed the cost: paid_by, else the purchaser's organisation."""
    if purchase.paid_by_org_id:
        return purchase.paid_by_org_id
    return purchase.purchaser.organisation_id if purchase.purchaser else None


# --- validation helpers -------------------------------------------------------------


def _text(value: Any, field: str, errors: dict, *, required: bool = False, max_length: int = 200,
          ) -> str:
    return collect(errors, parsing.text, value, field, required=required,
                   max_length=max_length) or ""


def _weight(value: Any, errors: dict, field: str = "weight") -> int:
    if value is None or value == "":
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT:
        errors[field] = _("A weight is a whole number from 1 to %(n)d.", n=MAX_WEIGHT)
        return 1
    return value


def _positive_money(value: tuple[int, str] | None, field: str, errors: dict,
                    required: bool = False) -> tuple[int | None, str]:
    if value is None:
        if required:
            errors[field] = _("This field is required.")
        return None, "CNY"
    amount, currency = value
    return collect(errors, parsing.bounded_amount, amount, field, allow_zero=False), currency


as_id = parsing.identifier


def _raise(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors)


# --- proposing and joining -------------------------------------------------------------


@atomic
def propose(actor: User, *, platform: Any, seller_id: Any, listing_url: Any = "",
            working_group: Any = None, reason: Any = "", budget: tuple[int, str] | None = None,
            source_kind: Any = "member", source_ref: Any = "", weight: Any = 1) -> TestPurchase:
    """Propose a target; a member organisation becomes its first participant.

    Raises DuplicateTarget (409, with existing_id) while another open purchase
    targets the same platform and seller; the database enforces it under races.
    """
    require("test_purchase.propose", user=actor)
    errors: dict[str, str] = {}
    platform = _text(platform, "platform", errors, required=True, max_length=60)
    seller_id = _text(seller_id, "seller_id", errors, required=True, max_length=120)
    listing_url = collect(errors, parsing.web_address, listing_url, "listing_url",
                          max_length=500) or ""
    reason = _text(reason, "reason", errors, max_length=5000)
    source_kind = source_kind or ("member" if can(actor, "test_purchase.take_part") else "analytics")
    if source_kind not in SOURCE_KINDS:
        errors["source"] = _("The source is one of: %(kinds)s.", kinds=", ".join(SOURCE_KINDS))
    elif source_kind == "rule_hit" and not can(actor, "test_purchase.propose_from_hit"):
        errors["source"] = _("Only platform staff propose a test purchase from a rule hit.")
    source_ref = _text(source_ref if source_ref is None or isinstance(source_ref, str)
                       else str(source_ref), "source", errors, max_length=200)
    weight = _weight(weight, errors)
    group = None
    if working_group:
        slug = working_group if isinstance(working_group, str) else ""
        group = group_by_slug(slug) if slug and "\x00" not in slug else None
        if group is None:
            errors["working_group"] = _("No working group with this name.")
    budget_amount, currency = _positive_money(budget, "budget", errors)
    _raise(errors)
    existing = open_purchase_for(platform, seller_id)
    if existing is not None:
        raise _duplicate(existing)
    now = utcnow()
    purchase = TestPurchase(
        platform=platform, seller_id=seller_id, listing_url=listing_url,
        working_group_id=group.id if group else None, reason=reason, currency=currency,
        budget_amount=budget_amount, source_kind=source_kind, source_ref=source_ref,
        status="proposed", proposed_by_id=actor.id, proposer_org_id=actor.organisation_id,
        created_at=now, updated_at=now)
    db.session.add(purchase)
    try:
        db.session.flush()
    except IntegrityError:
        # Another company won the race between our check and our insert.
        db.session.rollback()
        existing = open_purchase_for(platform, seller_id)
        raise _duplicate(existing) from None
    if can(actor, "test_purchase.take_part"):
        db.session.add(Participant(purchase_id=purchase.id, organisation_id=actor.organisation_id,
                                   weight=weight, joined_at=now))
    append_custody(purchase, actor, "propose", what=f"{platform} / {seller_id}", why=reason)
    record(actor, "test_purchase.propose", purchase, f"Proposed {purchase.title}",
           source_kind=source_kind, source_ref=source_ref)
    db.session.commit()
    return purchase


def _duplicate(existing: TestPurchase | None) -> Conflict:
    if existing is None:  # the winner was cancelled in between: simply try again
        return Conflict(_("Another proposal for this seller was made at the same moment; "
                          "please try again."), code="duplicate_target")
    return DuplicateTarget(
        _("An open test purchase (#%(id)d) already targets this seller; join it instead.",
          id=existing.id), existing_id=existing.id,
        join_url=page_url("testbuys.show", purchase_id=existing.id))


def _claim(purchase: TestPurchase, **values: Any) -> None:
    """One conditional write (`portal.conditional.claim`): the purchase moves only from the
    version it was read at; of two simultaneous transitions the loser gets 409 and its
    transaction is rolled back by @atomic."""
    claim(purchase, version=purchase.version + 1, **values,
          message=lambda: _("Someone else changed this test purchase at the same moment; "
                            "reload it and try again."))


def _row_of(purchase: TestPurchase, org_id: int) -> Participant | None:
    return next((p for p in purchase.participants if p.organisation_id == org_id), None)


def join_share(purchase: TestPurchase, org_id: int, weight: int = 1) -> int | None:
    """What an organisation would pay of the budget (or cost) if it joined with `weight`."""
    total = purchase.cost_amount if purchase.cost_amount is not None else purchase.budget_amount
    if total is None:
        return None
    weights = {p.organisation_id: p.weight for p in purchase.active_participants}
    weights[org_id] = weight
    return allocate(total, weights)[org_id]


@atomic
def join(actor: User, purchase_id: int, weight: Any = 1) -> Participant:
    """The actor's organisation joins an open purchase and shares the cost by weight.

    A member organisation of the purchase's working group joins at once (the row is
    `active`); any other member organisation only asks (`requested`) and joins once the
    lead organisation or platform staff approve.
    """
    purchase = db.session.get(TestPurchase, purchase_id)
    # The bare fact that an open purchase targets a seller is public to proposers, so
    # asking to join one does not need to see it first. Beyond that fact an unseen purchase
    # tells nothing: once it can no longer be joined (ordered, received, ... closed) it
    # answers like one that does not exist, not with how far it got.
    sees = purchase is not None and _sees(actor, purchase)
    if purchase is None or not (purchase.status in JOINABLE or sees):
        raise NotFound()
    if not can(actor, "test_purchase.take_part"):
        raise Forbidden(_("Only member companies take part in test purchases."))
    errors: dict[str, str] = {}
    weight = _weight(weight, errors)
    _raise(errors)
    if actor.organisation_id in purchase.participant_org_ids():
        raise Conflict(_("Your organisation already takes part."), code="already_participant")
    if purchase.status not in JOINABLE:
        raise Conflict(_("The order has been placed; no one can join any more."),
                       code="illegal_transition")
    at_once = can(actor, "test_purchase.join", purchase)
    if not at_once and not can(actor, "test_purchase.request_join", purchase):
        raise Conflict(_("The lead organisation declined your organisation's request."),
                       code="request_declined")
    _claim(purchase, updated_at=utcnow())
    row = _row_of(purchase, actor.organisation_id)
    if row is None:
        row = Participant(purchase_id=purchase.id, organisation_id=actor.organisation_id)
        db.session.add(row)
    row.weight, row.left_at, row.joined_at = weight, None, utcnow()
    row.status = "active" if at_once else "requested"
    row.decided_by_id = row.decided_at = None
    db.session.flush()
    db.session.refresh(purchase)
    org = actor.organisation.name
    if at_once:
        append_custody(purchase, actor, "join", what=f"{org} weight {weight}")
        record(actor, "test_purchase.join", purchase, f"{org} joined", weight=weight)
        _touch_and_notify(purchase, actor, _l("%(org)s joined the test purchase of %(seller)s",
                                              org=org, seller=purchase.seller_id))
    else:
        record(actor, "test_purchase.request_join", purchase, f"{org} asked to join",
               weight=weight)
        notify(_deciders(purchase), "test_purchase.request", _l(
            "%(org)s asks to join the test purchase of %(seller)s", org=org,
            seller=purchase.seller_id), page_url("testbuys.show", purchase_id=purchase.id),
            obj=purchase, view_rule="test_purchase.view", exclude=actor, purchase_id=purchase.id)
    db.session.commit()
    return row


def _sees(user: User, purchase: TestPurchase) -> bool:
    return can(user, "test_purchase.view", purchase)


def _deciders(purchase: TestPurchase) -> list[User]:
    """Who decides on join requests: the people of the lead organisation."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == purchase.proposer_org_id)))


@atomic
def decide_request(actor: User, purchase_id: int, organisation_id: Any, *,
                   approve: bool) -> Participant:
    """The lead organisation or staff approve (the organisation joins) or decline a request."""
    purchase = get_purchase(purchase_id, actor)
    require("test_purchase.steer", purchase, user=actor)
    org_id = as_id(organisation_id)
    row = _row_of(purchase, org_id) if org_id else None
    if row is None or row.status != "requested":
        raise NotFound()
    if approve and purchase.status not in JOINABLE:
        raise Conflict(_("The order has been placed; no one can join any more."),
                       code="illegal_transition")
    _claim(purchase, updated_at=utcnow())
    # The request row moves only from `requested`: a second decision finds nothing to move.
    now, status = utcnow(), "active" if approve else "declined"
    moved = db.session.execute(
        update(Participant).where(Participant.id == row.id, Participant.status == "requested")
        .values(status=status, decided_by_id=actor.id, decided_at=now,
                **({"joined_at": now} if approve else {}))
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_("This request was decided at the same moment."), code="stale_version")
    db.session.refresh(row)
    db.session.refresh(purchase)
    name = row.organisation.name
    requesters = list(db.session.scalars(select(User).where(User.organisation_id == row.organisation_id)))
    if approve:
        append_custody(purchase, actor, "join", what=f"{name} weight {row.weight} (approved)")
        record(actor, "test_purchase.approve_join", purchase, f"{name} joined (approved)",
               organisation_id=row.organisation_id, weight=row.weight)
        _touch_and_notify(purchase, actor, _l("%(org)s joined the test purchase of %(seller)s",
                                              org=name, seller=purchase.seller_id))
    else:
        record(actor, "test_purchase.decline_join", purchase, f"{name}'s request declined",
               organisation_id=row.organisation_id)
        # The requester cannot see the purchase: the note names only the seller it asked about.
        notify(requesters, "test_purchase.request_declined", _l(
            "Your request to join the test purchase of %(seller)s was declined",
            seller=purchase.seller_id), page_url("testbuys.index"), exclude=actor)
    db.session.commit()
    return row


@atomic
def leave(actor: User, purchase_id: int) -> None:
    """The actor's organisation leaves before the order is placed."""
    purchase = get_purchase(purchase_id, actor)
    if actor.organisation_id not in purchase.participant_org_ids():
        raise Conflict(_("Your organisation does not take part."), code="not_participant")
    if purchase.status not in ("proposed", "scheduled"):
        raise Conflict(_("The order has been placed; participants can no longer leave."),
                       code="illegal_transition")
    _claim(purchase, updated_at=utcnow())
    row = next(p for p in purchase.active_participants
               if p.organisation_id == actor.organisation_id)
    row.left_at = utcnow()
    append_custody(purchase, actor, "leave", what=actor.organisation.name)
    record(actor, "test_purchase.leave", purchase, f"{actor.organisation.name} left")
    _touch_and_notify(purchase, actor, _l("%(org)s left the test purchase of %(seller)s",
                                          org=actor.organisation.name, seller=purchase.seller_id))
    db.session.commit()


# --- the lifecycle ------------------------------------------------------------------------


def _acting(actor: User, purchase_id: int, action: str, rule: str = "test_purchase.steer",
            ) -> tuple[TestPurchase, str]:
    """Load a visible purchase, check the actor may steer it, and the move is legal."""
    purchase = get_purchase(purchase_id, actor)
    require(rule, purchase, user=actor)
    return purchase, LIFECYCLE.next_state(purchase.status, action)


def clash_for(purchase: TestPurchase, when: datetime) -> TestPurchase | None:
    """Another buy from the same seller scheduled within the clash window of `when`."""
    days = current_app.config["TESTBUY_CLASH_DAYS"]
    window = timedelta(days=days)
    return db.session.scalar(select(TestPurchase).where(
        TestPurchase.id != purchase.id, TestPurchase.platform == purchase.platform,
        TestPurchase.seller_id == purchase.seller_id, TestPurchase.status != "cancelled",
        and_(TestPurchase.scheduled_for > when - window,
             TestPurchase.scheduled_for < when + window)).order_by(TestPurchase.id).limit(1))


def _purchaser(value: Any, purchase: TestPurchase, errors: dict) -> User | None:
    if value in (None, ""):
        errors["purchaser_id"] = _("This field is required.")
        return None
    user = db.session.get(User, as_id(value)) if as_id(value) else None
    if user is None or not can(user, "test_purchase.buy", purchase):
        errors["purchaser_id"] = _("The purchaser is platform staff or a person of a "
                                   "participating organisation.")
        return None
    return user


@atomic
def schedule(actor: User, purchase_id: int, *, scheduled_for: datetime | None,
             purchaser_id: Any) -> TestPurchase:
    """Plan (or re-plan) the buy; refused when the seller is bought from within the window."""
    purchase, state = _acting(actor, purchase_id, "schedule")
    errors: dict[str, str] = {}
    if scheduled_for is None:
        errors["scheduled_for"] = _("This field is required.")
    elif not parsing.plausible_year(scheduled_for.year) or scheduled_for > utcnow() + timedelta(days=730):
        errors["scheduled_for"] = _("Plan the buy within the next two years.")
    elif scheduled_for < purchase.created_at - timedelta(minutes=1):
        errors["scheduled_for"] = _("The buy cannot be planned before it was proposed.")
    purchaser = _purchaser(purchaser_id, purchase, errors)
    _raise(errors)
    clash = clash_for(purchase, scheduled_for)
    if clash is not None:
        days = current_app.config["TESTBUY_CLASH_DAYS"]
        if not _sees(actor, clash):  # the bare fact only: no id, no date
            raise Conflict(_("Another buy from this seller falls within %(n)d days.", n=days),
                           code="schedule_clash")
        raise Conflict(
            _("Test purchase #%(id)d buys from this seller on %(day)s, within %(n)d days.",
              id=clash.id, day=clash.scheduled_for.date().isoformat(), n=days),
            code="schedule_clash", clashing_id=clash.id)
    again = purchase.status == "scheduled"
    _claim(purchase, status=state)
    purchase.scheduled_for, purchase.purchaser_id = scheduled_for, purchaser.id
    purchase.reminded_at = None
    append_custody(purchase, actor, "reschedule" if again else "schedule",
                   what=f"{scheduled_for.isoformat()} by {purchaser.name}")
    record(actor, "test_purchase.schedule", purchase, f"Scheduled for {scheduled_for.isoformat()}",
           purchaser_id=purchaser.id)
    _touch_and_notify(purchase, actor, _l("Test purchase of %(seller)s scheduled for %(day)s",
                                          seller=purchase.seller_id,
                                          day=scheduled_for.date().isoformat()),
                      extra=[purchaser])
    db.session.commit()
    return purchase


@atomic
def order(actor: User, purchase_id: int, *, order_number: Any, cost: tuple[int, str] | None,
          paid_by: Any = None) -> TestPurchase:
    """The order is placed: order number, actual cost, and who paid it."""
    purchase, state = _acting(actor, purchase_id, "order")
    errors: dict[str, str] = {}
    number = _text(order_number, "order_number", errors, required=True, max_length=120)
    amount, currency = _positive_money(cost, "cost", errors, required=True)
    payer = None
    if paid_by not in (None, ""):
        payer = db.session.get(Organisation, as_id(paid_by)) if as_id(paid_by) else None
        allowed = purchase.participant_org_ids() | (
            {purchase.purchaser.organisation_id} if purchase.purchaser else set())
        if payer is None or payer.id not in allowed:
            errors["paid_by"] = _("The payer is a participating organisation or the purchaser's.")
        elif not names_payer(actor, purchase) and (
                purchase.purchaser is None or payer.id != purchase.purchaser.organisation_id):
            # Whoever pays is owed the cost: only the buyer, staff or admins say who paid.
            raise Forbidden(_("Only the purchaser, staff or admins say who paid; "
                              "otherwise the purchaser's organisation paid."))
    if not purchase.active_participants:
        errors["participants"] = _("At least one member organisation must take part first.")
    _raise(errors)
    _claim(purchase, status=state)
    purchase.order_number = number
    purchase.cost_amount, purchase.currency = amount, currency
    purchase.paid_by_org_id = payer.id if payer else payer_org_id(purchase)
    purchase.ordered_at = utcnow()
    append_custody(purchase, actor, "order", what=f"order {number}, cost {amount} {currency}")
    record(actor, "test_purchase.order", purchase, f"Ordered {number}", cost=amount,
           currency=currency)
    _touch_and_notify(purchase, actor, _l("Test purchase of %(seller)s ordered",
                                          seller=purchase.seller_id))
    db.session.commit()
    return purchase


def names_payer(actor: User, purchase: TestPurchase) -> bool:
    """Who may say which organisation paid: the purchaser, platform staff and admins."""
    return can(actor, "test_purchase.name_payer", purchase)


@atomic
def receive(actor: User, purchase_id: int, *, received_at: datetime | None,
            notes: Any = "") -> TestPurchase:
    """The goods arrived."""
    purchase, state = _acting(actor, purchase_id, "receive")
    errors: dict[str, str] = {}
    notes = _text(notes, "notes", errors, max_length=5000)
    received_at = received_at or utcnow()
    if not parsing.plausible_year(received_at.year):
        errors["received_at"] = _("The goods cannot arrive in the future.") \
            if received_at.year > 2000 else _("The goods cannot arrive before they were ordered.")
    elif purchase.ordered_at and received_at < purchase.ordered_at - timedelta(minutes=1):
        errors["received_at"] = _("The goods cannot arrive before they were ordered.")
    elif received_at > utcnow() + timedelta(days=1):
        errors["received_at"] = _("The goods cannot arrive in the future.")
    _raise(errors)
    _claim(purchase, status=state)
    purchase.received_at, purchase.receipt_notes = received_at, notes
    append_custody(purchase, actor, "receive", what=f"received {received_at.isoformat()}",
                   why=notes)
    record(actor, "test_purchase.receive", purchase, "Received")
    _touch_and_notify(purchase, actor, _l("Test purchase of %(seller)s received; "
                                          "authentication is due", seller=purchase.seller_id))
    db.session.commit()
    return purchase


def combined_verdict(verdicts: list[str]) -> str | None:
    """The purchase's verdict from its brands' verdicts: counterfeit if any item was,
    genuine if every item was, inconclusive otherwise; None before the first verdict."""
    if not verdicts:
        return None
    if "counterfeit" in verdicts:
        return "counterfeit"
    return "genuine" if all(v == "genuine" for v in verdicts) else "inconclusive"


def verdict_so_far(purchase: TestPurchase) -> str | None:
    """The combined verdict of the brands that have given theirs."""
    return combined_verdict([a.verdict for a in purchase.authentications])


def awaiting_verdicts(purchase: TestPurchase) -> list[Participant]:
    """Participating organisations that have not given their verdict yet."""
    given = {a.organisation_id for a in purchase.authentications}
    return [p for p in purchase.active_participants if p.organisation_id not in given]


def _combine(purchase: TestPurchase) -> None:
    """The purchase's verdict so far, from its brands' verdicts (the deciding one's method)."""
    items = purchase.authentications
    purchase.verdict = combined_verdict([a.verdict for a in items])
    deciding = next((a for a in items if a.verdict == purchase.verdict), items[-1])
    purchase.auth_method, purchase.auth_notes = deciding.method, deciding.notes
    purchase.authenticated_by_id = deciding.by_id


def _settle_verdict(purchase: TestPurchase, actor: User) -> None:
    """The verdict is final (every brand gave its own, or the lead closed without waiting):
    date it and tell the listeners."""
    _combine(purchase)
    purchase.authenticated_at = utcnow()
    db.session.flush()
    hooks.authenticated(purchase, actor)  # same transaction: listeners commit with the verdict


@atomic
def authenticate(actor: User, purchase_id: int, *, verdict: Any, method: Any,
                 notes: Any = "") -> TestPurchase:
    """A participating brand's verdict on its own item, with method and reasons; once.

    Each participating organisation gives its own verdict; none replaces or blocks another.
    When the last participating organisation has given its verdict the purchase moves to
    `authenticated` with the combined verdict (counterfeit if any item was).
    """
    purchase = get_purchase(purchase_id, actor)
    errors: dict[str, str] = {}
    if verdict not in VERDICTS:
        errors["verdict"] = _("The verdict is one of: %(v)s.", v=", ".join(VERDICTS))
    method = _text(method, "method", errors, required=True, max_length=200)
    notes = _text(notes, "notes", errors, max_length=5000)
    _raise(errors)
    require("test_purchase.authenticate", purchase, user=actor)
    if any(a.organisation_id == actor.organisation_id for a in purchase.authentications):
        raise Conflict(_("Your organisation has already given its verdict."),
                       code="already_authenticated")
    if purchase.status != "received":
        LIFECYCLE.next_state(purchase.status, "authenticate")  # 409 illegal_transition
    last = len(awaiting_verdicts(purchase)) == 1
    _claim(purchase, **({"status": LIFECYCLE.next_state(purchase.status, "authenticate")}
                        if last else {}))
    db.session.add(Authentication(purchase_id=purchase.id, organisation_id=actor.organisation_id,
                                  verdict=verdict, method=method, notes=notes, by_id=actor.id,
                                  at=utcnow()))
    try:
        db.session.flush()
    except IntegrityError:  # a colleague gave the organisation's verdict at the same moment
        db.session.rollback()
        raise Conflict(_("Your organisation has already given its verdict."),
                       code="already_authenticated") from None
    db.session.refresh(purchase)
    # The purchase takes its new verdict before the log entry is made: an entry records the
    # difference between the log and the purchase, so anything changed after it would read
    # as a forgery.
    if last:
        _settle_verdict(purchase, actor)
    else:
        _combine(purchase)
    org = actor.organisation.name
    append_custody(purchase, actor, "authenticate",
                   what=f"{org}: verdict {verdict} ({method})", why=notes)
    record(actor, "test_purchase.authenticate", purchase, f"{org}: verdict {verdict}",
           verdict=verdict, organisation_id=actor.organisation_id)
    _touch_and_notify(purchase, actor, _l("%(org)s authenticated its item of the test purchase "
                                          "of %(seller)s: %(verdict)s", org=org,
                                          seller=purchase.seller_id,
                                          verdict=VERDICT_LABELS[verdict]))
    db.session.commit()
    return purchase


@atomic
def close(actor: User, purchase_id: int, *, summary: Any) -> TestPurchase:
    """Close with a summary: once authenticated, or (the lead or staff deciding not to wait
    for the remaining brands) once the goods arrived and at least one brand gave its verdict;
    the purchase's verdict is then the verdicts so far."""
    purchase, state = _acting(actor, purchase_id, "close")
    early = purchase.status == "received"
    if early and not purchase.authentications:
        raise Conflict(_("Close after at least one brand has given its verdict."),
                       code="illegal_transition")
    errors: dict[str, str] = {}
    summary = _text(summary, "summary", errors, required=True, max_length=5000)
    _raise(errors)
    _claim(purchase, status=state)
    purchase.summary, purchase.closed_at = summary, utcnow()
    if early:
        _settle_verdict(purchase, actor)
    append_custody(purchase, actor, "close", why=summary)
    record(actor, "test_purchase.close", purchase, "Closed")
    _touch_and_notify(purchase, actor, _l("Test purchase of %(seller)s closed",
                                          seller=purchase.seller_id))
    db.session.commit()
    return purchase


@atomic
def cancel(actor: User, purchase_id: int, *, reason: Any) -> TestPurchase:
    """Cancel with a reason; the seller can then be targeted again."""
    purchase, state = _acting(actor, purchase_id, "cancel")
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, required=True, max_length=5000)
    _raise(errors)
    _claim(purchase, status=state)
    purchase.cancel_reason, purchase.cancelled_at = reason, utcnow()
    append_custody(purchase, actor, "cancel", why=reason)
    record(actor, "test_purchase.cancel", purchase, "Cancelled", reason=reason)
    _touch_and_notify(purchase, actor, _l("Test purchase of %(seller)s cancelled",
                                          seller=purchase.seller_id))
    db.session.commit()
    return purchase


# --- outcome ------------------------------------------------------------------------------


def criminal_threshold() -> int:
    """The value (minor units, CNY) from which a referral to law enforcement is prepared."""
    return int(current_app.config.get("TESTBUY_CRIMINAL_THRESHOLD", 50_000_00))


def effective_value(purchase: TestPurchase) -> int:
    """The value involved: as entered, else summed over the seller's known counterfeit sales."""
    if purchase.value_involved is not None:
        return purchase.value_involved
    return seller_known_value(purchase)


def referral_due(purchase: TestPurchase) -> bool:
    """A counterfeit whose value involved reaches the criminal threshold."""
    return (purchase.verdict == "counterfeit"
            and effective_value(purchase) >= criminal_threshold())


@atomic
def record_outcome(actor: User, purchase_id: int, *, taken_down: Any = None,
                   seller_penalised: Any = None, value_involved: tuple[int, str] | None = None,
                   ) -> TestPurchase:
    """After a counterfeit verdict: listing taken down, seller penalised, value involved."""
    purchase = get_purchase(purchase_id, actor)
    require("test_purchase.steer", purchase, user=actor)
    if purchase.verdict != "counterfeit":
        raise Conflict(_("Outcomes follow a counterfeit verdict."), code="illegal_transition")
    errors: dict[str, str] = {}
    for name, value in (("taken_down", taken_down), ("seller_penalised", seller_penalised)):
        if value is not None and not isinstance(value, bool):
            errors[name] = _("Give true or false.")
    if value_involved is not None and value_involved[0] > MAX_AMOUNT:
        errors["value_involved"] = _("This amount is too large.")
    _raise(errors)
    now, changes = utcnow(), []
    if taken_down is not None:
        purchase.taken_down_at = now if taken_down else None
        changes.append(f"taken down: {taken_down}")
    if seller_penalised is not None:
        purchase.seller_penalised_at = now if seller_penalised else None
        changes.append(f"seller penalised: {seller_penalised}")
    if value_involved is not None:
        purchase.value_involved = value_involved[0]
        changes.append(f"value involved: {value_involved[0]}")
    if referral_due(purchase) and purchase.referral_prepared_at is None:
        purchase.referral_prepared_at = now
        changes.append("referral prepared")
    append_custody(purchase, actor, "outcome", what="; ".join(changes))
    record(actor, "test_purchase.outcome", purchase, "; ".join(changes))
    _touch_and_notify(purchase, actor, _l("Outcome recorded for the test purchase of %(seller)s",
                                          seller=purchase.seller_id))
    db.session.commit()
    return purchase


def seller_known_value(purchase: TestPurchase) -> int:
    """Sum of the actual costs of counterfeit buys from the same seller (known sales)."""
    rows = db.session.scalars(select(TestPurchase.cost_amount).where(
        TestPurchase.platform == purchase.platform, TestPurchase.seller_id == purchase.seller_id,
        TestPurchase.verdict == "counterfeit"))
    return sum(r or 0 for r in rows)


# --- notifications --------------------------------------------------------------------


def audience(purchase: TestPurchase) -> list[User]:
    """Everyone of a participating organisation, the proposer and the purchaser."""
    org_ids = purchase.participant_org_ids()
    people = list(db.session.scalars(select(User).where(User.organisation_id.in_(org_ids)))) \
        if org_ids else []
    return [*people, purchase.proposed_by, *([purchase.purchaser] if purchase.purchaser else [])]


def _touch_and_notify(purchase: TestPurchase, actor: User, title: Any, extra=()) -> None:
    purchase.updated_at = utcnow()
    db.session.flush()
    notify([*audience(purchase), *extra], "test_purchase.status", title,
           page_url("testbuys.show", purchase_id=purchase.id), obj=purchase,
           view_rule="test_purchase.view", email=True, exclude=actor,
           event="test_purchase.status", purchase_id=purchase.id, status=purchase.status)


@atomic
def add_evidence(actor: User, purchase: TestPurchase, upload: Any, description: Any = "") -> Evidence:
    """Keep a photo or document of a purchase the actor runs, logged in its custody chain."""
    require("test_purchase.act", purchase, user=actor)
    description = description if isinstance(description, str) else ""
    item = store_evidence(purchase, actor, upload, description)
    record(actor, "test_purchase.evidence", purchase, f"Evidence {item.sha256[:12]} added",
           sha256=item.sha256, size=item.size, mime=item.mime)
    db.session.commit()
    return item
