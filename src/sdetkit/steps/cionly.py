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
    # Where the tool's own configuration lives besides pyproject's [tool.NAME]: files that configure
    # it by being there, and (file, section) INI sections.
    config_files: tuple[str, ...] = ()
    config_sections: tuple[tuple[str, str], ...] = ()

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen | None:
        """The step as the project's most trusted runnable CI command runs the tool; why not when
        the project configures the tool; nothing when the project shows no sign of it."""
        ci = chosen.choose(ctx, self.tool)
        if ci is None:
            where = self.configured_in(ctx)
            if where is None:  # no trace of the tool: saying it is not planned would be noise
                return None
            return NotChosen(
                self.step_id, f"no CI source runs {self.tool} (its configuration in {where} alone plans nothing)"
            )
        parts = chosen.ci_parts(ctx, self.step_id, ci, self.writes)
        if isinstance(parts, NotChosen):
            return parts
        command = (self.tool, *parts.args, *parts.files)
        return self.plan(ctx, command, parts.why)._replace(origin=str(ci.origin))

    def configured_in(self, ctx: PlanContext) -> str | None:
        """Where the project configures the tool (the first place found), or None."""
        facts = ctx.facts
        found = [f for f in self.config_files if f in facts.present]
        found += [f"{f} [{s}]" for f, s in self.config_sections if facts.ini_section(f, s) is not None]
        if facts.tool(self.tool) is not None:
            found.append(f"pyproject.toml [tool.{self.tool}]")
        return found[0] if found else None


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
