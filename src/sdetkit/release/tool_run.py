"""What the release checks that run one of sdetkit's own tools on the build share (``metadata``:
twine, ``wheel-contents``: check-wheel-contents, ``sbom``: cyclonedx-py): find the built files,
make sure the tool is installed beside sdetkit, run it with sdetkit's interpreter, and read what
it printed for problems.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple, TypeVar

from sdetkit.model import Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext, failed_run, missing_tool
from sdetkit.run.process import ProcessResult

Problem = TypeVar("Problem")


class OwnTool(NamedTuple):
    """A tool sdetkit depends on and runs as ``python -m <module>``."""

    module: str
    program: str  # its name in messages ("not installed beside sdetkit")
    what: str  # what a failed run is called ("twine check --strict failed: ...")


class ToolRun(NamedTuple):
    """The built files a tool ran on, and how it ended."""

    built: dists.Built
    wheel: Path
    res: ProcessResult


def _built(spec: StepSpec, ctx: ReleaseContext, log: Log, sdist: bool) -> tuple[dists.Built, Path] | StepResult:
    """The built files and their wheel, or the error result when the build left no wheel (or,
    with ``sdist``, no sdist)."""
    built = dists.find(ctx.dist)
    if built.wheel is None or (sdist and built.sdist is None):
        msg = "the build did not produce both an sdist and a wheel" if sdist else "no wheel was built"
        return log.result(spec, Status.ERROR, msg)
    return built, built.wheel


def wheel_or_error(spec: StepSpec, ctx: ReleaseContext, log: Log, *, sdist: bool = False) -> Path | StepResult:
    """The built wheel, or the error result when the build left no wheel (or, with ``sdist``, no sdist)."""
    found = _built(spec, ctx, log, sdist)
    return found if isinstance(found, StepResult) else found[1]


def run_on_build(
    spec: StepSpec,
    ctx: ReleaseContext,
    log: Log,
    tool: OwnTool,
    args: Callable[[dists.Built], list[str]],
    cwd: Path,
    timeout: float | None,
    *,
    env: Mapping[str, str] | None = None,
    sdist: bool = False,
) -> ToolRun | StepResult:
    """Run ``tool`` with ``args(built)``; an error result when there is nothing to run it on or it
    is not installed beside sdetkit."""
    found = _built(spec, ctx, log, sdist)
    if isinstance(found, StepResult):
        return found
    missing = missing_tool(tool.module, tool.program, spec, log)
    if missing is not None:
        return missing
    built, wheel = found
    return ToolRun(built, wheel, log.run([sys.executable, "-m", tool.module, *args(built)], cwd, timeout, env))


def problems(
    spec: StepSpec, log: Log, tool: OwnTool, res: ProcessResult, read: Callable[[str], list[Problem]]
) -> list[Problem] | StepResult:
    """What the tool failed the build for, in its order; a passed result when it passed, and the
    failed run's result when it failed without saying why in a way ``read`` understands."""
    if res.exit_code == 0:
        return log.result(spec, Status.PASSED)
    found = read(res.output) if res.exit_code is not None else []
    return found or failed_run(spec, log, res, tool.what)
