"""Tests for ledger balances and suggested settlement transfers."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testbuys.settlement import (
    EXACT_LIMIT,
    Transfer,
    balances,
    greedy_settlements,
    settle_between_counterparties,
    suggest_settlements,
    zero_sum_groups,
)
from testbuys.shares import allocate


def apply(start: dict[str, int], transfers: list[Transfer[str]]) -> dict[str, int]:
    """Return the balances after the transfers have been paid, independently of balances()."""
    result = dict(start)
    for transfer in transfers:
        result[transfer.from_] += transfer.amount
        result[transfer.to] -= transfer.amount
    return result


@st.composite
def zero_sum_balances(draw: st.DrawFn) -> dict[str, int]:
    """Draw balances over distinct organisations that add up to zero."""
    amounts = draw(st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=10))
    amounts.append(-sum(amounts))
    return {f"org{i}": amount for i, amount in enumerate(amounts)}


# Few distinct small amounts make exact matches, and ties, common.
small_zero_sum_balances = st.lists(
    st.integers(min_value=-5, max_value=5), min_size=1, max_size=10
).map(lambda xs: {f"org{i}": x for i, x in enumerate([*xs, -sum(xs)])})


# --- balances -------------------------------------------------------------


def test_payer_is_owed_and_participants_owe_their_shares() -> None:
    """A joint buy paid by one company leaves the others owing it their shares."""
    shares = allocate(10000, {"acme": 1, "bolt": 1, "crux": 1})
    result = balances({"acme": 10000}, shares)
    assert result == {"acme": 10000 - 3334, "bolt": -3333, "crux": -3333}
    assert sum(result.values()) == 0


def test_several_payments_by_the_same_org_as_pairs() -> None:
    """Payments may be given as (org, amount) pairs, repeated orgs accumulate."""
    result = balances([("acme", 600), ("bolt", 400), ("acme", 200)], [("acme", 600), ("bolt", 600)])
    assert result == {"acme": 200, "bolt": -200}


def test_recorded_transfers_adjust_balances() -> None:
    """A recorded settlement raises the payer's balance and lowers the receiver's."""
    result = balances({"acme": 900}, {"acme": 300, "bolt": 300, "crux": 300})
    assert result == {"acme": 600, "bolt": -300, "crux": -300}
    settled = balances(
        {"acme": 900},
        {"acme": 300, "bolt": 300, "crux": 300},
        [Transfer("bolt", "acme", 300), Transfer("crux", "acme", 100)],
    )
    assert settled == {"acme": 200, "bolt": 0, "crux": -200}


@pytest.mark.parametrize(
    ("payments", "shares", "message"),
    [
        ({"acme": -1}, {}, "payment of 'acme' must not be negative"),
        ({}, {"acme": -1}, "share of 'acme' must not be negative"),
        ({"acme": 1.0}, {}, "payment of 'acme' must be an integer"),
    ],
)
def test_balances_rejects_bad_amounts(payments: dict, shares: dict, message: str) -> None:
    """Negative or non-integer amounts are refused."""
    with pytest.raises(ValueError, match=message):
        balances(payments, shares)


def test_transfer_validation_and_immutability() -> None:
    """Transfers must move a positive amount between two parties and cannot be altered."""
    with pytest.raises(ValueError, match="positive integer"):
        Transfer("a", "b", 0)
    with pytest.raises(ValueError, match="to itself"):
        Transfer("a", "a", 5)
    transfer = Transfer("a", "b", 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        transfer.amount = 6  # type: ignore[misc]


# --- suggest_settlements --------------------------------------------------


def test_nothing_to_settle() -> None:
    """All-zero or empty balances need no transfers."""
    assert suggest_settlements({}) == []
    assert suggest_settlements({"a": 0, "b": 0}) == []


def test_balances_must_sum_to_zero() -> None:
    """Balances that do not cancel out cannot be settled."""
    with pytest.raises(ValueError, match="sum to zero, they sum to 5"):
        suggest_settlements({"a": 10, "b": -5})


def test_exact_matches_are_paired_first() -> None:
    """Equal debt and claim are settled together before the greedy pass runs."""
    start = {"a": -5, "b": -3, "c": 4, "d": 3, "e": 1}
    transfers = greedy_settlements(start)
    # Greedy alone would need four transfers here: a->c 4, a->d 1, b->d 2, b->e 1.
    assert transfers == [
        Transfer("b", "d", 3),
        Transfer("a", "c", 4),
        Transfer("a", "e", 1),
    ]
    assert set(apply(start, transfers).values()) == {0}


def test_greedy_settles_largest_debtor_against_largest_creditor() -> None:
    """Without exact matches the largest debtor pays the largest creditor first."""
    transfers = suggest_settlements({"a": 70, "b": 30, "c": -60, "d": -40})
    assert transfers == [
        Transfer("c", "a", 60),
        Transfer("d", "b", 30),
        Transfer("d", "a", 10),
    ]


def test_ties_follow_input_order() -> None:
    """Equal amounts are settled in the order the organisations were given."""
    assert suggest_settlements({"x": -10, "y": -10, "p": 10, "q": 10}) == [
        Transfer("x", "p", 10),
        Transfer("y", "q", 10),
    ]
    assert suggest_settlements({"y": -10, "x": -10, "q": 10, "p": 10}) == [
        Transfer("y", "q", 10),
        Transfer("x", "p", 10),
    ]


def check_settlement(start: dict[str, int], transfers: list[Transfer[str]]) -> None:
    """Assert the transfers settle everything without overshooting."""
    non_zero = sum(1 for amount in start.values() if amount)
    assert len(transfers) <= max(non_zero - 1, 0)
    assert set(apply(start, transfers).values()) <= {0}
    for transfer in transfers:
        # Money only ever flows from a debtor to a creditor.
        assert start[transfer.from_] < 0 < start[transfer.to]
        assert transfer.amount > 0


@settings(deadline=None, max_examples=200)
@given(start=zero_sum_balances())
def test_settlements_clear_every_balance(start: dict[str, int]) -> None:
    """Applying the suggestion leaves every balance at zero with at most n - 1 transfers."""
    check_settlement(start, suggest_settlements(start))


@settings(deadline=None, max_examples=200)
@given(start=small_zero_sum_balances)
def test_settlements_clear_balances_with_many_equal_amounts(start: dict[str, int]) -> None:
    """Many repeated small amounts exercise the exact-match pass heavily."""
    transfers = suggest_settlements(start)
    check_settlement(start, transfers)
    assert transfers == suggest_settlements(dict(start))


@settings(deadline=None, max_examples=100)
@given(
    total=st.integers(min_value=0, max_value=10**9),
    payer=st.sampled_from(["acme", "bolt", "crux", "dyna"]),
    weights=st.fixed_dictionaries(
        {name: st.integers(min_value=1, max_value=100) for name in ["acme", "bolt", "crux"]}
    ),
)
def test_joint_buy_ledger_round_trip(total: int, payer: str, weights: dict[str, int]) -> None:
    """Allocate a cost, derive balances, settle them, and record the settlement."""
    shares = allocate(total, weights)
    start = balances({payer: total}, shares)
    assert sum(start.values()) == 0
    transfers = suggest_settlements(start)
    check_settlement(start, transfers)
    assert set(balances({payer: total}, shares, transfers).values()) <= {0}


# --- the true minimum --------------------------------------------------------------


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        yield [[first], *partition]
        for i in range(len(partition)):
            yield [*partition[:i], [first, *partition[i]], *partition[i + 1:]]


def _brute_minimum(start: dict) -> int:
    """n minus the most zero-sum blocks over every set partition (each connected part of a
    plan sums to zero and needs size - 1 transfers)."""
    keys = [k for k, v in start.items() if v]
    best = 0
    for partition in _partitions(keys):
        if all(sum(start[k] for k in block) == 0 for block in partition):
            best = max(best, len(partition))
    return len(keys) - best if keys else 0


def _settles(start: dict, transfers) -> bool:
    return all(v == 0 for v in balances({}, {}, []).values()) and all(
        v == 0 for v in balances([(k, v) for k, v in start.items() if v > 0],
                                 [(k, -v) for k, v in start.items() if v < 0], transfers).values())


def test_greedy_gives_five_transfers_where_four_suffice() -> None:
    start = {"a": 8, "b": 2, "c": -4, "d": 5, "e": -7, "f": -4}
    assert len(greedy_settlements(start)) == 5
    transfers = suggest_settlements(start)
    assert len(transfers) == 4 and _settles(start, transfers)
    assert sorted(sorted(g) for g in zero_sum_groups(list(start.values()))) == [[0, 2, 5], [1, 3, 4]]


zero_sum_balances = st.lists(st.integers(-60, 60).filter(bool), min_size=1, max_size=7).map(
    lambda values: {f"o{i}": v for i, v in enumerate([*values, -sum(values)]) if v})


@settings(max_examples=300, deadline=None)
@given(zero_sum_balances)
def test_the_plan_is_the_brute_force_minimum(start) -> None:
    transfers = suggest_settlements(start)
    assert _settles(start, transfers)
    assert len(transfers) == _brute_minimum(start)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([-3, -2, -1, 1, 2, 3]), min_size=2, max_size=8).map(
    lambda values: {f"o{i}": v for i, v in enumerate([*values, -sum(values)]) if v}))
def test_many_equal_amounts_still_give_the_minimum(start) -> None:
    transfers = suggest_settlements(start)
    assert _settles(start, transfers) and len(transfers) == _brute_minimum(start)


def test_twenty_balances_are_solved_exactly_and_quickly() -> None:
    import time

    # ten pairs that only cancel three at a time: 1 + 1 - 2 ... and a spread of others
    values = [7, 11, -18, 5, 9, -14, 3, 4, -7, 13, 6, -19, 8, 12, -20, 2, 15, -17, 21, -21]
    start = {f"o{i}": v for i, v in enumerate(values)}
    began = time.monotonic()
    transfers = suggest_settlements(start)
    assert time.monotonic() - began < 5
    assert _settles(start, transfers)
    assert len(transfers) == 20 - 7  # seven zero-sum groups
    many = {f"o{i}": (1 if i % 2 else -1) * (1 + i % 3) for i in range(20)}
    many["o19"] -= sum(many.values())
    many = {k: v for k, v in many.items() if v}
    assert _settles(many, suggest_settlements(many))


def test_beyond_the_limit_the_greedy_heuristic_is_used() -> None:
    start = {f"o{i}": (i + 1) * (1 if i % 2 else -1) for i in range(EXACT_LIMIT + 2)}
    start["last"] = -sum(start.values())
    assert suggest_settlements(start) == greedy_settlements(start)


# --- only between counterparties -------------------------------------------------------


def _linked(transfers, links) -> bool:
    return all(t.to in links.get(t.from_, ()) or t.from_ in links.get(t.to, ()) for t in transfers)


def test_organisations_that_never_dealt_are_not_paired() -> None:
    # A and B shared one buy, C and D another: A owes B, C owes D; never A -> D.
    start = {"A": -5, "B": 5, "C": -5, "D": 5}
    links = {"A": {"B"}, "C": {"D"}}
    assert settle_between_counterparties(start, links) == [Transfer("A", "B", 5),
                                                           Transfer("C", "D", 5)]
    # A relay: A and C never dealt, B dealt with both and is square.
    start = {"A": -7, "B": 0, "C": 7}
    links = {"B": {"A", "C"}}
    assert settle_between_counterparties(start, links) == [Transfer("A", "B", 7),
                                                           Transfer("B", "C", 7)]


@settings(max_examples=200, deadline=None)
@given(zero_sum_balances, st.randoms(use_true_random=False))
def test_counterparty_plans_settle_along_links_only(start, rnd) -> None:
    keys = list(start)
    # groups of counterparties: a random forest of purchases, each group summing to zero
    links: dict = {}
    for i, k in enumerate(keys[1:], 1):
        links.setdefault(k, set()).add(keys[rnd.randrange(i)])
    transfers = settle_between_counterparties(start, links)
    assert _linked(transfers, {**links, **{o: {k for k, v in links.items() if o in v}
                                           for o in keys}})
    assert _settles(start, transfers)
    # when every organisation dealt with every other, it is the plain minimum
    everyone = {k: set(keys) - {k} for k in keys}
    assert len(settle_between_counterparties(start, everyone)) == _brute_minimum(start)


@settings(max_examples=150, deadline=None)
@given(zero_sum_balances)
def test_the_plain_subset_dp_agrees_with_the_brute_force(start) -> None:
    """The O(n 2^n) chain DP, used when there are very many zero-sum subsets."""
    from testbuys import settlement

    saved, settlement._MANY_ZERO_SUMS = settlement._MANY_ZERO_SUMS, -1
    try:
        transfers = suggest_settlements(start)
    finally:
        settlement._MANY_ZERO_SUMS = saved
    assert _settles(start, transfers) and len(transfers) == _brute_minimum(start)
