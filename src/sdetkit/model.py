"""Values shared by every layer: statuses, planned steps, step results, gate reports.

Values are immutable NamedTuples rather than frozen dataclasses: they behave the same for our
purposes, and they keep `dataclasses` (and the `inspect`/`ast` imports it pulls in) off the
start-up path, which is about 15 ms of every run (see docs/performance.md).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

# Shared, never mutated: a NamedTuple field cannot have a default factory.
_EMPTY: Mapping[str, object] = MappingProxyType({})


class Status(str, enum.Enum):
    """Outcome of one step. Only ``passed`` counts as a pass; ``skipped`` never does."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"


# Placeholders a step's plumbing arguments may contain; the runner substitutes real paths and the
# artifact keeps the placeholder, so recorded argv never holds a temporary or absolute path.
TMP = "{tmp}"
CACHE = "{cache}"
TARGET_PYTHON = "{python}"  # the target environment's interpreter (a tool run from its own environment)


class ExternalProgram(NamedTuple):
    """The step runs this executable: the target interpreter, a tool's script, or a project file."""

    path: str


class MissingTool(NamedTuple):
    """The step's tool is not installed: running the step is an error that says how to install it."""

    hint: str  # the step's error message
    install: str | None = None  # the command that installs the tool, when one is known


class InternalCheck(NamedTuple):
    """sdetkit runs the check itself (the release checks); it is never cached."""


# What a step runs: one of the three, never a sentinel string or None.
Program = ExternalProgram | MissingTool | InternalCheck
# The one internal-check value (release checks share it).
INTERNAL = InternalCheck()


class StepSpec(NamedTuple):
    """One planned step: what to run, why it was chosen, and how to read its result.

    ``command`` is the command a person would type in the project root (``python`` stands for the
    target environment's interpreter); ``extra`` are sdetkit's plumbing arguments (report files,
    cache locations, flags that keep the tool from modifying the repository).
    """

    id: str
    kind: str
    tool: str
    command: tuple[str, ...]
    reason: str
    program: Program
    extra: tuple[str, ...] = ()
    timeout: float | None = None
    needs: tuple[str, ...] = ()
    modifies: bool = False
    provider: str = "custom"
    env: tuple[tuple[str, str], ...] = ()
    origin: str = ""  # where the command comes from: "file:line (source kind)"
    # The tool version the step runs and why that one: "pinned in FILE:LINE", or "installed; ..."
    # when --use-installed-tools runs another than the pin. Unset for tools the project does not pin.
    tool_version: str | None = None
    version_source: str = ""
    # A command run first, with the step's program and variables, whose exit code the step does not
    # judge (``python -m coverage combine --append``: the tests step's parallel data files into
    # the one data file this step reads); the step's own command then judges.
    before: tuple[str, ...] = ()

    @property
    def argv(self) -> tuple[str, ...]:
        """The recorded argv: repo-relative, placeholders for sdetkit's own paths."""
        marks = ((TMP, "<tmp>"), (CACHE, "<cache>"), (TARGET_PYTHON, "<python>"))
        return self.command + tuple(functools.reduce(lambda a, m: a.replace(*m), marks, a) for a in self.extra)

    @property
    def rerun(self) -> tuple[str, ...]:
        """The command a person runs to reproduce the step: argv without sdetkit's report plumbing."""
        kept: list[str] = []
        units: list[tuple[str, ...]] = []
        args = list(self.extra)
        while args:
            arg = args.pop(0)
            units.append((arg, args.pop(0)) if arg == "-o" and args else (arg,))
        for unit in units:
            text = " ".join(unit)
            if TMP in text or CACHE in text or TARGET_PYTHON in text or "junit" in text:
                continue
            kept.extend(unit)
        return self.command + tuple(kept)


class FirstFailure(NamedTuple):
    """The first failure a step's output shows, as precisely as the tool reports it."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rule: str | None = None
    test_id: str | None = None

    def location(self) -> str:
        """``file:line:col`` as far as known, or an empty string."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)


class StepResult(NamedTuple):
    """What happened to one step."""

    spec: StepSpec
    status: Status
    exit_code: int | None = None
    cached: bool = False
    message: str = ""
    log_tail: str = ""
    first_failure: FirstFailure | None = None
    duration: float = 0.0
    tool_version: str | None = None
    side_effects: tuple[str, ...] = ()  # work-tree paths that appeared or changed while it ran


class RepoFacts(NamedTuple):
    """Where the gate ran: the project's path inside its git work tree and the commit."""

    root: str
    commit: str | None
    branch: str | None
    dirty: bool
    project_path: str = "."


class Verdict(NamedTuple):
    """The pure reduction of step results."""

    ok: bool
    failed_steps: tuple[str, ...]
    reason: str


class GateReport(NamedTuple):
    """Everything a gate run produced; formatters render it, the artifact serialises it."""

    profile: str
    repo: RepoFacts
    results: tuple[StepResult, ...]
    verdict: Verdict
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    run: Mapping[str, object] = _EMPTY
    extra: Mapping[str, object] = _EMPTY  # profile-specific fields (release: version, dists, sbom)
