"""What a step provider is, and the helpers providers share.

A provider looks at a project's facts and either plans one step (with the reason it was chosen) or
says why it did not. It also knows how to read its tool's exit code and output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple, Protocol

from sdetkit.model import FirstFailure, Status, StepSpec
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


class Provider(Protocol):
    """One kind of step (one tool). Adding a tool is one module implementing this plus a registry entry."""

    name: str
    step_id: str
    kind: str
    tool: str

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """Plan the step from the project's own configuration, or say why not."""

    def matches(self, argv: tuple[str, ...]) -> bool:
        """Whether a configured command runs this provider's tool (so its plumbing and parser apply)."""

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """sdetkit's plumbing arguments for ``command``: reports, caches, no-modify flags."""

    def status(self, exit_code: int) -> Status:
        """Map the tool's exit code to a status."""

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first failure the tool reported, from its output or the report files it wrote in ``tmp``."""


def planned(
    prov: Provider,
    ctx: PlanContext,
    command: tuple[str, ...],
    reason: str,
    tool: tuple[str | None, str],
    modifies: bool = False,
) -> StepSpec:
    """The provider's step for ``command``: its plumbing added, ``tool`` = (program, missing hint)."""
    program, hint = tool
    return StepSpec(
        id=prov.step_id,
        kind=prov.kind,
        tool=prov.tool,
        command=command,
        extra=prov.extra(ctx, command),
        reason=reason,
        program=program,
        missing_hint=hint,
        modifies=modifies,
        provider=prov.name,
    )


def python_tool(ctx: PlanContext, module: str) -> tuple[str | None, str]:
    """``python -m MODULE`` in the target environment: the interpreter if it has the module."""
    if module in ctx.env.modules:
        return ctx.env.python, ""
    return None, (
        f"{module} is not installed in the target environment ({ctx.env.python}, {ctx.env.source}); "
        f"install it with: {ctx.env.python} -m pip install {module}"
    )


def program_tool(ctx: PlanContext, program: str, package: str) -> tuple[str | None, str]:
    """A program from the target environment's scripts folder, else PATH."""
    found = ctx.env.find_program(program, ctx.path_env)
    if found:
        return found, ""
    return None, (
        f"{program} was found neither in the target environment ({ctx.env.scripts}) nor on PATH; "
        f"install it with: {ctx.env.python} -m pip install {package}"
    )


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
