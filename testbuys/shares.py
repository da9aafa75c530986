"""Split a cost in minor currency units among participants by integer weights.

Money is handled as integers in minor units (fen); all amounts passed in are
assumed to be in one and the same currency.  The split uses largest-remainder
(Hamilton) rounding:

1. every participant first gets ``floor(total * w / W)``, where ``W`` is the
   sum of all weights;
2. the few units left over (fewer than the number of participants) go one
   each to the participants with the largest remainder
   ``total * w mod W``.

Ties between equal remainders are broken by a stable order: larger weight
first, then the order in which the keys appear in ``weights``.  The result is
therefore fully determined by the input, the shares add up exactly to
``total`` and each share differs from the exact proportion ``total * w / W``
by less than one minor unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

__all__ = ["allocate"]


def _is_int(value: object) -> bool:
    """Return True for real integers, excluding bools."""
    # bool is a subclass of int, but True as an amount or weight is always a bug.
    return isinstance(value, int) and not isinstance(value, bool)


def allocate(total: int, weights: Mapping[K, int]) -> dict[K, int]:
    """Split ``total`` minor units among the keys of ``weights`` by largest remainder."""
    if not _is_int(total):
        raise ValueError(f"total must be an integer number of minor units, got {total!r}")
    if total < 0:
        raise ValueError(f"total must not be negative, got {total}")
    if not weights:
        raise ValueError("cannot allocate among no participants")
    for key, weight in weights.items():
        if not _is_int(weight):
            raise ValueError(f"weight of {key!r} must be an integer, got {weight!r}")
        if weight <= 0:
            raise ValueError(f"weight of {key!r} must be positive, got {weight}")

    keys = list(weights)
    weight_sum = sum(weights.values())
    shares: dict[K, int] = {}
    remainders: list[tuple[int, int, int]] = []
    for index, key in enumerate(keys):
        weight = weights[key]
        # Integer division keeps the computation exact for any size of total.
        base, remainder = divmod(total * weight, weight_sum)
        shares[key] = base
        remainders.append((remainder, weight, index))

    leftover = total - sum(shares.values())
    # Largest remainder first, then larger weight, then original key order.
    remainders.sort(key=lambda item: (-item[0], -item[1], item[2]))
    # leftover == sum(remainders) / W and every remainder < W, so at least
    # `leftover` participants have a non-zero remainder; only they are rounded up,
    # which keeps every share within one unit of its exact proportion.
    for _remainder, _weight, index in remainders[:leftover]:
        shares[keys[index]] += 1
    return shares
