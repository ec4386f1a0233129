"""What a part of the store's queries needs from the store (``Store`` provides it): the parts live
in their own modules (``store_incidents``, ``store_checklists``) and are mixed into ``Store``."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any


class StoreConnection:
    """The store's connection as its query parts use it."""

    def sql(self, text: str) -> str:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def query(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:  # pragma: no cover
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Any]:  # pragma: no cover - provided by Store
        raise NotImplementedError
