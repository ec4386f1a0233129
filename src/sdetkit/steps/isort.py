"""Check import order with isort, where the project's CI runs it (see :mod:`sdetkit.steps.cionly`).

isort runs as ``isort --check-only --diff``: a hook that would rewrite files is checked instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure
from sdetkit.steps.base import PlanContext
from sdetkit.steps.cionly import CiOnlyTool, first_file

_UNSORTED = re.compile(r"^ERROR: (?P<file>.+?) Imports are incorrectly sorted")


class Isort(CiOnlyTool):
    """``isort --check-only --diff ARGS`` as CI writes it, at the version CI pins."""

    name = "isort"
    step_id = "isort"
    kind = "format"
    tool = "isort"
    module = "isort"
    package = "isort"
    script = "isort"
    precommit_repos: tuple[str, ...] = ("isort",)
    config_files = (".isort.cfg",)
    config_sections = (
        ("setup.cfg", "isort"),
        ("setup.cfg", "tool:isort"),
        ("tox.ini", "isort"),
        ("tox.ini", "tool:isort"),
    )
    writes = frozenset({"--check-only", "--check", "-c", "--diff", "--df", "--color"})

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        """Report, never rewrite: ``--check-only --diff``."""
        return ("--check-only", "--diff")

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first file whose imports isort would sort, and how many more."""
        return first_file(_UNSORTED, output, root, "imports incorrectly sorted in")

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """isort's diff of the failing file."""
        return f"isort --check-only --diff {first['file']}" if tool == self.tool and first.get("file") else None
