"""Type check with pyright where the project configures it."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import TARGET_PYTHON, FirstFailure, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider

# Options that write reports or change the output the gate reads.
_OUTPUT_OPTS = frozenset({"--outputjson", "--watch", "-w"})
_DIAGNOSTIC = re.compile(r"^.+:\d+:\d+ - (error|warning|information): ")
_RULE = re.compile(r"\((report\w+)\)\s*$")
_ERROR = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+) - error: (?P<msg>.*?)(?: \((?P<rule>report\w+)\))?$")


class Pyright(ToolProvider):
    """The ``pyright`` program where the project configures it."""

    name = "pyright"
    step_id = "pyright"
    kind = "typecheck"
    tool = "pyright"
    module = "pyright"
    package = "pyright"
    script = "pyright"
    priority = 1
    precommit_repos: tuple[str, ...] = ("pyright-python",)
    sees_project_env: tuple[str, ...] = (f"--pythonpath={TARGET_PYTHON}",)

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The pyright step as the project's most trusted automation runs it (``pyright
        --verifytypes PKG``), else where ``[tool.pyright]`` or ``pyrightconfig.json`` configures it."""
        ci = chosen.choose(ctx, self.tool)
        if ci is not None:
            files = chosen.hook_files(ctx, ci)
            if files == ():
                return NotChosen(self.step_id, f"the {ci.context} at {ci.origin} selects no tracked file")
            command = ("pyright", *chosen.kept_args(ctx, ci.args, _OUTPUT_OPTS), *(files or ()))
            why = f"{ci.context} runs {' '.join(ci.argv)}"
            return self.plan(ctx, command, why)._replace(origin=str(ci.origin))
        if ctx.facts.tool("pyright") is not None:
            why = "pyproject.toml has [tool.pyright]"
        elif "pyrightconfig.json" in ctx.facts.present:
            why = "pyrightconfig.json exists"
        else:
            return NotChosen(self.step_id, "no pyright configuration ([tool.pyright] or pyrightconfig.json)")
        where = "pyproject.toml [tool.pyright]" if why.startswith("pyproject") else "pyrightconfig.json"
        return self.plan(ctx, ("pyright",), why)._replace(origin=f"{where} (config)")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first error diagnostic, its path relative to the project, its rule from a wrapped line."""
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

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """pyright on the failing file."""
        return f"pyright {first['file']}" if tool == self.tool and first.get("file") else None
