"""Tests with pytest, honouring the project's own configuration (testpaths, addopts, markers).

pytest writes a JUnit XML report into sdetkit's temporary folder so failing test ids are exact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import CACHE, TMP, FirstFailure, Status, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, exit_status

REPORT = "junit.xml"
_CRASH = re.compile(r"^(?P<file>[^\s:][^:]*\.py):(?P<line>\d+): ")
_E_LINE = re.compile(r"^E\s+(?P<msg>\S.*)$")
# Exit codes (pytest.ExitCode): 1 tests failed, 2 interrupted (collection errors), 5 no tests.
_FINDINGS = frozenset({1, 2, 5})


def pytest_config(ctx: PlanContext) -> tuple[str, Any] | None:
    """Where pytest's configuration lives (in pytest's own order) and its testpaths, if any."""
    found = ctx.facts.pytest_ini()
    return None if found is None else (found[0], found[1].get("testpaths"))


def _paths_text(testpaths: Any) -> str:
    if isinstance(testpaths, list):
        return " ".join(str(p) for p in testpaths)
    return " ".join(str(testpaths).split()) if testpaths else ""


def _ci_selection(ctx: PlanContext, args: tuple[str, ...]) -> tuple[str, ...]:
    """What an automation's pytest run selects: the paths it names that exist and its ``-m``/``-k``
    expressions. Plugin options are left out: their plugins may not be installed here."""
    kept: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-m", "-k") and i + 1 < len(args):
            kept += [arg, args[i + 1]]
            i += 2
            continue
        if (
            not arg.startswith("-")
            and "{" not in arg
            and "$" not in arg
            and (ctx.facts.root / arg.split("::")[0]).exists()
        ):
            kept.append(arg)
        i += 1
    return tuple(kept)


class Pytest(ToolProvider):
    """``python -m pytest`` with the project's own configuration, a JUnit report for exact test ids."""

    name = "pytest"
    step_id = "tests"
    kind = "tests"
    tool = "pytest"
    module = "pytest"
    package = "pytest"
    also_runs = ("py.test",)
    priority = 0

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The test step, as the project's most trusted automation runs pytest, else where pytest is
        configured or tests are laid out as pytest finds them."""
        ci = chosen.choose(ctx, self.tool)
        if ci is not None:
            args = _ci_selection(ctx, ci.args)
            why = f"{ci.context} runs {' '.join(ci.argv)}"
            return self.plan(ctx, ("python", "-m", "pytest", *args), why)._replace(origin=str(ci.origin))
        found = pytest_config(ctx)
        if found is not None:
            where, testpaths = found
            paths = _paths_text(testpaths)
            why = f"{where}" + (f" (testpaths: {paths})" if paths else " (pytest collects from the project root)")
        else:
            seen = [n for n in ("tests", "test", "conftest.py") if n in ctx.facts.present]
            if not seen:
                return NotChosen(self.step_id, "no pytest configuration and no tests/, test/ or conftest.py")
            why = f"{seen[0]} exists (no pytest configuration; pytest's defaults apply)"
        # No path arguments: pytest applies the project's testpaths itself.
        command = ("python", "-m", "pytest")
        origin = found[0] if found is not None else why.split(" ")[0]
        return self.plan(ctx, command, why)._replace(origin=f"{origin} (config)")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """The cache goes outside the repository, the report into sdetkit's temporary folder."""
        return (
            f"--junitxml={TMP}/{REPORT}",
            "-o",
            "junit_family=xunit1",
            "-o",
            f"cache_dir={CACHE}/pytest",
            "--color=no",
        )

    def status(self, exit_code: int) -> Status:
        """Failed tests, collection errors and an empty run are findings; other codes tool errors."""
        return exit_status(exit_code, _FINDINGS)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first failing test case of the JUnit report, else of pytest's summary lines."""
        from sdetkit.steps.junit import first_failure as junit_first

        found = junit_first(tmp / REPORT)
        if found is not None:
            return found
        if "no tests ran" in output or "collected 0 items" in output:
            return FirstFailure(message="pytest collected no tests")
        for ln in output.splitlines():
            if ln.startswith(("FAILED ", "ERROR ")):
                head, _, msg = ln.partition(" - ")
                node = head.split(" ", 1)[1].strip()
                return FirstFailure(message=msg or head, test_id=node, file=node.split("::")[0])
        return None

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """The failing test by its id, whichever step reported it (only test runners name test ids)."""
        return f'python -m pytest -q "{first["test_id"]}"' if first.get("test_id") else None


def crash_location(text: str, prefer: str | None = None) -> tuple[str | None, int | None, str | None]:
    """(file, line, message) of the crash in a pytest failure text.

    The location is the last ``file:line:`` inside the project (relative path), or in ``prefer``
    when given; the message is the first ``E`` line.
    """
    file: str | None = None
    line: int | None = None
    msg: str | None = None
    for ln in text.splitlines():
        m = _CRASH.match(ln)
        if m and not m["file"].startswith("/") and (prefer is None or m["file"] == prefer):
            file, line = m["file"], int(m["line"])
        e = _E_LINE.match(ln)
        if e and msg is None:
            msg = e["msg"].strip()
    return file, line, msg
