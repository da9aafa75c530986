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

__all__ = ["Transfer", "balances", "greedy_settlements", "minimum_transfers",
           "settle_between_counterparties", "suggest_settlements", "zero_sum_groups"]


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


EXACT_LIMIT = 20  # non-zero balances up to which the plan is the proven minimum
_MANY_ZERO_SUMS = 4096  # beyond this many zero-sum subsets, the plain subset DP is faster


def _validated(balances: Mapping[K, int]) -> None:
    for org, amount in balances.items():
        if not _is_int(amount):
            raise ValueError(f"balance of {org!r} must be an integer, got {amount!r}")
    total = sum(balances.values())
    if total != 0:
        raise ValueError(f"balances must sum to zero, they sum to {total}")


def suggest_settlements(balances: Mapping[K, int]) -> list[Transfer[K]]:
    """The fewest transfers that bring every balance to zero.

    A set of transfers falls into connected parts, each of which sums to zero, and a part
    of k organisations needs at least k - 1 transfers; so the minimum for n non-zero
    balances is n minus the largest number of disjoint zero-sum groups they split into.
    Up to EXACT_LIMIT non-zero balances that split is found exactly (`zero_sum_groups`)
    and each group is settled with exactly k - 1 transfers. Beyond, the plan is a
    heuristic (`greedy_settlements`): exact pairs, then largest debtor to largest creditor,
    at most n - 1 transfers but not always the fewest. Deterministic for a given input order.
    """
    _validated(balances)
    keys = [k for k, amount in balances.items() if amount]
    if len(keys) > EXACT_LIMIT:
        return greedy_settlements(balances)
    amounts = [balances[k] for k in keys]
    transfers: list[Transfer[K]] = []
    for group in zero_sum_groups(amounts):
        transfers.extend(greedy_settlements({keys[i]: amounts[i] for i in group}))
    return transfers


def minimum_transfers(balances: Mapping[K, int]) -> int:
    """How many transfers the fewest-transfer plan has (exact up to EXACT_LIMIT)."""
    return len(suggest_settlements(balances))


def zero_sum_groups(amounts: list[int]) -> list[list[int]]:
    """Split the indices of non-zero `amounts` (summing to zero) into the largest number of
    disjoint groups that each sum to zero; exact, for up to EXACT_LIMIT amounts.

    Opposite amounts (a, -a) are paired first: some best split always keeps such a pair as
    a group of its own (if a and -a sat in two groups, their union is zero-sum and splits
    into the pair and the rest; if in one larger group, that group splits likewise). The
    rest is a subset DP over bitmasks: best(mask) is the most zero-sum groups inside mask,
    and the lowest member of mask is either outside every group (best(mask - low)) or in
    a zero-sum group S within mask whose lowest member it is (1 + best(mask - S)).
    """
    if any(a == 0 for a in amounts) or sum(amounts) != 0:
        raise ValueError("zero_sum_groups takes non-zero amounts that sum to zero")
    groups: list[list[int]] = []
    waiting: dict[int, list[int]] = {}
    rest: list[int] = []
    for i, amount in enumerate(amounts):
        partners = waiting.get(-amount)
        if partners:
            groups.append([partners.pop(0), i])
        else:
            waiting.setdefault(amount, []).append(i)
    rest = sorted(i for indices in waiting.values() for i in indices)
    if not rest:
        return sorted(groups)
    if len(rest) > EXACT_LIMIT:
        raise ValueError(f"an exact split is computed for up to {EXACT_LIMIT} amounts")
    values = [amounts[i] for i in rest]
    for mask in _best_split(values):
        groups.append([rest[j] for j in range(len(rest)) if mask >> j & 1])
    return sorted(groups)


