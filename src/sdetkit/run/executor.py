"""Execute one planned step: the cache, the process runner, and the provider's reading of the output."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from sdetkit.evidence import redact
from sdetkit.model import (
    CACHE,
    TARGET_PYTHON,
    TMP,
    FirstFailure,
    InternalCheck,
    MissingTool,
    Status,
    StepResult,
    StepSpec,
)
from sdetkit.run.cache import StepCache
from sdetkit.run.process import ProcessRunner
from sdetkit.run.stepenv import for_step
from sdetkit.steps import reader
from sdetkit.steps.testcount import judge


class StepExecutor:
    """Callable the scheduler runs in worker threads: StepSpec in, StepResult out."""

    def __init__(
        self,
        root: Path,
        runner: ProcessRunner,
        cache: StepCache,
        environ: Mapping[str, str],
        tool_cache: Path,
        scratch: Path,
        shown_paths: list[tuple[str, str]],
        versions: Mapping[str, str],
        internal: Callable[[StepSpec, Path], StepResult] | None = None,
        python: str = "",
    ) -> None:
        self.root = root
        self.runner = runner
        self.cache = cache
        self.environ = environ
        self.tool_cache = tool_cache
        self.scratch = scratch
        self.shown_paths = shown_paths
        self.versions = versions
        self.internal = internal
        self.python = python  # the target interpreter, for tools run from their own environment
        # Step id -> the interpreter a tool run from its own environment is pointed at instead
        # (one that sees the tool environment's extras too: sdetkit.toolenv.overlay).
        self.pythons: Mapping[str, str] = {}
        # Wall-clock windows of the steps that ran a process in the work tree, to tell which step
        # a file that appeared there came from (see sdetkit.run.side_effects).
        self.windows: dict[str, tuple[float, float]] = {}

    def __call__(self, spec: StepSpec) -> StepResult:
        version = spec.tool_version or self.versions.get(spec.tool)
        program = spec.program
        if isinstance(program, MissingTool):
            return StepResult(spec, Status.ERROR, message=program.hint, tool_version=version)
        hit = self.cache.get(spec)
        if hit is not None:
            return hit
        tmp = Path(tempfile.mkdtemp(prefix=f"{spec.id}-", dir=self.scratch))
        if isinstance(program, InternalCheck):
            if self.internal is None:
                return StepResult(spec, Status.ERROR, message="internal check without a context")
            try:
                return self.internal(spec, tmp)
            except OSError as exc:  # a check that cannot read or write its files reports, not crashes
                return StepResult(spec, Status.ERROR, message=f"{spec.id}: {exc}")
        python = self.pythons.get(spec.id, self.python)
        argv = [program.path, *spec.command[1:]] + [
            a.replace(TMP, str(tmp)).replace(CACHE, str(self.tool_cache)).replace(TARGET_PYTHON, python)
            for a in spec.extra
        ]
        env = for_step(self.environ, spec.kind)
        # A step's own variables may name sdetkit's folders (the coverage data a later step reads).
        env.update((k, v.replace(TMP, str(tmp)).replace(CACHE, str(self.tool_cache))) for k, v in spec.env)
        began = time.time()
        if spec.before:
            self.runner.run([program.path, *spec.before[1:]], self.root, env, spec.timeout)
        proc = self.runner.run(argv, self.root, env, spec.timeout)
        self.windows[spec.id] = (began, time.time())
        output = redact.clean(proc.output, env, [(str(tmp), "<tmp>"), *self.shown_paths])
        log = redact.tail(output)
        if proc.start_error is not None:
            return StepResult(
                spec,
                Status.ERROR,
                message=proc.start_error,
                duration=proc.duration,
                tool_version=version,
            )
        if proc.timed_out:
            return StepResult(
                spec,
                Status.TIMED_OUT,
                message=f"timed out after {spec.timeout:g}s; its process group was killed",
                log_tail=log,
                duration=proc.duration,
                tool_version=version,
            )
        code = proc.exit_code if proc.exit_code is not None else -1
        prov = reader(spec.provider)
        status = prov.status(code) if code >= 0 else Status.ERROR
        first = None
        message = ""
        if status is Status.PASSED and spec.kind == "tests":
            # An exit code of 0 says nothing about tests that never ran: the count the runner printed does.
            status, message = judge(output)
            message = redact.redact(message, env)
            if status is Status.FAILED:
                first = FirstFailure(message=message)
        elif status is not Status.PASSED:
            first = prov.first_failure(output, self.root, tmp)
            if first is not None:
                first = first._replace(message=redact.redact(first.message, env))
            if code < 0:
                message = f"killed by signal {-code}"
            elif status is Status.ERROR:
                message = f"{spec.tool} exited with code {proc.exit_code} (a tool or usage error, not a finding)"
        result = StepResult(
            spec,
            status,
            exit_code=proc.exit_code,
            message=message,
            log_tail=log,
            first_failure=first,
            duration=proc.duration,
            tool_version=version,
        )
        self.cache.put(result)
        return result
