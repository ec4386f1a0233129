"""A tiny inventory: add stock, take stock, never go below zero."""

from __future__ import annotations


class OutOfStock(Exception):
    """Raised when more items are taken than are in stock."""


class Inventory:
    def __init__(self) -> None:
        self._items: dict[str, int] = {}

    def add(self, sku: str, count: int) -> int:
        if count <= 0:
            raise ValueError("count must be positive")
        self._items[sku] = self._items.get(sku, 0) + count
        return self._items[sku]

    def take(self, sku: str, count: int) -> int:
        have = self._items.get(sku, 0)
        if count > have:
            raise OutOfStock(f"{sku}: wanted {count}, have {have}")
        self._items[sku] = have - count
        return self._items[sku]
