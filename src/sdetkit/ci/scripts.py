"""Shell scripts the project keeps for its automation (``scripts/test.sh``, ``scripts/check``) and
the CI entry scripts a hosted CI calls (``.ci/run``): the tool commands of each line (a ``make``
or ``tox`` call among them is read through the target or environment it runs). They are trusted
after the CI files and task runners that may call them, and before the tools' own configuration."""

from __future__ import annotations

from collections.abc import Mapping

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import job_commands

KIND = "script"
DIRS = ("scripts/", ".ci/")  # where the project keeps them


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every script line, in file and line order."""
    out: list[CiCommand] = []
    for name in sorted(n for n in evidence if n.startswith(DIRS)):
        known: dict[str, str] = {}  # the script's variables, as its earlier lines set them
        for number, line in enumerate(evidence[name].splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                out += job_commands(line, Origin(name, number, KIND), f"script {name}", True, "", "", known)
    return out
