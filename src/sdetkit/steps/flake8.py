"""Lint with flake8, where the project's CI runs it (see :mod:`sdetkit.steps.cionly`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure
from sdetkit.steps.base import first_located, generic_first_failure
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

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The first ``file:line:col: CODE message`` line, else the generic reading."""
        return first_located(_FINDING, output) or generic_first_failure(output)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        """flake8 on the failing file."""
        return f"flake8 {first['file']}" if tool == self.tool and first.get("file") else None
