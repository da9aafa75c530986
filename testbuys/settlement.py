"""Ledger balances between member companies and suggested settlement transfers.

All amounts are integers in minor units (fen) of a single currency; ledgers in
different currencies must be settled separately.

Sign convention: a positive balance means the organisation is owed money, a
negative balance means it owes money.  An organisation that paid a cost is owed
it, and each participant owes its share of it, so ``balance = paid - owed``.
A recorded settlement transfer moves money from a debtor to a creditor and
therefore raises the payer's balance and lowers the receiver's.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

__all__ = ["Transfer", "balances", "suggest_settlements"]


def _is_int(value: object) -> bool:
    """Return True for real integers, excluding bools."""
    # bool is a subclass of int, but True as an amount is always a bug.
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Transfer(Generic[K]):
    """A payment of ``amount`` minor units from ``from_`` to ``to``."""

    from_: K
    to: K
    amount: int

    def __post_init__(self) -> None:
        """Reject transfers that could never be part of a settlement."""
        if not _is_int(self.amount) or self.amount <= 0:
            raise ValueError(f"transfer amount must be a positive integer, got {self.amount!r}")
        if self.from_ == self.to:
            raise ValueError(f"transfer from {self.from_!r} to itself")


def _amounts(
    entries: Mapping[K, int] | Iterable[tuple[K, int]], what: str
) -> Iterable[tuple[K, int]]:
    """Yield validated (org, amount) pairs from a mapping or an iterable of pairs."""
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    for org, amount in pairs:
        if not _is_int(amount):
            raise ValueError(f"{what} of {org!r} must be an integer, got {amount!r}")
        if amount < 0:
            raise ValueError(f"{what} of {org!r} must not be negative, got {amount}")
        yield org, amount


def balances(
    payments: Mapping[K, int] | Iterable[tuple[K, int]],
    shares: Mapping[K, int] | Iterable[tuple[K, int]],
    transfers: Iterable[Transfer[K]] = (),
) -> dict[K, int]:
    """Return each organisation's balance: paid minus owed, adjusted by recorded transfers."""
    # Pairs are accepted as well as mappings so that several costs paid by the
    # same organisation can be passed without pre-aggregating them.
    result: dict[K, int] = {}
    for org, amount in _amounts(payments, "payment"):
        result[org] = result.get(org, 0) + amount
    for org, amount in _amounts(shares, "share"):
        result[org] = result.get(org, 0) - amount
    for transfer in transfers:
        # Paying off a debt moves the payer towards zero from below and the
        # receiver towards zero from above.
        result[transfer.from_] = result.get(transfer.from_, 0) + transfer.amount
        result[transfer.to] = result.get(transfer.to, 0) - transfer.amount
    return result


def suggest_settlements(balances: Mapping[K, int]) -> list[Transfer[K]]:
    """Suggest few transfers that bring every balance to zero: exact matches, then greedy.

    First every debtor whose debt exactly equals some creditor's claim is paired
    with that creditor (debtors taken largest debt first; among equal creditors
    the earliest in input order).  The rest are settled by repeatedly paying
    from the largest remaining debtor to the largest remaining creditor.  Ties
    in amount are always broken by input order, so the output is deterministic.
    Every transfer settles at least one party in full, so there are at most
    ``n - 1`` transfers for ``n`` non-zero balances.
    """
    for org, amount in balances.items():
        if not _is_int(amount):
            raise ValueError(f"balance of {org!r} must be an integer, got {amount!r}")
    total = sum(balances.values())
    if total != 0:
        raise ValueError(f"balances must sum to zero, they sum to {total}")

    keys = list(balances)
    # Indices into `keys` stand in for the organisations so that ordering never
    # has to compare the (possibly unorderable) keys themselves.
    debtors = [(-balances[k], i) for i, k in enumerate(keys) if balances[k] < 0]
    creditors = [(balances[k], i) for i, k in enumerate(keys) if balances[k] > 0]
    transfers: list[Transfer[K]] = []

    # Exact matches: each settles two parties with a single transfer.
    open_creditors: dict[int, list[int]] = {}
    for amount, index in creditors:
        open_creditors.setdefault(amount, []).append(index)
    matched: set[int] = set()
    remaining_debtors: list[tuple[int, int]] = []
    for amount, index in sorted(debtors, key=lambda item: (-item[0], item[1])):
        candidates = open_creditors.get(amount)
        if candidates:
            creditor = candidates.pop(0)
            matched.add(creditor)
            transfers.append(Transfer(keys[index], keys[creditor], amount))
        else:
            remaining_debtors.append((amount, index))
    remaining_creditors = [(a, i) for a, i in creditors if i not in matched]

    # Greedy: largest debtor pays largest creditor; heap entries are
    # (-amount, input index) so the largest amount, then the earliest key, pops first.
    debt_heap = [(-amount, index) for amount, index in remaining_debtors]
    credit_heap = [(-amount, index) for amount, index in remaining_creditors]
    heapq.heapify(debt_heap)
    heapq.heapify(credit_heap)
    while debt_heap and credit_heap:
        neg_debt, debtor = heapq.heappop(debt_heap)
        neg_credit, creditor = heapq.heappop(credit_heap)
        debt, credit = -neg_debt, -neg_credit
        paid = min(debt, credit)
        transfers.append(Transfer(keys[debtor], keys[creditor], paid))
        if debt > paid:
            heapq.heappush(debt_heap, (-(debt - paid), debtor))
        if credit > paid:
            heapq.heappush(credit_heap, (-(credit - paid), creditor))
    # A zero total guarantees that debtors and creditors run out together.
    return transfers
