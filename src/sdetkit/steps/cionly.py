"""What the linters planned only from the project's CI share (flake8, black, isort).

Such a tool is planned only where a CI source runs it (a pre-commit hook with its pinned rev, a tox
environment, a nox session, a workflow line, a make target), never from its configuration alone: a
``[tool.black]`` section no CI runs says nothing about what the project's CI checks. The step runs
the CI command as written (a hook's with its ``args`` and the files it selects), plus the options
that keep the tool from rewriting files.
"""

from __future__ import annotations

import re
from pathlib import Path

from sdetkit.model import FirstFailure, StepSpec
from sdetkit.steps import chosen
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider


class CiOnlyTool(ToolProvider):
    """A tool run as a program (its ``script``), planned from the most trusted CI command for it."""

    # Options that make the tool rewrite files or that sdetkit sets itself: never passed on.
    writes: frozenset[str] = frozenset()

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        """The step as the project's most trusted runnable CI command runs the tool, or why not."""
        ci = chosen.choose(ctx, self.tool)
        if ci is None:
            return NotChosen(self.step_id, f"no CI source runs {self.tool} (its configuration alone plans nothing)")
        parts = chosen.ci_parts(ctx, self.step_id, ci, self.writes)
        if isinstance(parts, NotChosen):
            return parts
        command = (self.tool, *parts.args, *parts.files)
        return self.plan(ctx, command, parts.why)._replace(origin=str(ci.origin))


def project_path(path: str, root: Path) -> str:
    """A path a tool printed, relative to the project root when it is inside it."""
    text = path.strip()
    if not Path(text).is_absolute():
        return text.removeprefix("./")
    for base in (root, root.resolve()):  # the tool may print either form of a symlinked root
        if Path(text).is_relative_to(base):
            return Path(text).relative_to(base).as_posix()
    return text


def first_file(
    pattern: re.Pattern[str], output: str, root: Path, what: str, rule: str | None = None
) -> FirstFailure | None:
    """The first file ``pattern``'s ``file`` group names in ``output``, as ``WHAT FILE`` with how
    many more files it names."""
    files = list(dict.fromkeys(project_path(m["file"], root) for ln in output.splitlines() if (m := pattern.match(ln))))
    if not files:
        return None
    more = f" (and {len(files) - 1} more)" if len(files) > 1 else ""
    return FirstFailure(message=f"{what} {files[0]}{more}", file=files[0], rule=rule)
