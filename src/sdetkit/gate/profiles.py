"""Gate profiles: what a profile adds to the discovered steps, through one interface.

The fast profile is the trivial implementation (nothing added); the release profile adds the release
checks, runs them in-process and records the version, the built files and the SBOM. Adding a profile
is one class implementing :class:`GateProfile` and an entry in :data:`PROFILES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, Protocol

from sdetkit.gate.plan import ProfileSteps
from sdetkit.gate.release_profile import ReleaseProfile
from sdetkit.gate.workspace import Workspace
from sdetkit.model import StepResult, StepSpec
from sdetkit.run.process import ProcessRunner
from sdetkit.settings import GateSettings

# Runs a step sdetkit checks itself (``InternalCheck``) in its temporary folder.
InternalRunner = Callable[[StepSpec, Path], StepResult]


class RunSetup(NamedTuple):
    """What a profile may use to set up its internal checks for one run."""

    ws: Workspace
    runner: ProcessRunner
    scratch: Path  # this run's temporary folder, removed after it
    out: Path | None  # where the artifact goes, if anywhere


class GateProfile(Protocol):
    """One gate profile (``sdetkit gate NAME``)."""

    name: str
    modules: tuple[str, ...]  # what its own checks look for in the target environment
    kind_priority: Mapping[str, int]  # start priority of its kinds of step

    def steps(self, ws: Workspace) -> ProfileSteps:
        """Its own steps for the project, and the ones that do not apply with the reason."""

    def reads_cache(self, settings: GateSettings) -> bool:
        """Whether passing results may come from the cache (they are stored either way)."""

    def internal_runner(self, setup: RunSetup) -> InternalRunner | None:
        """What runs its internal checks in this run, or None when it has none."""

    def fields(self, runner: InternalRunner | None, dry_run: bool) -> dict[str, object]:
        """Its extra artifact fields, from what ``runner`` (None: nothing ran) produced."""


class FastProfile:
    """The fast gate: the discovered and declared steps only."""

    name = "fast"
    modules: tuple[str, ...] = ()
    kind_priority: Mapping[str, int] = MappingProxyType({})

    def steps(self, ws: Workspace) -> ProfileSteps:
        """Nothing of its own."""
        return ProfileSteps()

    def reads_cache(self, settings: GateSettings) -> bool:
        """A passing step on the same tree and environment need not run again."""
        return True

    def internal_runner(self, setup: RunSetup) -> InternalRunner | None:
        """No internal checks."""
        return None

    def fields(self, runner: InternalRunner | None, dry_run: bool) -> dict[str, object]:
        """No extra fields."""
        return {}


PROFILES: dict[str, GateProfile] = {p.name: p for p in (FastProfile(), ReleaseProfile())}


def profile(name: str) -> GateProfile:
    """The profile called ``name``."""
    return PROFILES[name]


def kind_priority() -> dict[str, int]:
    """Start priority of every profile's kinds of step (a declared step of such a kind starts as
    early in any gate)."""
    found: dict[str, int] = {}
    for p in PROFILES.values():
        found |= p.kind_priority
    return found


def probed_modules() -> tuple[str, ...]:
    """Every module looked for in the target environment: the step providers' tools, then what the
    profiles' own checks need. One list, so one cached probe serves every gate and the doctor."""
    from sdetkit import steps

    extra = [m for p in PROFILES.values() for m in p.modules]
    return tuple(dict.fromkeys([*steps.modules(), *extra]))
