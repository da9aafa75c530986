"""The facts of a purchase that the custody log records, read from the stored row.

A purchase's record is its custody log: each keyed entry carries, as structured facts,
what changed in the purchase with that step (``{"fact": "cost", "amount": 135000,
"currency": "CNY"}``). Replaying the facts of every keyed entry in order gives the
state the log vouches for; :func:`observe` reads the same state from the stored rows,
and :func:`differences` names every fact where the two part.

Entries are written by :func:`testbuys.evidence.append_custody`, which records the
difference between the replayed state and the observed one, so a service that changes
a fact only needs to append its entry after changing it. A fact is identified by its
name, plus the organisation (participants, verdicts) or the evidence id (files). A
fact that no longer holds is recorded with ``"removed": true``. Names (``name`` and
``*_name`` keys) are kept for the reader, as they were when recorded, but are not
compared: renaming an organisation does not make the record differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db

from .models import Authentication, Evidence, Participant, TestPurchase

Fact = dict[str, Any]
State = dict[str, Fact]

# Facts there can be several of, and the field that tells them apart.
_IDENTITY = {"participant": "organisation", "verdict": "organisation", "evidence": "evidence"}


def canonical_json(value: Any) -> str:
    """The one text form of facts that is stored and authenticated."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)


def fact_key(fact: Fact) -> str:
    """'cost', or 'participant:7', 'evidence:3': which fact this is."""
    name = str(fact.get("fact"))
    field = _IDENTITY.get(name)
    return f"{name}:{fact.get(field)}" if field else name


def _moment(value: datetime | None) -> str | None:
    """A time as the log keeps it: UTC, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _money(amount: int | None, currency: str) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": currency}


# --- reading the stored state ----------------------------------------------------------

FactReader = Callable[[TestPurchase], Iterable[Fact]]
_readers: list[FactReader] = []


def fact_reader(fn: FactReader) -> FactReader:
    """Register a function yielding some of a purchase's facts from its stored rows."""
    _readers.append(fn)
    return fn


@fact_reader
def _plan(p: TestPurchase) -> Iterable[Fact]:
    yield {"fact": "target", "platform": p.platform, "seller_id": p.seller_id,
           "listing_url": p.listing_url}
    yield {"fact": "status", "value": p.status}
    if p.budget_amount is not None:
        yield {"fact": "budget", **_money(p.budget_amount, p.currency)}


@fact_reader
def _participants(p: TestPurchase) -> Iterable[Fact]:
    # Queried afresh rather than read through the relationship, which may be stale in a
    # session that has just added or changed a participant, or after another's commit.
    # Only organisations taking part count: a request to join awaiting the lead's answer,
    # or a declined one, is not a participant of the record.
    rows = db.session.scalars(select(Participant).where(
        Participant.purchase_id == p.id, Participant.left_at.is_(None),
        Participant.status == "active")
        .execution_options(populate_existing=True))
    for row in rows:
        yield {"fact": "participant", "organisation": row.organisation_id,
               "name": row.organisation.name, "weight": row.weight}


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None


@fact_reader
def _schedule_and_order(p: TestPurchase) -> Iterable[Fact]:
    if p.purchaser_id is not None:
        buyer = _user(p.purchaser_id)
        yield {"fact": "purchaser", "user": p.purchaser_id, "name": buyer.name if buyer else ""}
    if p.scheduled_for is not None:
        yield {"fact": "scheduled_for", "value": _moment(p.scheduled_for)}
    if p.order_number is not None:
        yield {"fact": "order_number", "value": p.order_number}
    if p.cost_amount is not None:
        yield {"fact": "cost", **_money(p.cost_amount, p.currency)}
    if p.paid_by_org_id is not None:
        yield {"fact": "paid_by", "organisation": p.paid_by_org_id,
               "name": p.paid_by_org.name if p.paid_by_org else ""}
    if p.received_at is not None:
        yield {"fact": "received_at", "value": _moment(p.received_at)}
    if p.receipt_notes:
        yield {"fact": "receipt_notes", "value": p.receipt_notes}


