"""What release checks share: where the build goes, which interpreter, the repository state."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from sdetkit.evidence import redact
from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.git import GitState
from sdetkit.run.process import ProcessResult, ProcessRunner


class ReleaseContext(NamedTuple):
    """Shared by every release check of one run."""

    root: Path
    top: Path
    project_path: str
    state: GitState
    facts: ProjectFacts
    python: str  # the target environment's interpreter
    build_python: str  # an interpreter with the `build` package
    auditor: str | None  # an interpreter with pip-audit, if any
    environ: Mapping[str, str]
    runner: ProcessRunner
    dist: Path  # the built sdist and wheel
    smoke: Path  # the install-smoke virtual environment
    sbom: Path | None  # where the CycloneDX SBOM is written


class Log:
    """Collects the output of a check's commands into one bounded, redacted tail."""

    def __init__(self, ctx: ReleaseContext, shown: list[tuple[str, str]]) -> None:
        self.ctx = ctx
        self.shown = shown
        self.parts: list[str] = []
        self.started = time.monotonic()

    def run(
        self, argv: list[str], cwd: Path, timeout: float | None, env: Mapping[str, str] | None = None
    ) -> ProcessResult:
        """Run one command with the checks' environment (plus ``env``) and keep its output."""
        self.parts.append("$ " + " ".join(self._show(a) for a in argv))
        res = self.ctx.runner.run(argv, cwd, {**self.ctx.environ, **(env or {})}, timeout)
        # Tools that draw with rich pad every line to the console width: padding is not output.
        self.parts.append("\n".join(ln.rstrip() for ln in res.output.rstrip("\n").split("\n")))
        return res

    def note(self, text: str) -> None:
        self.parts.append(text)

    def _show(self, arg: str) -> str:
        return redact.clean(arg, {}, self.shown)

    def text(self) -> str:
        return redact.tail(redact.clean("\n".join(p for p in self.parts if p), self.ctx.environ, self.shown))

    def result(
        self,
        spec: StepSpec,
        status: Status,
        message: str = "",
        first: FirstFailure | None = None,
        code: int | None = None,
    ) -> StepResult:
        if first is None and status in (Status.FAILED, Status.ERROR) and message:
            first = FirstFailure(message=message)
        return StepResult(
            spec,
            status,
            exit_code=code if code is not None else (0 if status is Status.PASSED else None),
            message=message,
            log_tail=self.text(),
            first_failure=first,
            duration=time.monotonic() - self.started,
        )


_EXCEPTION = re.compile(r"^(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception): \S")


_RELAYED = ("< ", "> ")


def _is_error(line: str) -> bool:
    return line.lower().startswith(("error", "fatal", "\u00d7", "exception")) or "Error:" in line


def failed_run(spec: StepSpec, log: Log, res: ProcessResult, what: str) -> StepResult:
    """The result for a command that did not succeed: timed out, could not start, or failed."""
    if res.timed_out:
        return log.result(spec, Status.TIMED_OUT, f"{what} timed out after {spec.timeout:g}s")
    if res.start_error:
        return log.result(spec, Status.ERROR, f"{what}: {res.start_error}")
    lines = [ln.strip() for ln in redact.clean(res.output, {}, log.shown).splitlines() if ln.strip()]
    # A frontend that relays its child's output marks those lines ("< " in `python -m build`, which
    # runs pip to install the build requirements): the child's own error is the cause, and the
    # frontend's "Command [...] returned non-zero exit status 1" only its wrapper.
    relayed = [ln[2:].strip() for ln in lines if ln.startswith(_RELAYED)]
    child_errors = [ln for ln in relayed if _is_error(ln)]
    if child_errors:
        detail = child_errors[-1]
    else:
        detail = ([ln for ln in lines if _is_error(ln)] or lines or ["no output"])[-1]
        # A build backend's own exception says more than the frontend's wrapper around it ("ERROR
        # Backend subprocess exited when trying to invoke ..."): lead with the cause.
        causes = [ln for ln in lines if _EXCEPTION.match(ln)]
        if causes and causes[-1] != detail:
            detail = f"{causes[-1]} ({detail})"
    detail = detail[:300]
    return log.result(spec, Status.FAILED, f"{what} failed: {detail}", code=res.exit_code)


def missing_tool(module: str, program: str, spec: StepSpec, log: Log) -> StepResult | None:
    """An error result when ``module``, one of sdetkit's own dependencies that a check runs with
    sdetkit's interpreter, is not importable there (sdetkit run from a source tree, say)."""
    from importlib.util import find_spec

    if find_spec(module) is not None:
        return None
    msg = f"{program} is not installed beside sdetkit ({sys.executable}): reinstall sdetkit with its dependencies"
    return log.result(spec, Status.ERROR, msg)
