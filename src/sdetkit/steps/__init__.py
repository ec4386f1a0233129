"""Step providers and their registry. Adding a tool: one module, one entry here, tests."""

from __future__ import annotations

from sdetkit.steps.base import Provider
from sdetkit.steps.custom import Custom
from sdetkit.steps.mypy import Mypy
from sdetkit.steps.pyright import Pyright
from sdetkit.steps.pytest import Pytest
from sdetkit.steps.ruff import RuffFormat, RuffLint

CUSTOM = Custom()
# Discovery order is also the default report order.
DISCOVERABLE: tuple[Provider, ...] = (RuffLint(), RuffFormat(), Mypy(), Pyright(), Pytest())
REGISTRY: dict[str, Provider] = {p.name: p for p in (*DISCOVERABLE, CUSTOM)}


def provider(name: str) -> Provider:
    """The provider that planned a step (``StepSpec.provider``)."""
    return REGISTRY[name]
