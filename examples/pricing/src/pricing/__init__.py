"""Prices in whole cents, with percentage discounts."""

from __future__ import annotations

from collections.abc import Iterable


def apply_discount(cents: int, percent: int) -> int:
    """The price after a ``percent`` discount, in cents, rounded half up."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    # The planted bug: floor division truncates (995 cents at 10% off is 895.5: 895, not 896).
    return cents * (100 - percent) // 100


def total(prices: Iterable[int], percent: int = 0) -> int:
    """The sum of ``prices`` (cents) after the same discount on each."""
    return sum(apply_discount(p, percent) for p in prices)
