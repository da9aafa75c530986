"""Marketplace listings as the matcher sees them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing to screen: title text, price in minor units (fen) and region, if known."""

    id: str
    title: str
    price: int | None = None
    region: str | None = None
