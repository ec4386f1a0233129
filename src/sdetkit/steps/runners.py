"""Tests with a runner no other provider knows, run exactly as the project's own CI line runs them.

``nose2 -v --pretty-assert`` from a tox environment, ``python -m pkg.tests._runner .`` from a
workflow, ``python tests.py`` or ``coverage run tests.py`` from a make target CI calls: the gate runs
that line in the target environment and judges it by its exit code, as CI does (and, like every
tests step, by the test count it prints: see :mod:`sdetkit.steps.testcount`). Chosen only where
nothing runs pytest or ``python -m unittest`` (those providers read their runner's results more
precisely).
"""

from __future__ import annotations

from pathlib import Path

from sdetkit.ci.model import CiCommand
from sdetkit.ci.shell import RUN_AS_WRITTEN
from sdetkit.model import ExternalProgram, FirstFailure, MissingTool, Status, StepSpec
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, generic_first_failure, program_tool, python_tool
from sdetkit.steps.unittest import Unittest, runner_calls

# The module each console-script runner also runs as (``python -m MODULE``): how the step runs it
# under ``coverage run`` when a coverage step reads its data.
_MODULES = {
    "nose2": "nose2",
    "green": "green",
    "trial": "twisted.trial",
    "stestr": "stestr",
    "zope-testrunner": "zope.testrunner",
    "ward": "ward",
}


class OtherTestRunner(ToolProvider):
    """The project's CI line for a test runner without a provider of its own, run as written."""

    name = "test-runner"
    step_id = "tests"
    kind = "tests"
    tool = "nose2"  # the recorded version is nose2's; other runners' steps name their own tool
    module = "nose2"
    package = "nose2"
    priority = 0

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The tests step, as the most trusted runnable CI line runs a runner no provider knows."""
        runs = runner_calls(ctx.facts.evidence)
        if runs.pytest or runs.unittest:
            return NotChosen(self.step_id, "the project's automation runs pytest or python -m unittest")
        ci = next(
            (
                c
                for c in ctx.facts.automation
                if c.tool in RUN_AS_WRITTEN and c.runnable and c.default and c.hook is None
            ),
            None,
        )
        if ci is None:
            return NotChosen(self.step_id, "no CI line that can run here runs another test runner")
        command = tuple(a for a in ci.argv if "{" not in a and "$" not in a)  # tox {posargs}, shell variables
        shown = " ".join(command)
        spec = StepSpec(
            id=self.step_id,
            kind=self.kind,
            tool=self._tool(ci),
            command=command,
            reason=f"{ci.context} runs the tests as: {shown} (judged by its exit code)",
            program=self._program(ctx, ci, command),
            provider=self.name,
            origin=str(ci.origin),
        )
        return _measured(ctx, spec)

    @staticmethod
    def _tool(ci: CiCommand) -> str:
        """The runner's name: the console script, the module ``python -m`` runs, or the script
        ``python`` runs."""
        if ci.argv[:1] == ("python",):
            return ci.argv[2] if ci.argv[1] == "-m" else ci.argv[1]
        return ci.tool

    def _program(self, ctx: PlanContext, ci: CiCommand, command: tuple[str, ...]) -> ExternalProgram | MissingTool:
        """The target environment's interpreter for ``python -m`` and a test script, else the
        runner's script from the target environment's scripts folder (then PATH)."""
        if command[0] != "python":
            return program_tool(ctx, command[0], ci.tool)
        if command[1:3] == ("-m", self.module):
            return python_tool(ctx, self.module, self.package)
        return ExternalProgram(ctx.env.python)  # a project module: python itself says if it is absent

    def status(self, exit_code: int) -> Status:
        """0 passes; any other exit code is a failure, as CI reads it."""
        return Status.PASSED if exit_code == 0 else Status.FAILED

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """unittest-style output (nose2, unittest-based runners) read as unittest's, else the first
        error-ish line."""
        return Unittest().first_failure(output, root, tmp) or generic_first_failure(output)


def _measured(ctx: PlanContext, spec: StepSpec) -> StepSpec:
    """``spec`` run under coverage when a coverage step reads its data (a console-script runner as
    its ``python -m`` module)."""
    from sdetkit.steps.coverage import measured

    command = spec.command
    if command[0] != "python":
        module = _MODULES.get(Path(command[0]).name)
        if module is None:
            return spec
        command = ("python", "-m", module, *command[1:])
    run = measured(ctx, command)
    if run is None:
        return spec
    program = ExternalProgram(ctx.env.python)
    return spec._replace(command=run.command, env=run.env, program=program, reason=f"{spec.reason}; {run.note}")


__all__ = ["OtherTestRunner"]
