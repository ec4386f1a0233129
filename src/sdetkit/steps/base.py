"""What a step provider is, and the helpers providers share.

A provider looks at a project's facts and either plans one step (with the reason it was chosen) or
says why it did not. It also knows how to read its tool's exit code and output, and everything
else about its tool (see :class:`StepProvider`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from sdetkit.model import ExternalProgram, FirstFailure, MissingTool, Status, StepSpec
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment


class NotChosen(NamedTuple):
    """A step a provider considered and did not plan, with the reason."""

    id: str
    reason: str


class PlanContext(NamedTuple):
    """Everything a provider may look at while planning."""

    facts: ProjectFacts
    env: Environment
    path_env: str | None
    fix: bool = False


class StepReader(Protocol):
    """How to read a step's result: every step has one (a discovered tool's or a configured step's)."""

    name: str

    def status(self, exit_code: int) -> Status:
        """Map the tool's exit code to a status."""

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first failure the tool reported, from its output or the report files it wrote in ``tmp``."""


class StepProvider(StepReader, Protocol):
    """One kind of step (one tool), discovered from the project's own configuration.

    Everything sdetkit knows about the tool lives here: where it is installed (``module`` probed in
    the target environment, ``package`` to install, whose version is recorded and whose pins the
    doctor reads), how to plan and run it, how to read its failure and how a person reproduces it.
    Adding a tool is one module implementing this plus an entry in :data:`sdetkit.steps.PROVIDERS`.
    """

    step_id: str
    kind: str
    tool: str
    module: str  # importable module probed in the target environment
    package: str  # the distribution `pip install` installs: install hint, recorded version, pins
    priority: int  # start order of its kind when several steps are ready (lower starts first)
    precommit_repos: tuple[str, ...]  # pre-commit hook repositories that pin it (empty: pins unread)

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen | None:
        """Plan the step from the project's own configuration, or say why not (None: the project
        shows no sign of the tool, so there is nothing to say)."""

    def matches(self, argv: tuple[str, ...]) -> bool:
        """Whether a configured command runs this provider's tool (so its plumbing and parser apply)."""

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """sdetkit's plumbing arguments for ``command``: reports, caches, no-modify flags."""

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """The command a person runs to see a recorded step's first failure again (``tool`` and
        ``kind`` are the step's, ``first`` its ``first_failure`` as the artifact records it), or None
        when it is not this provider's to reproduce."""


# Start priority of a kind no provider names (configured and release steps).
DEFAULT_PRIORITY = 2


class ToolProvider:
    """What most providers share: the tool runs as ``python -m MODULE`` (or as ``script`` from the
    environment's scripts folder, else PATH), 0 passes and 1 is a finding, no plumbing, no parser.
    Subclasses set the class attributes and override only what differs for their tool."""

    name: str
    step_id: str
    kind: str
    tool: str
    module: str
    package: str
    script: str | None = None  # run as this program rather than ``python -m module``
    subcommand: str | None = None  # the tool's subcommand this provider runs (``ruff check``)
    also_runs: tuple[str, ...] = ()  # other names of the same tool (``dmypy``, ``py.test``)
    priority: int = DEFAULT_PRIORITY
    precommit_repos: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()  # plugin modules whose presence changes the plan (pytest-xdist)
    # Arguments that let the tool, run from a pinned tool environment, resolve imports from the
    # project's environment (as it does when installed there, like the project's CI installs it).
    sees_project_env: tuple[str, ...] = ()

    def program(self, ctx: PlanContext) -> ExternalProgram | MissingTool:
        """Where the tool is in the target environment, or how to install it."""
        if self.script is not None:
            return program_tool(ctx, self.script, self.package)
        return python_tool(ctx, self.module, self.package)

    def plan(self, ctx: PlanContext, command: tuple[str, ...], reason: str, modifies: bool = False) -> StepSpec:
        """This provider's step for ``command``, with its plumbing added."""
        return StepSpec(
            id=self.step_id,
            kind=self.kind,
            tool=self.tool,
            command=command,
            extra=self.extra(ctx, command),
            reason=reason,
            program=self.program(ctx),
            modifies=modifies,
            provider=self.name,
        )

    def matches(self, argv: tuple[str, ...]) -> bool:
        """``tool [subcommand]`` or ``python -m tool [subcommand]``, under any of its names."""
        return any(runs_tool(argv, name, self.subcommand) for name in (self.tool, *self.also_runs))

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """No plumbing arguments."""
        return ()

    def status(self, exit_code: int) -> Status:
        """0 passes, 1 is a finding, anything else a tool error."""
        return exit_status(exit_code)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first located error line, else the first error-ish one."""
        return generic_first_failure(output)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """No reproduce command of its own: the gate's ``--only`` re-run is the way."""
        return None


