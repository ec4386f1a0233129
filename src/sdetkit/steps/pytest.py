"""Tests with pytest, honouring the project's own configuration (testpaths, addopts, markers).

pytest writes a JUnit XML report into sdetkit's temporary folder so failing test ids are exact.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdetkit.model import CACHE, TMP, FirstFailure, Status, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, exit_status
from sdetkit.steps.unittest import RunnerCalls, runner_calls

if TYPE_CHECKING:
    from sdetkit.repo.testusage import FoundTestFiles

REPORT = "junit.xml"
_CRASH = re.compile(r"^(?P<file>[^\s:][^:]*\.py):(?P<line>\d+): ")
_E_LINE = re.compile(r"^E\s+(?P<msg>\S.*)$")
# Exit codes (pytest.ExitCode): 1 tests failed, 2 interrupted (collection errors), 5 no tests.
_FINDINGS = frozenset({1, 2, 5})
# pytest-xdist's options that make a run parallel, with and without a separate value.
_PARALLEL = ("-n", "--numprocesses", "--dist", "--maxprocesses")


def pytest_config(ctx: PlanContext) -> tuple[str, Any] | None:
    """Where pytest's configuration lives (in pytest's own order) and its testpaths, if any."""
    found = ctx.facts.pytest_ini()
    return None if found is None else (found[0], found[1].get("testpaths"))


def _paths_text(testpaths: Any) -> str:
    if isinstance(testpaths, list):
        return " ".join(str(p) for p in testpaths)
    return " ".join(str(testpaths).split()) if testpaths else ""


# Options of pytest and its common plugins whose value is the next word (pytest-cov's --cov takes one
# when it follows, as argparse's optional values do): that word is never a path to select.
_TAKES_VALUE = frozenset({
    "-c", "--config-file", "-p", "-o", "--override-ini", "--rootdir", "--confcutdir", "--basetemp", "--ignore",
    "--ignore-glob", "--deselect", "--junitxml", "--junit-xml", "--junit-prefix", "--log-file", "--log-level",
    "--log-cli-level", "--log-file-level", "--log-format", "--log-date-format", "--log-file-format", "--durations",
    "--durations-min", "--maxfail", "--tb", "-r", "-W", "--pythonwarnings", "--import-mode", "--capture",
    "--color", "--code-highlight", "--doctest-glob", "--doctest-report", "--show-capture", "--verbosity",
    "--assert", "-n", "--numprocesses", "--dist", "--maxprocesses", "--tx", "--rsyncdir", "--rsyncignore",
    "--cov-report", "--cov-config", "--cov-fail-under", "--cov-context", "--timeout", "--timeout-method",
    "--reruns", "--reruns-delay", "--only-rerun", "--ds", "--dc", "--hypothesis-profile", "--randomly-seed",
})  # fmt: skip
_OPTIONAL_VALUE = frozenset({"--cov", "--debug", "--cache-show"})


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
        if arg in _TAKES_VALUE or (arg in _OPTIONAL_VALUE and i + 1 < len(args) and not args[i + 1].startswith("-")):
            i += 2  # `--cov loguru/` measures loguru/; it does not select it
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


def _runs_the_suite(ctx: PlanContext, args: tuple[str, ...], tests: Callable[[], FoundTestFiles]) -> bool:
    """Whether a CI pytest run is the project's test suite: it names no path (pytest then collects
    its testpaths), a folder, or one of its test modules. A job that runs only other files (a
    benchmark, ``pytest benchmarking/bench_core.py``) runs something else, not the suite."""
    kept = _ci_selection(ctx, args)
    values = {i + 1 for i, a in enumerate(kept) if a in ("-m", "-k")}  # expressions, not paths
    paths = [a.split("::")[0] for i, a in enumerate(kept) if i not in values and not a.startswith("-")]
    if not paths or any((ctx.facts.root / p).is_dir() for p in paths):
        return True
    files = tests().files
    return not files or any(p in files for p in paths)


def _without_ci(
    ctx: PlanContext, runs: RunnerCalls, found_tests: Callable[[], FoundTestFiles]
) -> tuple[str, str] | NotChosen:
    """Why pytest runs when no automation names it, and the origin: its configuration, a tests
    layout pytest finds, or test modules anywhere (unless the automation runs another runner)."""
    found = pytest_config(ctx)
    if found is not None:
        where, testpaths = found
        paths = _paths_text(testpaths)
        return where + (f" (testpaths: {paths})" if paths else " (pytest collects from the project root)"), (
            f"{where} (config)"
        )
    if (elsewhere := runs.runner_elsewhere()) is not None:
        return NotChosen(Pytest.step_id, f"no pytest configuration and {elsewhere}")
    seen = [n for n in ("tests", "test", "conftest.py") if n in ctx.facts.present]
    if seen:
        return f"{seen[0]} exists (no pytest configuration; pytest's defaults apply)", f"{seen[0]} (config)"
    tests = found_tests()
    if not tests.files:
        return NotChosen(Pytest.step_id, "no pytest configuration and no tests/, test/ or conftest.py")
    files = f"{len(tests.files)} test file{'' if len(tests.files) == 1 else 's'}"
    why = (
        f"{files} under {tests.where()} (no pytest configuration; pytest collects them from the project "
        "root, unittest suites included)"
    )
    return why, f"{tests.where()} (config)"


class Pytest(ToolProvider):
    """``python -m pytest`` with the project's own configuration, a JUnit report for exact test ids."""

    name = "pytest"
    step_id = "tests"
    kind = "tests"
    tool = "pytest"
    module = "pytest"
    package = "pytest"
    also_runs = ("py.test",)
    probes = ("xdist", "pytest_cov")  # parallel as CI runs it; coverage across xdist workers
    priority = 0

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The test step, as the project's most trusted automation runs pytest; else where pytest is
        configured, tests are laid out as pytest finds them, or test modules exist anywhere and the
        automation runs no other runner. CI's parallelism and coverage apply to either."""
        runs = runner_calls(ctx.facts.evidence)
        base: tuple[str, ...] = ("python", "-m", "pytest")
        # The project's test modules, looked for once (they are read to find unittest suites) and
        # only when a CI command or the fallback needs them.
        from sdetkit.repo.testusage import find_test_files

        tests = functools.cache(lambda: find_test_files(ctx.facts.root))
        ci = chosen.choose(ctx, self.tool, lambda c: _runs_the_suite(ctx, c.args, tests))
        if ci is not None:
            base, why, origin = (
                (*base, *_ci_selection(ctx, ci.args)),
                f"{ci.context} runs {' '.join(ci.argv)}",
                str(ci.origin),
            )
        else:
            found = _without_ci(ctx, runs, tests)
            if isinstance(found, NotChosen):
                return found
            why, origin = found
        # No path arguments from configuration: pytest applies the project's testpaths itself.
        command, parallel = base, _parallel(ctx, runs)
        if parallel is not None:
            command, why = (*base, *parallel[0]), f"{why}; {parallel[1]}"
        return self._measured(ctx, self.plan(ctx, command, why), base)._replace(origin=origin)

    def _measured(self, ctx: PlanContext, spec: StepSpec, serial: tuple[str, ...]) -> StepSpec:
        """The step as it runs when a coverage step reads its data (see :func:`measured`)."""
        from sdetkit.steps.coverage import measured

        found = ctx.facts.pytest_ini()
        asks = found is not None and "--cov" in str(found[1].get("addopts", ""))
        parallel = spec.command != serial
        run = measured(ctx, spec.command, parallel, asks)
        if run is None and parallel and (run := measured(ctx, serial, False, asks)) is not None:
            why = "serially: measuring coverage across xdist workers needs pytest-cov, which is not installed"
            run = run._replace(note=f"{run.note}; {why}")
        if run is None:
            return spec
        return spec._replace(command=run.command, env=run.env, reason=f"{spec.reason}; {run.note}")

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
        """The failing test by its id, whichever step reported it (only test runners name test ids;
        unittest's dotted names are its own provider's)."""
        if tool == "unittest":
            return None
        return f'python -m pytest -q "{first["test_id"]}"' if first.get("test_id") else None


