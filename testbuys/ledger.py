"""The cost ledger: who paid what, who owes whom, and the fewest transfers to settle, each
between counterparties (organisations that shared a purchase or a settlement)."""

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, select

from portal.accounts.models import Organisation, User
from portal.audit.services import record
from portal.authz import can
from portal.errors import Forbidden, InvalidInput
from portal.extensions import db
from portal.models import utcnow

from .models import MAX_AMOUNT, Participant, SettlementPayment, TestPurchase
from .services import as_id
from .settlement import Transfer, balances, settle_between_counterparties
from .shares import allocate


@dataclass
class Ledger:
    """One currency's balances (positive: is owed) and the suggested settlements."""

    currency: str
    balances: dict[int, int] = field(default_factory=dict)
    settlements: list[Transfer[int]] = field(default_factory=list)
    paid: dict[int, int] = field(default_factory=dict)
    owed: dict[int, int] = field(default_factory=dict)


@dataclass
class _Cost:
    """What the ledger needs of a purchase: who paid how much, and the sharers' weights."""

    currency: str
    paid_by_org_id: int
    cost_amount: int
    weights: dict[int, int] = field(default_factory=dict)


def _costs() -> list[_Cost]:
    """Purchases whose money was spent (an order was placed, even if cancelled later), with
    the weights of the organisations sharing them now: one statement, plain rows."""
    rows = db.session.execute(
        select(TestPurchase.id, TestPurchase.currency, TestPurchase.paid_by_org_id,
               TestPurchase.cost_amount, Participant.organisation_id, Participant.weight)
        .outerjoin(Participant, and_(Participant.purchase_id == TestPurchase.id,
                                     Participant.left_at.is_(None),
                                     Participant.status == "active"))
        .where(TestPurchase.cost_amount.is_not(None), TestPurchase.paid_by_org_id.is_not(None))
        .order_by(TestPurchase.id, Participant.id))
    costs: dict[int, _Cost] = {}
    for purchase_id, currency, payer, amount, org_id, weight in rows:
        cost = costs.setdefault(purchase_id, _Cost(currency, payer, amount))
        if org_id is not None:
            cost.weights[org_id] = weight
    return list(costs.values())


def _payments() -> list[tuple[int, int, int, str]]:
    """The settlement payments as plain rows (payer, payee, amount, currency), as recorded."""
    return [(from_id, to_id, amount, currency) for from_id, to_id, amount, currency in
            db.session.execute(select(SettlementPayment.from_org_id, SettlementPayment.to_org_id,
                                      SettlementPayment.amount, SettlementPayment.currency)
                               .order_by(SettlementPayment.id))]


def ledgers() -> dict[str, Ledger]:
    """The whole alliance's ledger, per currency, in exact integers."""
    return _copies(_kept()[0])


def _kept() -> tuple[dict[str, Ledger], dict[int, set[int]]]:
    """The kept ledgers and counterparties of the costs and payments as they stand."""
    return _books(tuple((c.currency, c.paid_by_org_id, c.cost_amount, tuple(c.weights.items()))
                        for c in _costs()), tuple(_payments()))


def _copies(kept: dict[str, Ledger]) -> dict[str, Ledger]:
    """Ledgers a caller may change without changing the kept ones."""
    return {currency: Ledger(currency, dict(led.balances), list(led.settlements), dict(led.paid),
                             dict(led.owed)) for currency, led in kept.items()}


@lru_cache(maxsize=4)
def _books(costs: tuple[tuple[str, int, int, tuple[tuple[int, int], ...]], ...],
           payments: tuple[tuple[int, int, int, str], ...],
           ) -> tuple[dict[str, Ledger], dict[int, set[int]]]:
    """The ledgers and counterparties of these costs and payments, kept: they follow from
    them alone, and working them out for the whole alliance (shares, balances, the fewest
    transfers) takes several times as long as reading them. Any change to a cost, a share
    or a payment makes another key, so a kept ledger is never out of date. Callers read
    copies (_copies, _visible)."""
    payments_by: dict[str, list[tuple[int, int]]] = {}
    shares: dict[str, list[tuple[int, int]]] = {}
    for currency, payer, amount, weights in costs:
        if not weights:
            continue
        payments_by.setdefault(currency, []).append((payer, amount))
        shares.setdefault(currency, []).extend(allocate(amount, dict(weights)).items())
    transfers: dict[str, list[Transfer[int]]] = {}
    for from_id, to_id, amount, currency in payments:
        transfers.setdefault(currency, []).append(Transfer(from_id, to_id, amount))
    links = _links(((payer, {org for org, _ in weights}) for _, payer, _, weights in costs),
                   ((from_id, to_id) for from_id, to_id, _, _ in payments))
    result = {}
    for currency in sorted(set(payments_by) | set(transfers)):
        paid = _sum(payments_by.get(currency, []))
        owed = _sum(shares.get(currency, []))
        raw = balances(payments_by.get(currency, []), shares.get(currency, []),
                       transfers.get(currency, []))
        nonzero = {org: amount for org, amount in sorted(raw.items()) if amount}
        # Settled within each connected group of counterparties, each transfer between two
        # organisations that shared a purchase or a settlement (see docs/testbuys.md).
        result[currency] = Ledger(currency, nonzero, settle_between_counterparties(nonzero, links),
                                  paid, owed)
    return result, links