def _subset_sums(values: list[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums += [s + value for s in sums]
    return sums


def _best_split(values: list[int]) -> list[int]:
    """The masks of the largest split of `values` (summing to zero) into zero-sum groups."""
    n = len(values)
    full = (1 << n) - 1
    sums = _subset_sums(values)
    zero = [mask for mask in range(1, full + 1) if sums[mask] == 0]
    if len(zero) > _MANY_ZERO_SUMS:
        return _best_split_by_chains(n, sums)
    by_low: dict[int, list[int]] = {}
    for mask in zero:
        by_low.setdefault(mask & -mask, []).append(mask)
    memo: dict[int, tuple[int, int]] = {0: (0, 0)}  # mask -> (groups, group taken or 0)

    def best(mask: int) -> int:
        # each call removes at least one member: the recursion is at most n deep
        if mask in memo:
            return memo[mask][0]
        low = mask & -mask
        result, taken = best(mask ^ low), 0
        for group in by_low.get(low, ()):
            if group & mask == group:
                count = 1 + best(mask ^ group)
                if count > result:
                    result, taken = count, group
        memo[mask] = (result, taken)
        return result

    best(full)
    masks, mask = [], full
    while mask:
        taken = memo[mask][1]
        if taken:
            masks.append(taken)
            mask ^= taken
        else:
            mask ^= mask & -mask
    # Every member of a zero-sum whole ends in a group (a zero-sum remainder would be one
    # more group); kept as a guard for the arithmetic.
    leftover = full ^ sum(masks)
    if leftover:
        masks.append(leftover)
    return masks


def _best_split_by_chains(n: int, sums: list[int]) -> list[int]:
    """The same split by the plain DP: chain[mask] = (mask is zero-sum) + the best chain of
    any mask one member smaller; the zero-sum masks along the best chain nest, and their
    differences are the groups. O(n 2^n), for inputs with very many zero-sum subsets."""
    full = (1 << n) - 1
    chain = bytearray(full + 1)
    bits = [1 << j for j in range(n)]
    for mask in range(1, full + 1):
        # Removing one member loses at most one group: the best is the chain without the
        # lowest member, or one more, which the first better member found settles.
        low = mask & -mask
        top = chain[mask ^ low]
        rest = mask ^ low
        while rest:
            bit = rest & -rest
            if chain[mask ^ bit] > top:
                top += 1
                break
            rest ^= bit
        chain[mask] = top + (sums[mask] == 0)
    masks, mask, last = [], full, full
    while mask:
        step = chain[mask] - (sums[mask] == 0)
        if sums[mask] == 0 and mask != last:
            masks.append(last ^ mask)
            last = mask
        mask ^= next(bit for bit in bits if mask & bit and chain[mask ^ bit] == step)
    masks.append(last)
    return masks


def greedy_settlements(balances: Mapping[K, int]) -> list[Transfer[K]]:
    """A heuristic plan: exact matches, then greedy (at most n - 1 transfers, not always
    the fewest).

    First every debtor whose debt exactly equals some creditor's claim is paired
    with that creditor (debtors taken largest debt first; among equal creditors
    the earliest in input order).  The rest are settled by repeatedly paying
    from the largest remaining debtor to the largest remaining creditor.  Ties
    in amount are always broken by input order, so the output is deterministic.
    Every transfer settles at least one party in full, so there are at most
    ``n - 1`` transfers for ``n`` non-zero balances.
    """
    _validated(balances)
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


def settle_between_counterparties(balances: Mapping[K, int],
                                  counterparties: Mapping[K, Iterable[K]]) -> list[Transfer[K]]:
    """Transfers that bring every balance to zero, each between two counterparties.

    The organisations fall into connected groups of counterparties (linked by a shared
    purchase or a recorded settlement); each group's balances sum to zero and the group is
    settled on its own, so no transfer ever pairs organisations that never dealt with each
    other. Within a group the balances are split as `suggest_settlements` does (the
    largest number of zero-sum parts, exact up to EXACT_LIMIT non-zero balances, else the
    whole group as one part), and each part is settled along a tree of counterparty links:
    the links among the part's own members when they are connected (then the plan is the
    fewest transfers possible), else through common counterparties, who pass the amount on
    (their own balance unchanged). Transfers on the same pair are netted.
    """
    _validated(balances)
    links: dict[K, set[K]] = {}
    for org, others in counterparties.items():
        for other in others:
            if other != org:
                links.setdefault(org, set()).add(other)
                links.setdefault(other, set()).add(org)
    order = {k: i for i, k in enumerate([*balances, *(k for k in links if k not in balances)])}
    flows: dict[tuple[K, K], int] = {}
    for component in _components(order, links):
        owed = {k: balances.get(k, 0) for k in component}
        if sum(owed.values()) != 0:
            raise ValueError("a group of counterparties does not sum to zero")
        keys = [k for k in component if owed[k]]
        if not keys:
            continue
        if len(keys) <= EXACT_LIMIT:
            parts = [[keys[i] for i in g] for g in zero_sum_groups([owed[k] for k in keys])]
        else:
            parts = [keys]
        for part in parts:
            for payer, payee, amount in _tree_flows(part, owed, component, links, order):
                key, sign = ((payer, payee), 1) if order[payer] < order[payee] else ((payee, payer), -1)
                flows[key] = flows.get(key, 0) + sign * amount
    transfers = []
    for (a, b), amount in sorted(flows.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        if amount > 0:
            transfers.append(Transfer(a, b, amount))
        elif amount < 0:
            transfers.append(Transfer(b, a, -amount))
    return transfers


def _components(order: Mapping[K, int], links: Mapping[K, set[K]]) -> list[list[K]]:
    seen: set[K] = set()
    components = []
    for start in order:
        if start in seen:
            continue
        seen.add(start)
        component, queue = [], [start]
        while queue:
            node = queue.pop()
            component.append(node)
            for other in links.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        components.append(sorted(component, key=order.__getitem__))
    return components


def _tree_flows(part: list[K], owed: Mapping[K, int], component: list[K],
                links: Mapping[K, set[K]], order: Mapping[K, int]):
    """(payer, payee, amount) along a tree of counterparty links that spans `part`."""
    members = set(part)
    tree = _bfs_tree(part[0], links, members, order)
    if not members <= set(tree):
        tree = _bfs_tree(part[0], links, set(component), order)
        # cut the branches that reach none of the part: relays are only kept where needed
        children: dict[K, int] = {}
        for parent in tree.values():
            if parent is not None:
                children[parent] = children.get(parent, 0) + 1
        leaves = [n for n in tree if n not in members and not children.get(n)]
        while leaves:
            node = leaves.pop()
            parent = tree.pop(node)
            if parent is not None:
                children[parent] -= 1
                if parent not in members and not children[parent]:
                    leaves.append(parent)
    # subtree sums, children before parents (the BFS order reversed)
    below = {node: owed[node] if node in members else 0 for node in tree}
    for node in reversed(list(tree)):
        parent = tree[node]
        if parent is None:
            continue
        amount = below[node]
        if amount > 0:  # the subtree is owed: the parent side pays it
            yield parent, node, amount
        elif amount < 0:
            yield node, parent, -amount
        below[parent] += amount


def _bfs_tree(root: K, links: Mapping[K, set[K]], allowed: set[K],
              order: Mapping[K, int]) -> dict[K, K | None]:
    """node -> parent, in breadth-first order from root, within `allowed`."""
    tree: dict[K, K | None] = {root: None}
    queue = [root]
    for node in queue:
        for other in sorted(links.get(node, ()), key=order.__getitem__):
            if other in allowed and other not in tree:
                tree[other] = node
                queue.append(other)
    return tree
