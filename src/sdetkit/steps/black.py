"""Check formatting with black, where the project's CI runs it (see :mod:`sdetkit.steps.cionly`).

black runs as ``black --check --diff``: a hook that would reformat files is checked instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure
from sdetkit.steps.base import PlanContext
from sdetkit.steps.cionly import CiOnlyTool, first_file

_REFORMAT = re.compile(r"^would reformat (?P<file>.+)$")


class Black(CiOnlyTool):
    """``black --check --diff ARGS`` as CI writes it, at the version CI pins."""

    name = "black"
    step_id = "black"
    kind = "format"
    tool = "black"
    module = "black"
    package = "black"
    script = "black"
    precommit_repos: tuple[str, ...] = ("black", "black-pre-commit-mirror")
    writes = frozenset({"--check", "--diff", "--color", "--no-color"})

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """Report, never rewrite: ``--check --diff``."""
        return ("--check", "--diff", "--no-color")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first file black would reformat, and how many more."""
        return first_file(_REFORMAT, output, root, "would reformat", "format")

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """black's diff of the failing file."""
        return f"black --check --diff {first['file']}" if tool == self.tool and first.get("file") else None