def _sum(pairs: list[tuple[int, int]]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for org, amount in pairs:
        totals[org] = totals.get(org, 0) + amount
    return totals


def ledgers_for(user: Any) -> dict[str, Ledger]:
    """What the person may see: everything for staff and admins, their own position otherwise."""
    return _visible(user, _kept()[0])


def _visible(user: Any, everything: dict[str, Ledger]) -> dict[str, Ledger]:
    """The part of the kept ledgers the person may see, as new ledgers."""
    if can(user, "test_purchase.oversee"):
        return _copies(everything)
    mine = user.organisation_id
    return {currency: Ledger(
        currency, {o: a for o, a in led.balances.items() if o == mine},
        [t for t in led.settlements if mine in (t.from_, t.to)],
        {o: a for o, a in led.paid.items() if o == mine},
        {o: a for o, a in led.owed.items() if o == mine})
        for currency, led in everything.items()}


def org_names(ids) -> dict[int, str]:
    """Organisation names by id."""
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Organisation.id, Organisation.name)
                                   .where(Organisation.id.in_(ids))).all())


def counterparties() -> dict[int, set[int]]:
    """Organisation id -> the organisations it shares a cost or a settlement with."""
    return _links(((c.paid_by_org_id, set(c.weights)) for c in _costs()),
                  ((from_id, to_id) for from_id, to_id, _, _ in _payments()))


def _links(costs, payments) -> dict[int, set[int]]:
    """Counterparties from (payer, sharers) of each cost and (payer, payee) of each payment:
    a cost with sharers links them and its payer."""
    pairs: dict[int, set[int]] = {}

    def link(orgs: set[int]) -> None:
        for org in orgs:
            pairs.setdefault(org, set()).update(orgs - {org})

    for payer, sharers in costs:
        if sharers:
            link(sharers | {payer})
    for from_id, to_id in payments:
        link({from_id, to_id})
    return pairs


def payers_to(user: Any, links: dict[int, set[int]] | None = None) -> set[int]:
    """Who the person may record a payment from: for a member company, those it deals with
    (from the counterparties already read, when the caller has them)."""
    links = counterparties() if links is None else links
    if can(user, "test_purchase.oversee"):
        return set(links)
    return set(links.get(user.organisation_id, ()))


def ledger_page(user: Any) -> tuple[dict[str, Ledger], set[int]]:
    """The ledgers the person may see and who they may record a payment from, reading the
    costs and the settlements once for both."""
    books, links = _kept()
    return _visible(user, books), payers_to(user, links)


def record_payment(actor: User, *, from_org: Any, to_org: Any, amount: tuple[int, str] | None,
                   note: Any = "") -> SettlementPayment:
    """Record a settlement payment made by one organisation to another.

    Staff and admins record any payment between organisations of the ledger; a member
    company records only a payment it received (the payee confirms receipt), from an
    organisation it has a position with.
    """
    errors: dict[str, str] = {}
    orgs = {}
    for name, value in (("from", from_org), ("to", to_org)):
        orgs[name] = db.session.get(Organisation, as_id(value)) if as_id(value) else None
        if orgs[name] is None:
            errors[name] = _("No such organisation.")
    if not errors and orgs["from"].id == orgs["to"].id:
        errors["to"] = _("An organisation does not pay itself.")
    if amount is None:
        errors["amount"] = _("This field is required.")
    elif amount[0] <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    elif amount[0] > MAX_AMOUNT:
        errors["amount"] = _("This amount is too large.")
    if note is not None and (not isinstance(note, str) or "\x00" in note):
        errors["note"] = _("This field must be text.")
    if errors:
        raise InvalidInput(errors)
    oversees = can(actor, "test_purchase.oversee")
    if not oversees and orgs["to"].id != actor.organisation_id:
        raise Forbidden(_("Your organisation records only payments it received; "
                          "the payee confirms receipt."))
    known = payers_to(actor)
    if oversees and orgs["to"].id not in known:
        errors["to"] = _("This organisation has no position in the ledger.")
    if orgs["from"].id not in known:
        errors["from"] = _("This organisation has no position in the ledger.") if oversees \
            else _("Your organisation shares no test purchase cost with this organisation.")
    if errors:
        raise InvalidInput(errors)
    payment = SettlementPayment(from_org_id=orgs["from"].id, to_org_id=orgs["to"].id,
                                amount=amount[0], currency=amount[1], note=(note or "")[:300],
                                recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(payment)
    db.session.flush()
    record(actor, "test_purchase.settlement", payment,
           f"{orgs['from'].name} paid {orgs['to'].name} {amount[0]} {amount[1]}")
    db.session.commit()
    return payment


def ledger_csv(user: Any) -> str:
    """The visible ledger as CSV: balances, then suggested settlements."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "currency", "organisation", "to", "paid", "share", "amount"])
    for currency, led in ledgers_for(user).items():
        names = org_names([*led.balances, *led.paid, *led.owed,
                           *(t.to for t in led.settlements), *(t.from_ for t in led.settlements)])
        for org in sorted(set(led.balances) | set(led.paid) | set(led.owed), key=names.get):
            writer.writerow(["balance", currency, names[org], "", led.paid.get(org, 0),
                             led.owed.get(org, 0), led.balances.get(org, 0)])
        for t in led.settlements:
            writer.writerow(["settlement", currency, names[t.from_], names[t.to], "", "", t.amount])
    return out.getvalue()
