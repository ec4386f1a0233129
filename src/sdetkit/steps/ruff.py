"""Lint (``ruff check``) and format (``ruff format --check``) steps."""

from __future__ import annotations

import re
from pathlib import Path

from sdetkit.model import CACHE, FirstFailure, Status, StepSpec
from sdetkit.steps.base import (
    NotChosen,
    PlanContext,
    exit_status,
    generic_first_failure,
    planned,
    program_tool,
    runs_tool,
)

# "src/a.py:3:8: F401 [*] msg" (rule codes) or "pyproject.toml:9:4: rule-name: [*] msg" (named
# diagnostics of newer ruff).
_LINT_LINE = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<rule>[A-Z]+[0-9]+|[a-z][a-z0-9-]*):?(?: \[\*\])? (?P<msg>.+)$"
)
# ruff < 0.9 prints "Would reformat: FILE"; newer ruff prints "unformatted: ..." then " --> FILE:LINE:COL".
_REFORMAT = re.compile(r"^(?:Would reformat: (?P<file>.+)|--> (?P<loc>.+?):(?P<line>\d+):\d+)$")


def ruff_configured(ctx: PlanContext) -> str | None:
    """Where the project configures or runs ruff, or None."""
    if ctx.facts.tool("ruff") is not None:
        return "pyproject.toml has [tool.ruff]"
    for name in ("ruff.toml", ".ruff.toml"):
        if name in ctx.facts.present:
            return f"{name} exists"
    hook = ctx.facts.mentions(r"(?m)id:\s*['\"]?ruff(-check)?['\"]?\s*(#.*)?$")
    if hook:
        return f"{hook} runs the ruff hook"
    return None


class RuffLint:
    name = "ruff-lint"
    step_id = "lint"
    kind = "lint"
    tool = "ruff"

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        why = ruff_configured(ctx)
        if why is None:
            return NotChosen(self.step_id, "no ruff configuration ([tool.ruff], ruff.toml or a pre-commit hook)")
        command = ("ruff", "check", "--fix") if ctx.fix else ("ruff", "check")
        return planned(self, ctx, command, why, program_tool(ctx, "ruff", "ruff"), modifies=ctx.fix)

    def matches(self, argv: tuple[str, ...]) -> bool:
        return runs_tool(argv, "ruff", "check")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        # --no-fix even when the project's ruff config says fix = true: the gate only reads.
        keep = () if ctx.fix or "--fix" in command or "--no-fix" in command else ("--no-fix",)
        # Lint Python sources, as ruff's pre-commit hook (how most projects run it in CI) does:
        # bare `ruff check` also lints pyproject.toml, where newer ruff versions report settings
        # diagnostics that the project's own CI never sees. --extend-exclude adds to, and does
        # not replace, the project's own excludes.
        return (*keep, "--extend-exclude=pyproject.toml", "--output-format=concise", f"--cache-dir={CACHE}/ruff")

    def status(self, exit_code: int) -> Status:
        return exit_status(exit_code)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        for ln in output.splitlines():
            m = _LINT_LINE.match(ln.strip())
            if m:
                return FirstFailure(
                    message=m["msg"],
                    file=m["file"],
                    line=int(m["line"]),
                    column=int(m["col"]),
                    rule=m["rule"],
                )
        return generic_first_failure(output)


class RuffFormat:
    name = "ruff-format"
    step_id = "format"
    kind = "format"
    tool = "ruff"

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        # Formatting is checked only where the project shows it formats with ruff: a repository
        # that lints with ruff but formats with black (or not at all) must not fail here.
        facts = ctx.facts
        ruff = facts.tool("ruff") or {}
        why = None
        if "format" in ruff:
            why = "pyproject.toml has [tool.ruff.format]"
        for name in ("ruff.toml", ".ruff.toml"):
            if why is None and "format" in facts.toml.get(name, {}):
                why = f"{name} has a [format] table"
        if why is None:
            hook = facts.mentions(r"(?m)id:\s*['\"]?ruff-format\b")
            if hook:
                why = f"{hook} runs the ruff-format hook"
        if why is None:
            used = facts.mentions(r"\bruff\s+format\b")
            if used:
                why = f"{used} runs `ruff format`"
        if why is None:
            return NotChosen(
                self.step_id,
                "no sign that the project formats with ruff "
                "([tool.ruff.format], a ruff-format hook or a `ruff format` call)",
            )
        command = ("ruff", "format")
        return planned(self, ctx, command, why, program_tool(ctx, "ruff", "ruff"), modifies=ctx.fix)

    def matches(self, argv: tuple[str, ...]) -> bool:
        return runs_tool(argv, "ruff", "format")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        check = () if ctx.fix or "--check" in command or "--diff" in command else ("--check",)
        return (*check, f"--cache-dir={CACHE}/ruff")

    def status(self, exit_code: int) -> Status:
        return exit_status(exit_code)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        found = [m for ln in output.splitlines() if (m := _REFORMAT.match(ln.strip()))]
        files = list(dict.fromkeys((m["file"] or m["loc"]).strip() for m in found))
        if not files:
            return None
        line = int(found[0]["line"]) if found[0]["line"] else None
        more = f" (and {len(files) - 1} more)" if len(files) > 1 else ""
        return FirstFailure(message=f"would reformat {files[0]}{more}", file=files[0], line=line, rule="format")
