"""Shell scripts the project keeps for its automation (``scripts/test.sh``, ``scripts/check``): the
tool commands of each line. They are trusted after the CI files and task runners that may call
them, and before the tools' own configuration."""

from __future__ import annotations

from collections.abc import Mapping

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import job_commands

KIND = "script"


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every script line, in file and line order."""
    out: list[CiCommand] = []
    for name in sorted(n for n in evidence if n.startswith("scripts/")):
        for number, line in enumerate(evidence[name].splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                out += job_commands(line, Origin(name, number, KIND), f"script {name}", True, "", "")
    return out