def _parallel(ctx: PlanContext, runs: RunnerCalls) -> tuple[tuple[str, ...], str] | None:
    """(arguments, reason) for running as in parallel as the automation's first pytest run does with
    pytest-xdist; no arguments (and the reason why) when xdist is not installed; None when the
    automation runs pytest serially or the project's own addopts already decide."""
    where_ini = ctx.facts.pytest_ini()
    addopts = str(where_ini[1].get("addopts", "")) if where_ini else ""
    if any(o in addopts.split() or f" {o}=" in f" {addopts}" for o in _PARALLEL):
        return None
    for where, args in runs.pytest:
        kept: list[str] = []
        for i, arg in enumerate(args):
            name, eq, value = arg.partition("=")
            if name in _PARALLEL:
                value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
                if "{" in value or "$" in value or not value:
                    value = "auto"  # a tox/CI variable for the worker count: xdist picks it
                kept += [name, value]
            elif arg.startswith("-n") and arg[2:].isalnum():
                kept += ["-n", arg[2:]]
        if not kept:
            continue
        shown = " ".join(kept)
        if "xdist" not in ctx.env.modules:
            why = f"{where} runs pytest with {shown}, but pytest-xdist is not installed in the target environment"
            return (), f"{why}: runs serially"
        return tuple(kept), f"in parallel as {where} runs it: {shown}"
    return None


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
