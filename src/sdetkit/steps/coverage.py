"""A coverage threshold the project enforces, checked on the data of the gate's own tests step.

Where CI runs ``coverage report --fail-under=N`` or ``pytest --cov-fail-under=N``, or coverage's
configuration sets ``fail_under``, the tests step runs under coverage and this step reads its data:
below the threshold is a finding that names the figure and the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.model import TMP, FirstFailure, Status, StepSpec
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, exit_status
from sdetkit.steps.chosen import origin_of
from sdetkit.steps.invocations import invocations

# One data file per gate run, shared by the tests step (writes) and this step (reads): the parent
# of a step's temporary folder is the run's, so another run's data is never read.
DATA_FILE = f"{TMP}/../coverage.data"
_BELOW = re.compile(r"total of (?P<total>[\d.]+) is less than fail-under=(?P<under>[\d.]+)")
_FAIL_UNDER = re.compile(r"^--(?:cov-)?fail-under(?:=(?P<value>.+))?$")


class Threshold(NamedTuple):
    """The coverage figure the project enforces, where it is set, and the option that passes it
    (empty when coverage's own configuration applies it)."""

    value: str
    where: str
    option: tuple[str, ...]


def _from_args(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        m = _FAIL_UNDER.match(arg)
        if m:
            value = m["value"] if m["value"] is not None else (args[i + 1] if i + 1 < len(args) else "")
            return value if re.fullmatch(r"\d+(?:\.\d+)?", value) else None
    return None


def _setting(ctx: PlanContext, section: str, key: str) -> tuple[Any, str] | None:
    """A coverage setting (``[run] plugins``, ``[report] fail_under``) and where it is set, from the
    files coverage reads: .coveragerc, pyproject.toml [tool.coverage.*], setup.cfg / tox.ini
    [coverage:*]."""
    rc = ctx.facts.root / ".coveragerc"
    if rc.is_file():
        import configparser

        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(rc.read_text("utf-8", errors="replace"))
        except configparser.Error:
            return None  # coverage reports its own broken configuration
        if parser.has_option(section, key):
            return parser.get(section, key), f".coveragerc [{section}]"
    table = (ctx.facts.tool("coverage") or {}).get(section)
    if isinstance(table, Mapping) and key in table:
        return table[key], f"pyproject.toml [tool.coverage.{section}]"
    for file in ("setup.cfg", "tox.ini"):
        found = ctx.facts.ini_section(file, f"coverage:{section}")
        if found is not None and key in found:
            return found[key], f"{file} [coverage:{section}]"
    return None


def _config_value(ctx: PlanContext) -> tuple[str, str] | None:
    """``fail_under`` from coverage's configuration; with the covdefaults plugin and no
    ``fail_under`` of its own, 100, which that plugin sets."""
    found = _setting(ctx, "report", "fail_under")
    if found is not None:
        return str(found[0]), found[1]
    plugins = _setting(ctx, "run", "plugins")
    if plugins is not None:
        names = plugins[0] if isinstance(plugins[0], list) else str(plugins[0]).replace(",", " ").split()
        if "covdefaults" in [str(n).strip() for n in names]:
            return "100", f"{plugins[1]} plugins = covdefaults (fail_under 100)"
    return None


def threshold(ctx: PlanContext) -> Threshold | None:
    """The threshold CI passes (``coverage report --fail-under``, ``pytest --cov-fail-under``),
    else the one coverage's configuration sets, else None."""
    # One command per line: `coverage run -m pytest && coverage report --fail-under=100` is two.
    evidence = {name: text.replace("&&", "\n") for name, text in ctx.facts.evidence.items()}
    for tool in ("coverage", "pytest", "py.test"):
        for where, args in invocations(evidence, tool):
            value = _from_args(args)
            if value is not None:
                # The CI line itself (file:line (kind)), so a listing names it as the step's source
                # and never as a command the step passed over.
                return Threshold(value, origin_of(ctx.facts, tool, where, args), (f"--fail-under={value}",))
    found = _config_value(ctx)
    return None if found is None else Threshold(found[0], found[1], ())


class Coverage(ToolProvider):
    """``python -m coverage report`` on the tests step's data, with the threshold CI enforces."""

    name = "coverage"
    step_id = "coverage"
    kind = "coverage"
    tool = "coverage"
    module = "coverage"
    package = "coverage"

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The coverage step, where a threshold is enforced and a test step can measure it."""
        found = threshold(ctx)
        if found is None:
            return NotChosen(self.step_id, "no coverage threshold (--fail-under in CI or fail_under configured)")
        command = ("python", "-m", "coverage", "report", *found.option)
        why = f"{found.where} enforces {found.value}% coverage; reads the data the tests step records"
        before: tuple[str, ...] = ()
        parallel = _setting(ctx, "run", "parallel")
        if parallel is not None and str(parallel[0]).strip().lower() in ("true", "1", "yes", "on"):
            # `coverage run` then writes one data file per process (coverage.data.HOST.PID.X) beside
            # the run's own data file; combined into that one (in the gate's temporary folder, never
            # the project's data file) before the report reads it, as CI's `coverage combine` does.
            before = ("python", "-m", "coverage", "combine", "--append")
            why += f"; combines the parallel data files first (parallel = true in {parallel[1]})"
        spec = self.plan(ctx, command, why)
        return spec._replace(needs=("tests",), env=(("COVERAGE_FILE", DATA_FILE),), origin=found.where, before=before)

    def status(self, exit_code: int) -> Status:
        """0 meets the threshold, 2 is below it; anything else (no data) is an error."""
        return exit_status(exit_code, frozenset({2}))

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The total against the threshold, else coverage's own complaint."""
        m = _BELOW.search(output)
        if m:
            return FirstFailure(f"total coverage {m['total']}% is below the threshold of {m['under']}%")
        if "No data to report" in output:
            return FirstFailure("no coverage data from this run: the tests step did not run under coverage")
        return super().first_failure(output, root, tmp)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """No reproduce command of its own: the gate's ``--only coverage`` re-runs the tests too."""
        return None


class MeasuredRun(NamedTuple):
    """How a tests step runs so that the coverage step has data to read."""

    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    note: str  # added to the step's reason


def measured(
    ctx: PlanContext, command: tuple[str, ...], parallel: bool = False, asks: bool = False
) -> MeasuredRun | None:
    """How a tests step runs ``command`` (``python -m RUNNER ...``) when a coverage step reads its
    data: under ``coverage run``, or with pytest-cov when the run is parallel (only it measures
    xdist workers) or already ``asks`` for coverage in its own options. None when no threshold is
    enforced, coverage is not installed (the coverage step then says so), or a parallel run has no
    pytest-cov."""
    found = threshold(ctx)
    if found is None or "coverage" not in ctx.env.modules:
        return None
    env = (("COVERAGE_FILE", DATA_FILE),)
    note = f"measured for the coverage step ({found.where} enforces {found.value}%)"
    asks = asks or any(a == "--cov" or a.startswith("--cov=") for a in command)
    sources = cov_sources(ctx)  # what CI measures: its figure is over these, not the tests too
    if sources:
        note += f", over {', '.join(sources)} as CI measures"
    if parallel or asks:
        if "pytest_cov" not in ctx.env.modules:
            return None
        measure = [f"--cov={s}" for s in sources] or ["--cov"]
        flags = () if asks else (*measure, "--cov-report=")
        return MeasuredRun((*command, *flags), env, f"{note} with pytest-cov")
    source = (f"--source={','.join(sources)}",) if sources else ()
    return MeasuredRun(("python", "-m", "coverage", "run", *source, *command[1:]), env, f"{note} under coverage run")


def cov_sources(ctx: PlanContext) -> tuple[str, ...]:
    """The sources the project's automation measures with pytest-cov (``--cov=SRC``, ``--cov SRC``),
    in the order written; empty when it names none (coverage's configuration decides)."""
    found: list[str] = []
    for _, args in invocations(ctx.facts.evidence, "pytest"):
        for i, arg in enumerate(args):
            if arg.startswith("--cov="):
                found.append(arg.split("=", 1)[1])
            elif arg == "--cov" and i + 1 < len(args) and not args[i + 1].startswith("-"):
                found.append(args[i + 1])
    return tuple(dict.fromkeys(s for s in found if s and "{" not in s and "$" not in s))
