"""Tests with the standard library's ``unittest``, run exactly as the project's own automation runs
them (``python -m unittest discover -s pkg/tests``, ``python -m unittest pkg.tests``).

Chosen only where the automation runs unittest and nothing runs pytest (pytest collects unittest
suites too, and reports them more precisely). The failure reader needs no report file: the exit
code, the ``FAILED (failures=N)`` summary and the first traceback say everything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.ci.shell import RUN_AS_WRITTEN
from sdetkit.model import FirstFailure, Status, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, exit_status
from sdetkit.steps.invocations import invocations

# Test runners sdetkit has no provider for: a project whose automation runs one of them (and no
# pytest) gets no guessed pytest step; the plan says which runner it found instead.
_HEADER = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<name>\S+) \((?P<where>[^)]+)\)")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
_SUMMARY = re.compile(r"^FAILED \((?P<counts>[^)]*)\)")
# unittest's exit codes: 1 failures or errors, 5 no tests ran (Python 3.12+).
_FINDINGS = frozenset({1, 5})


class RunnerCalls(NamedTuple):
    """How the project's automation runs its tests: (file, args) per runner, most trusted first."""

    pytest: list[tuple[str, list[str]]]
    unittest: list[tuple[str, list[str]]]
    other: list[tuple[str, tuple[str, ...]]]  # (file, command) of runners no tool provider knows

    def runner_elsewhere(self) -> str | None:
        """Why pytest is not the runner to guess: the automation runs tests another way, or None."""
        if self.pytest:
            return None
        if self.unittest:
            return f"{self.unittest[0][0]} runs the tests with python -m unittest"
        if self.other:
            return f"{self.other[0][0]} runs the tests with {runner_name(self.other[0][1])}"
        return None


def runner_name(argv: tuple[str, ...]) -> str:
    """How a person names the runner of a test command: ``nose2``, ``python -m pkg.tests.run``,
    ``python tests.py``."""
    if argv[:1] == ("python",):
        return " ".join(argv[:3] if argv[1:2] == ("-m",) else argv[:2])
    return argv[0]


def runner_calls(evidence: Mapping[str, str]) -> RunnerCalls:
    """Every test run the project's automation (CI workflows, tox, nox, make, scripts) makes."""
    ran_pytest = invocations(evidence, "pytest") + invocations(evidence, "py.test")
    from sdetkit import ci

    found = ci.commands(evidence)
    other = [(c.origin.file, c.argv) for c in found if c.tool in RUN_AS_WRITTEN and c.origin.kind != "pre-commit"]
    return RunnerCalls(ran_pytest, invocations(evidence, "unittest"), other)


def _relative(file: str) -> str | None:
    """A traceback path inside the project (output shows the project root as ``.``), else None."""
    if file.startswith("./"):
        return file[2:]
    return None if file.startswith(("/", "<", "~")) else file


class Unittest(ToolProvider):
    """``python -m unittest ARGS`` as the project's automation runs it."""

    name = "unittest"
    step_id = "tests"
    kind = "tests"
    tool = "unittest"
    module = "unittest"
    package = "unittest"
    priority = 0

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The test step, where the automation runs unittest and nothing runs pytest."""
        runs = runner_calls(ctx.facts.evidence)
        if not runs.unittest:
            return NotChosen(self.step_id, "the project's automation does not run python -m unittest")
        if runs.pytest or ctx.facts.pytest_ini() is not None:
            return NotChosen(self.step_id, "pytest runs the tests (it collects unittest suites too)")
        where, args = runs.unittest[0]
        kept = tuple(a for a in args if "{" not in a and "$" not in a)  # tox {posargs}, shell variables
        shown = " ".join(("python", "-m", "unittest", *kept))
        from sdetkit.steps.coverage import measured

        spec = self.plan(ctx, ("python", "-m", "unittest", *kept), f"{where} runs the tests as: {shown}")
        spec = spec._replace(origin=chosen.origin_of(ctx.facts, self.tool, where, args))
        run = measured(ctx, spec.command)
        if run is None:
            return spec
        return spec._replace(command=run.command, env=run.env, reason=f"{spec.reason}; {run.note}")

    def status(self, exit_code: int) -> Status:
        """Failures, errors and an empty run are findings; other codes are tool errors."""
        return exit_status(exit_code, _FINDINGS)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first FAIL/ERROR block: its test, the last project frame of its traceback and the
        exception line; else the summary line."""
        lines = output.splitlines()
        summary = next((m["counts"] for ln in lines if (m := _SUMMARY.match(ln.strip()))), None)
        for i, ln in enumerate(lines):
            head = _HEADER.match(ln)
            if head is None:
                continue
            where = head["where"]
            # 3.11+: "test_x (pkg.mod.Case.test_x)"; earlier: "test_x (pkg.mod.Case)".
            test_id = where if where.endswith("." + head["name"]) else f"{where}.{head['name']}"
            file: str | None = None
            line: int | None = None
            message = ""
            for body in lines[i + 1 :]:
                if _HEADER.match(body) or body.startswith(("=====", "Ran ")):
                    break
                frame = _FRAME.match(body)
                if frame and (rel := _relative(frame["file"])) is not None:
                    file, line = rel, int(frame["line"])
                if body.strip() and not body.startswith((" ", "-----", "Traceback")):
                    message = body.strip()
            return FirstFailure(
                message=(message or f"{head['kind']} in {test_id}")[:300],
                file=file,
                line=line,
                test_id=test_id,
                rule="error" if head["kind"] == "ERROR" else None,
            )
        if summary is not None:
            return FirstFailure(message=f"unittest: FAILED ({summary})")
        if "NO TESTS RAN" in output or "Ran 0 tests" in output:
            return FirstFailure(message="unittest ran no tests")
        return None

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """The failing test by its dotted name, when unittest reported it."""
        if tool != self.tool or not first.get("test_id"):
            return None
        return f"python -m unittest {first['test_id']}"
