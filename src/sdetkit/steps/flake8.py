"""Lint with flake8, where the project's CI runs it (see :mod:`sdetkit.steps.cionly`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure
from sdetkit.steps.base import PlanContext, first_located, generic_first_failure
from sdetkit.steps.cionly import CiOnlyTool

# "src/a.py:3:8: F401 'os' imported but unused"
_FINDING = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Z]+[0-9]+) (?P<msg>.+)$")


class Flake8(CiOnlyTool):
    """``flake8 ARGS`` as CI writes it (a hook's with its files), at the version CI pins."""

    name = "flake8"
    step_id = "flake8"
    kind = "lint"
    tool = "flake8"
    module = "flake8"
    package = "flake8"
    script = "flake8"
    precommit_repos: tuple[str, ...] = ("flake8",)
    config_files = (".flake8",)
    config_sections = (("setup.cfg", "flake8"), ("tox.ini", "flake8"))
    # Output and write options of its own: the gate reads findings in flake8's default format.
    writes = frozenset({"--output-file", "--format", "--tee"})

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """Leave out the folders CI's checkout does not have (ignored ones, virtual environments):
        flake8 walks into them, as it never does in CI."""
        from sdetkit.ci.files import not_checked_out

        absent = not_checked_out(ctx.facts.root)
        return (f"--extend-exclude={','.join(absent)}",) if absent else ()

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first ``file:line:col: CODE message`` line, else the generic reading."""
        found = first_located(_FINDING, output)
        if found is not None and found.file:  # a walk of the tree names files as ./pkg/mod.py
            return found._replace(file=found.file.removeprefix("./"))
        return found or generic_first_failure(output)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """flake8 on the failing file."""
        return f"flake8 {first['file']}" if tool == self.tool and first.get("file") else None
