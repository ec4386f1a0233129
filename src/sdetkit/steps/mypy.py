"""Type check with mypy, on what the project's mypy configuration names (else what its own automation
passes to mypy, else its source packages)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.ci.model import CiCommand
from sdetkit.model import CACHE, TARGET_PYTHON, FirstFailure, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, first_located

_ERROR = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? error: (?P<msg>.*?)(?:\s+\[(?P<rule>[a-z0-9-]+)\])?$"
)


def _targets_from(section: Mapping[str, Any]) -> tuple[str, str] | None:
    """(kind, value) for ``files``/``packages``/``modules`` in a mypy config section."""
    for key in ("files", "packages", "modules"):
        value = section.get(key)
        if value:
            text = ", ".join(value) if isinstance(value, list) else str(value)
            return key, text
    return None


# Options whose value is a report or cache location: sdetkit supplies its own, or none.
_OUTPUT_OPTS = frozenset(
    {
        "--cache-dir",
        "--junit-xml",
        "--html-report",
        "--txt-report",
        "--linecount-report",
        "--xml-report",
        "--any-exprs-report",
        "--cobertura-xml-report",
        "--lineprecision-report",
        "--linecoverage-report",
    }
)


_VALUE_OPTS = frozenset(
    {
        "-p",
        "--package",
        "-m",
        "--module",
        "--config-file",
        "--exclude",
        "--python-version",
        "--platform",
        "--follow-imports",
        "--python-executable",
        "--always-true",
        "--always-false",
        "--enable-error-code",
        "--disable-error-code",
        "--custom-typeshed-dir",
    }
)


def ci_args(ctx: PlanContext, args: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
    """(args to pass on, how many name what to check) of a mypy run in the project's automation.

    Flags the project passes (``--strict``, ``--config-file``) are kept; report and cache options,
    tox ``{posargs}`` and shell variables are dropped; named paths must exist.
    """
    kept: list[str] = []
    targets = 0
    i = 0
    while i < len(args):
        arg = args[i]
        takes_value = arg in _OUTPUT_OPTS or arg in _VALUE_OPTS
        value = args[i + 1] if takes_value and i + 1 < len(args) else None
        i += 2 if value is not None else 1
        if "{" in arg or "$" in arg or arg.split("=", 1)[0] in _OUTPUT_OPTS:
            continue
        if arg.startswith("-"):
            kept += [arg] if value is None else [arg, value]
            targets += arg in {"-p", "--package", "-m", "--module"}
        elif (ctx.facts.root / arg).exists():
            kept.append(arg)
            targets += 1
    return tuple(kept), targets


def mypy_config(ctx: PlanContext) -> tuple[str, Mapping[str, Any]] | None:
    """The config mypy itself would read from the project root, in mypy's own precedence order."""
    facts = ctx.facts
    for name in ("mypy.ini", ".mypy.ini"):
        section = facts.ini_section(name, "mypy")
        if section is not None:
            return f"{name} [mypy]", section
    tool = facts.tool("mypy")
    if tool is not None:
        return "pyproject.toml [tool.mypy]", tool
    section = facts.ini_section("setup.cfg", "mypy")
    if section is not None:
        return "setup.cfg [mypy]", section
    return None


class Mypy(ToolProvider):
    """``python -m mypy`` on what the project's mypy configuration (or automation) names."""

    name = "mypy"
    step_id = "typecheck"
    kind = "typecheck"
    tool = "mypy"
    module = "mypy"
    package = "mypy"
    also_runs = ("dmypy",)
    priority = 1
    precommit_repos: tuple[str, ...] = ("mirrors-mypy",)
    sees_project_env: tuple[str, ...] = (f"--python-executable={TARGET_PYTHON}",)

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The mypy step as the project's most trusted automation runs it, else checking what the
        configuration or the layout names."""
        found = mypy_config(ctx)
        targets = _targets_from(found[1]) if found is not None else None

        def usable(c: CiCommand) -> bool:
            # A run naming nothing to check relies on the configuration's files; a hook on its files.
            return c.hook is not None or targets is not None or ci_args(ctx, c.args)[1] > 0

        ci = chosen.choose(ctx, self.tool, usable)
        if ci is not None:
            return self._from_ci(ctx, ci)
        if found is None:
            return NotChosen(self.step_id, "no mypy configuration (mypy.ini, [tool.mypy] or setup.cfg [mypy])")
        where, _ = found
        if targets is not None:
            command: tuple[str, ...] = ("python", "-m", "mypy")
            why = f"{where} (checks the {targets[0]} it names: {targets[1]})"
        elif ctx.facts.packages:
            command = ("python", "-m", "mypy", *ctx.facts.packages)
            why = f"{where}; no files configured, so checking {', '.join(ctx.facts.packages)}"
        else:
            return NotChosen(self.step_id, f"{where} names no files and no package was found to check")
        return self.plan(ctx, command, why)._replace(origin=f"{where} (config)")

    def _from_ci(self, ctx: PlanContext, ci: CiCommand) -> StepSpec | NotChosen:
        """The step for an automation's mypy command (a hook's with the files the hook is given)."""
        args, _ = ci_args(ctx, ci.args)
        files = chosen.hook_files(ctx, ci)
        if files == ():
            return NotChosen(self.step_id, f"the {ci.context} at {ci.origin} selects no tracked file")
        command = ("python", "-m", "mypy", *args, *(files or ()))
        shown = f" on the {len(files)} files the hook selects" if files else ""
        why = f"{ci.context} runs mypy {' '.join(ci.args)}".rstrip() + shown
        return self.plan(ctx, command, why)._replace(origin=str(ci.origin))

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """One line per error whatever `pretty` says, and the cache outside the repository."""
        return ("--no-pretty", "--no-color-output", f"--cache-dir={CACHE}/mypy")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first ``file:line: error:`` line, with its error code."""
        return first_located(_ERROR, output)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """mypy on the failing file."""
        return f"python -m mypy {first['file']}" if tool == self.tool and first.get("file") else None
