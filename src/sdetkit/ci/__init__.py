"""What the project's own automation runs, read from its files as text (nothing imported or run).

One module per source and one registry, :data:`SOURCES`, in the order the gate trusts them:
steps declared for sdetkit (the plan reads those), pre-commit hooks, tox environments, nox
sessions, CI workflows (GitHub Actions, GitLab CI), Makefile/justfile targets, the project's
shell scripts, and last the tools' own configuration (each step provider reads that).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sdetkit.ci import github, gitlab, make, nox, precommit, scripts, tox
from sdetkit.ci.model import KINDS, CiCommand, HookSelection, Origin
from sdetkit.ci.shell import DRIVERS

Reader = Callable[[Mapping[str, str]], list[CiCommand]]

# The text sources, most trusted first; make/just come after them because they are read through
# the calls the others make (see :func:`commands`).
SOURCES: tuple[tuple[str, Reader], ...] = (
    (precommit.KIND, precommit.read),
    (tox.KIND, tox.read),
    (nox.KIND, nox.read),
    (github.KIND, github.read),
    (gitlab.KIND, gitlab.read),
)


def commands(evidence: Mapping[str, str]) -> tuple[CiCommand, ...]:
    """Every command the automation files in ``evidence`` (name -> text) run, most trusted first.

    Calls of ``make``/``just`` are replaced by the targets' recipe commands; calls of tox and nox
    are left out (their own files say what they run)."""
    found: list[CiCommand] = []
    for _, read in SOURCES:
        found += read(evidence)
    calls = [c for c in found if c.tool in DRIVERS]
    found = [c for c in found if c.tool not in DRIVERS] + make.read(evidence, calls) + scripts.read(evidence)
    return tuple(sorted(found, key=lambda c: c.origin.trust))


__all__ = ["KINDS", "SOURCES", "CiCommand", "HookSelection", "Origin", "commands"]
