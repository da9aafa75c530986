"""Tests for largest-remainder cost allocation."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testbuys.shares import allocate

weights_strategy = st.dictionaries(
    keys=st.text(min_size=1, max_size=8),
    values=st.integers(min_value=1, max_value=10**6),
    min_size=1,
    max_size=12,
)
totals = st.integers(min_value=0, max_value=10**12)


def test_even_split() -> None:
    """An evenly divisible total is split exactly."""
    assert allocate(9000, {"a": 1, "b": 1, "c": 1}) == {"a": 3000, "b": 3000, "c": 3000}


def test_leftover_goes_to_largest_remainder() -> None:
    """The unit left over goes to the participant with the largest remainder."""
    # Exact shares: 100 * 1/6 = 16.67, 100 * 2/6 = 33.33, 100 * 3/6 = 50.
    assert allocate(100, {"a": 1, "b": 2, "c": 3}) == {"a": 17, "b": 33, "c": 50}


def test_tie_broken_by_key_order() -> None:
    """Equal remainders and weights fall to the key that comes first."""
    assert allocate(1, {"a": 1, "b": 1}) == {"a": 1, "b": 0}
    assert allocate(1, {"b": 1, "a": 1}) == {"b": 1, "a": 0}
    assert allocate(10000, {"x": 1, "y": 1, "z": 1}) == {"x": 3334, "y": 3333, "z": 3333}


def test_tie_broken_by_larger_weight_first() -> None:
    """Equal remainders fall to the larger weight before key order is consulted."""
    # 2 * 1/4 = 0.5 and 2 * 3/4 = 1.5: both remainders are one half.
    assert allocate(2, {"a": 1, "b": 3}) == {"a": 0, "b": 2}
    assert allocate(2, {"b": 3, "a": 1}) == {"b": 2, "a": 0}


def test_zero_total() -> None:
    """A zero total gives everybody zero."""
    assert allocate(0, {"a": 5, "b": 7}) == {"a": 0, "b": 0}


def test_result_keeps_key_order() -> None:
    """The result lists participants in the order they were given."""
    assert list(allocate(10, {"c": 1, "a": 2, "b": 3})) == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (100, {}, "no participants"),
        (100, {"a": 0}, "must be positive"),
        (100, {"a": 1, "b": -2}, "must be positive"),
        (-1, {"a": 1}, "must not be negative"),
        (100, {"a": 1.5}, "must be an integer"),
        (100, {"a": True}, "must be an integer"),
        (10.0, {"a": 1}, "integer number of minor units"),
    ],
)
def test_invalid_input(total: object, weights: dict, message: str) -> None:
    """Invalid totals and weights are rejected with a clear message."""
    with pytest.raises(ValueError, match=message):
        allocate(total, weights)  # type: ignore[arg-type]


@settings(deadline=None, max_examples=200)
@given(total=totals, weights=weights_strategy)
def test_shares_sum_to_total_and_stay_within_one_unit(total: int, weights: dict[str, int]) -> None:
    """Shares add up to the total and each is within one unit of its exact proportion."""
    shares = allocate(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for key, weight in weights.items():
        exact = Fraction(total * weight, weight_sum)
        assert abs(shares[key] - exact) < 1
        assert shares[key] >= 0


@settings(deadline=None, max_examples=100)
@given(total=totals, weights=weights_strategy)
def test_allocation_is_deterministic(total: int, weights: dict[str, int]) -> None:
    """The same input, even as a fresh copy, always gives the same split."""
    first = allocate(total, weights)
    second = allocate(total, dict(weights))
    assert first == second
    assert list(first.items()) == list(second.items())


@settings(deadline=None, max_examples=100)
@given(total=totals, weights=weights_strategy, factor=st.integers(min_value=2, max_value=50))
def test_scaling_weights_changes_nothing(total: int, weights: dict[str, int], factor: int) -> None:
    """Only the ratios of the weights matter, including for tie-breaking."""
    scaled = {key: weight * factor for key, weight in weights.items()}
    assert allocate(total, scaled) == allocate(total, weights)
