"""Tests for ledger balances and suggested settlement transfers."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testbuys.settlement import Transfer, balances, suggest_settlements
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
    transfers = suggest_settlements(start)
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
