"""Lint (``ruff check``) and format (``ruff format --check``) steps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.ci.model import CiCommand
from sdetkit.model import CACHE, FirstFailure, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider, first_located, generic_first_failure

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


# Options the gate sets itself (it reads, never fixes, unless --fix) or that change its output.
_GATE_OWNED = frozenset(
    {"--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "--watch", "--output-format", "--show-fixes", "--diff"}
)


class _Ruff(ToolProvider):
    """The ``ruff`` program, pinned by ruff's pre-commit hooks."""

    tool = "ruff"
    module = "ruff"
    package = "ruff"
    script = "ruff"
    precommit_repos: tuple[str, ...] = ("ruff-pre-commit",)

    def from_ci(self, ctx: PlanContext, ci: CiCommand, fix: tuple[str, ...]) -> StepSpec | NotChosen:
        """The step for an automation's ``ruff SUBCOMMAND`` (a hook's with the files it is given)."""
        parts = chosen.ci_parts(ctx, self.step_id, ci, _GATE_OWNED | {"--check"}, skip=1)
        if isinstance(parts, NotChosen):
            return parts
        command = ("ruff", ci.args[0], *(fix if ctx.fix else ()), *parts.args, *parts.files)
        return self.plan(ctx, command, parts.why, modifies=ctx.fix)._replace(origin=str(ci.origin))


class RuffLint(_Ruff):
    """``ruff check`` where the project configures or runs ruff."""

    name = "ruff-lint"
    step_id = "lint"
    kind = "lint"
    subcommand = "check"
    priority = 3

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The lint step as the project's most trusted automation runs ``ruff check``, else where ruff
        is configured (``ruff check --fix`` under ``--fix``)."""
        ci = chosen.choose(ctx, self.tool, sub=self.subcommand)
        if ci is not None:
            return self.from_ci(ctx, ci, ("--fix",))
        why = ruff_configured(ctx)
        if why is None:
            return NotChosen(self.step_id, "no ruff configuration ([tool.ruff], ruff.toml or a pre-commit hook)")
        command = ("ruff", "check", "--fix") if ctx.fix else ("ruff", "check")
        return self.plan(ctx, command, why, modifies=ctx.fix)._replace(origin=f"{why.split(' ')[0]} (config)")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """Read-only, concise output, the cache outside the repository."""
        # --no-fix even when the project's ruff config says fix = true: the gate only reads.
        keep = () if ctx.fix or "--fix" in command or "--no-fix" in command else ("--no-fix",)
        # Lint Python sources, as ruff's pre-commit hook (how most projects run it in CI) does:
        # bare `ruff check` also lints pyproject.toml, where newer ruff versions report settings
        # diagnostics that the project's own CI never sees. --extend-exclude adds to, and does
        # not replace, the project's own excludes.
        return (*keep, "--extend-exclude=pyproject.toml", "--output-format=concise", f"--cache-dir={CACHE}/ruff")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first ``file:line:col: RULE message`` line, else the generic reading."""
        return first_located(_LINT_LINE, output) or generic_first_failure(output)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """ruff check on the failing file, without fixing it."""
        ours = tool == self.tool and kind == self.kind
        return f"ruff check --no-fix {first['file']}" if ours and first.get("file") else None


class RuffFormat(_Ruff):
    """``ruff format --check`` where the project shows it formats with ruff."""

    name = "ruff-format"
    step_id = "format"
    kind = "format"
    subcommand = "format"
    priority = 4

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The format step."""
        # Formatting is checked only where the project shows it formats with ruff: a repository
        # that lints with ruff but formats with black (or not at all) must not fail here.
        ci = chosen.choose(ctx, self.tool, sub=self.subcommand)
        if ci is not None:
            return self.from_ci(ctx, ci, ())
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
        return self.plan(ctx, command, why, modifies=ctx.fix)._replace(origin=f"{why.split(' ')[0]} (config)")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """Check only (unless fixing), the cache outside the repository."""
        check = () if ctx.fix or "--check" in command or "--diff" in command else ("--check",)
        return (*check, f"--cache-dir={CACHE}/ruff")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first file ruff would reformat, and how many more."""
        found = [m for ln in output.splitlines() if (m := _REFORMAT.match(ln.strip()))]
        files = list(dict.fromkeys((m["file"] or m["loc"]).strip() for m in found))
        if not files:
            return None
        line = int(found[0]["line"]) if found[0]["line"] else None
        more = f" (and {len(files) - 1} more)" if len(files) > 1 else ""
        return FirstFailure(message=f"would reformat {files[0]}{more}", file=files[0], line=line, rule="format")

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """ruff's diff of the failing file (any ruff step but the lint one shows its diff)."""
        ours = tool == self.tool and kind != RuffLint.kind
        return f"ruff format --diff {first['file']}" if ours and first.get("file") else None