@fact_reader
def _verdicts(p: TestPurchase) -> Iterable[Fact]:
    """Each brand's verdict on its item, keyed by the organisation that gave it, and the
    purchase's combined verdict once every brand has answered (or the lead closed)."""
    rows = db.session.scalars(select(Authentication).where(Authentication.purchase_id == p.id)
                              .order_by(Authentication.id)
                              .execution_options(populate_existing=True))
    for row in rows:
        yield {"fact": "verdict", "organisation": row.organisation_id,
               "name": row.organisation.name, "verdict": row.verdict, "method": row.method,
               "notes": row.notes, "by": row.by_id, "by_name": row.by.name if row.by else "",
               "at": _moment(row.at)}
    if p.verdict is not None:
        # The combined verdict carries the deciding brand's method and notes as the API
        # serves them, so a change to any of them is a change to the record.
        yield {"fact": "purchase_verdict", "value": p.verdict, "method": p.auth_method,
               "notes": p.auth_notes, "by": p.authenticated_by_id}


@fact_reader
def _outcome(p: TestPurchase) -> Iterable[Fact]:
    if p.taken_down_at is not None:
        yield {"fact": "taken_down", "value": True}
    if p.seller_penalised_at is not None:
        yield {"fact": "seller_penalised", "value": True}
    if p.value_involved is not None:
        yield {"fact": "value_involved", **_money(p.value_involved, "CNY")}
    if p.referral_prepared_at is not None:
        yield {"fact": "referral", "value": True}
    if p.summary:
        yield {"fact": "summary", "value": p.summary}
    if p.cancel_reason:
        yield {"fact": "cancel_reason", "value": p.cancel_reason}


@fact_reader
def _evidence(p: TestPurchase) -> Iterable[Fact]:
    rows = db.session.scalars(select(Evidence).where(Evidence.purchase_id == p.id)
                              .order_by(Evidence.id).execution_options(populate_existing=True))
    for e in rows:
        yield {"fact": "evidence", "evidence": e.id, "sha256": e.sha256, "filename": e.filename,
               "mime": e.mime, "size": e.size}


def observe(purchase: TestPurchase) -> State:
    """The purchase's facts as the stored rows say them."""
    state: State = {}
    for reader in _readers:
        for fact in reader(purchase):
            state[fact_key(fact)] = fact
    return state


# --- the state the log says -----------------------------------------------------------


def replay(fact_lists: Iterable[list[Fact]]) -> State:
    """Apply the facts of each entry in order."""
    state: State = {}
    for facts in fact_lists:
        for fact in facts:
            key = fact_key(fact)
            if fact.get("removed"):
                state.pop(key, None)
            else:
                state[key] = fact
    return state


def _compared(fact: Fact | None) -> Fact | None:
    """The part of a fact that must agree: everything but the names kept for the reader."""
    if fact is None:
        return None
    return {k: v for k, v in fact.items() if k != "name" and not k.endswith("_name")}


def changes(before: State, after: State) -> list[Fact]:
    """The facts to record so that replaying them over `before` gives `after`."""
    out: list[Fact] = []
    for key, fact in after.items():
        if _compared(before.get(key)) != _compared(fact):
            out.append(fact)
    for key, fact in before.items():
        if key not in after:
            name = fact["fact"]
            gone: Fact = {"fact": name, "removed": True}
            field = _IDENTITY.get(name)
            if field:
                gone[field] = fact.get(field)
            if "name" in fact:
                gone["name"] = fact["name"]
            out.append(gone)
    return out


def differences(recorded: State, stored: State) -> list[tuple[str, Fact | None, Fact | None]]:
    """(fact key, what the log says, what the rows say) wherever they disagree."""
    keys = sorted(set(recorded) | set(stored))
    return [(k, recorded.get(k), stored.get(k)) for k in keys
            if _compared(recorded.get(k)) != _compared(stored.get(k))]


def describe(fact: Fact | None) -> str:
    """A fact for an operator's report: its compared fields as JSON, or 'nothing'."""
    compared = _compared(fact)
    if compared is None:
        return "nothing"
    compared.pop("fact", None)
    return canonical_json(compared)


def parse(text: str | None) -> list[Fact] | None:
    """The stored facts of an entry, or None when absent or unreadable."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(f, dict) and "fact" in f for f in value):
        return None
    return value
