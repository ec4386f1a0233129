"""Type check with pyright where the project configures it."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from sdetkit.model import FirstFailure, Status, StepSpec
from sdetkit.steps.base import NotChosen, PlanContext, exit_status, planned, program_tool, runs_tool

_DIAGNOSTIC = re.compile(r"^.+:\d+:\d+ - (error|warning|information): ")
_RULE = re.compile(r"\((report\w+)\)\s*$")
_ERROR = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+) - error: (?P<msg>.*?)(?: \((?P<rule>report\w+)\))?$")


class Pyright:
    name = "pyright"
    step_id = "pyright"
    kind = "typecheck"
    tool = "pyright"

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        if ctx.facts.tool("pyright") is not None:
            why = "pyproject.toml has [tool.pyright]"
        elif "pyrightconfig.json" in ctx.facts.present:
            why = "pyrightconfig.json exists"
        else:
            return NotChosen(self.step_id, "no pyright configuration ([tool.pyright] or pyrightconfig.json)")
        return planned(self, ctx, ("pyright",), why, program_tool(ctx, "pyright", "pyright"))

    def matches(self, argv: tuple[str, ...]) -> bool:
        return runs_tool(argv, "pyright")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        return ()

    def status(self, exit_code: int) -> Status:
        return exit_status(exit_code)

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        lines = output.splitlines()
        for i, ln in enumerate(lines):
            m = _ERROR.match(ln.strip())
            if not m:
                continue
            file = m["file"]
            if Path(file).is_absolute():
                with contextlib.suppress(ValueError):
                    file = Path(file).relative_to(root).as_posix()
            rule = m["rule"]
            # A long message wraps: the rule closes the diagnostic's last continuation line.
            for more in lines[i + 1 :]:
                if rule or _DIAGNOSTIC.match(more.strip()) or not more.startswith("    "):
                    break
                found = _RULE.search(more)
                rule = found[1] if found else None
            return FirstFailure(m["msg"], file, int(m["line"]), int(m["col"]), rule)
        return None