def python_tool(ctx: PlanContext, module: str, package: str | None = None) -> ExternalProgram | MissingTool:
    """``python -m MODULE`` in the target environment: the interpreter if it has the module, else
    how to install ``package`` (the module's own name unless given)."""
    if module in ctx.env.modules:
        return ExternalProgram(ctx.env.python)
    install = f"{ctx.env.python} -m pip install {package or module}"
    where = f"{ctx.env.python}, {ctx.env.source}"
    return MissingTool(
        f"{module} is not installed in the target environment ({where}); install it with: {install}", install
    )


def program_tool(ctx: PlanContext, program: str, package: str) -> ExternalProgram | MissingTool:
    """A program from the target environment's scripts folder, else PATH."""
    found = ctx.env.find_program(program, ctx.path_env)
    if found:
        return ExternalProgram(found)
    install = f"{ctx.env.python} -m pip install {package}"
    where = f"the target environment ({ctx.env.scripts})"
    return MissingTool(f"{program} was found neither in {where} nor on PATH; install it with: {install}", install)


def runs_tool(argv: tuple[str, ...], tool: str, sub: str | None = None) -> bool:
    """``tool [sub]`` or ``python -m tool [sub]``."""
    if not argv:
        return False
    name = Path(argv[0]).name
    if name.startswith("python") and argv[1:3] == ("-m", tool):
        rest = argv[3:]
    elif name == tool:
        rest = argv[1:]
    else:
        return False
    return sub is None or rest[:1] == (sub,)


def exit_status(code: int, failed: frozenset[int] = frozenset({1})) -> Status:
    """0 passes, codes in ``failed`` are findings, anything else is a tool error."""
    if code == 0:
        return Status.PASSED
    return Status.FAILED if code in failed else Status.ERROR


def first_located(pattern: re.Pattern[str], output: str) -> FirstFailure | None:
    """The first output line ``pattern`` matches, as a failure: its named groups ``msg``, ``file``,
    ``line``, and ``col`` and ``rule`` where the tool reports them."""
    for ln in output.splitlines():
        m = pattern.match(ln.strip())
        if m:
            col, rule = m.groupdict().get("col"), m.groupdict().get("rule")
            return FirstFailure(m["msg"], m["file"], int(m["line"]), int(col) if col else None, rule)
    return None


_ERRORISH = re.compile(r"(?i)\b(error|errors|fail|failed|failure|fatal|exception|traceback)\b")
_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*\.[A-Za-z0-9]+):(?P<line>\d+)(?::(?P<col>\d+))?:?\s*(?P<msg>.*)$")


def generic_first_failure(output: str) -> FirstFailure | None:
    """For tools without a parser: the first located error line, else the first error-ish line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for ln in lines:
        m = _LOCATED.match(ln)
        if m and _ERRORISH.search(ln):
            return FirstFailure(
                message=m["msg"][:300] or ln[:300],
                file=m["file"],
                line=int(m["line"]),
                column=int(m["col"]) if m["col"] else None,
            )
    for ln in lines:
        if _ERRORISH.search(ln):
            return FirstFailure(message=ln[:300])
    return FirstFailure(message=lines[-1][:300]) if lines else None
