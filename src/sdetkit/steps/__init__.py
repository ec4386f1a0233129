"""Step providers and their registry: the one list of the tools the gate knows.

Adding a tool is one module implementing :class:`~sdetkit.steps.base.StepProvider` and one entry in
:data:`PROVIDERS`. Everything else that names tools reads this list when it runs: the plan (discovery,
report and start order), the environment probe (which modules to look for), the recorded tool
versions, ``decide``'s reproduce command and the doctor's pins and install hints. Steps a repository
declares itself are not discovered: :data:`CONFIGURED` plans and reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sdetkit.steps.base import DEFAULT_PRIORITY, StepProvider, StepReader
from sdetkit.steps.black import Black
from sdetkit.steps.coverage import Coverage
from sdetkit.steps.custom import ConfiguredSteps
from sdetkit.steps.flake8 import Flake8
from sdetkit.steps.isort import Isort
from sdetkit.steps.mypy import Mypy
from sdetkit.steps.pyright import Pyright
from sdetkit.steps.pytest import Pytest
from sdetkit.steps.ruff import RuffFormat, RuffLint
from sdetkit.steps.runners import OtherTestRunner
from sdetkit.steps.unittest import Unittest

# Discovery order is also the default report order.
PROVIDERS: list[StepProvider] = [
    RuffLint(),
    RuffFormat(),
    Flake8(),
    Black(),
    Isort(),
    Mypy(),
    Pyright(),
    Pytest(),
    Unittest(),
    OtherTestRunner(),
    Coverage(),
]
CONFIGURED = ConfiguredSteps()


@contextmanager
def registered(*extra: StepProvider) -> Iterator[None]:
    """Add providers (after the built-in ones) for the duration of a ``with`` block; the registry is
    restored on leaving it, whatever happens inside."""
    before = list(PROVIDERS)
    PROVIDERS.extend(extra)
    try:
        yield
    finally:
        PROVIDERS[:] = before


def reader(name: str) -> StepReader:
    """What reads the result of a step planned by ``name`` (``StepSpec.provider``)."""
    if name == CONFIGURED.name:
        return CONFIGURED
    return next(p for p in PROVIDERS if p.name == name)


def modules() -> tuple[str, ...]:
    """The modules the providers' tools install (and the plugins they look for), to look for in the
    target environment."""
    found = [m for p in PROVIDERS for m in (p.module, *getattr(p, "probes", ()))]
    return tuple(dict.fromkeys(found))


def tool_packages() -> dict[str, str]:
    """Tool name -> the distribution whose installed version the gate records for its steps."""
    found: dict[str, str] = {}
    for p in PROVIDERS:
        found.setdefault(p.tool, p.package)
    return found


def kind_priority() -> dict[str, int]:
    """Start priority of each kind of step the providers plan (the first provider of a kind sets it)."""
    found: dict[str, int] = {}
    for p in PROVIDERS:
        found.setdefault(p.kind, p.priority)
    return found


def reproduce_command(tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
    """The command a person runs to see a recorded failure again: the first provider's that claims
    it (see :meth:`~sdetkit.steps.base.StepProvider.reproduce`), else None."""
    return next((c for p in PROVIDERS if (c := p.reproduce(tool, kind, first))), None)


__all__ = [
    "CONFIGURED",
    "DEFAULT_PRIORITY",
    "PROVIDERS",
    "StepProvider",
    "kind_priority",
    "modules",
    "reader",
    "registered",
    "reproduce_command",
    "tool_packages",
]
