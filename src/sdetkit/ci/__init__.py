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
from sdetkit.ci.selection import selection
from sdetkit.ci.shell import DRIVERS

Reader = Callable[[Mapping[str, str]], list[CiCommand]]

# The text sources, most trusted first; tox/nox are read through the calls CI makes of them, and
# make/just/scripts through the calls the others make (see :func:`commands`).
SOURCES: tuple[tuple[str, Reader], ...] = (
    (precommit.KIND, precommit.read),
    (tox.KIND, tox.read),
    (nox.KIND, nox.read),
    (github.KIND, github.read),
    (gitlab.KIND, gitlab.read),
)


def has_workflow(evidence: Mapping[str, str]) -> bool:
    """Whether the project has a CI workflow (GitHub Actions, GitLab CI, or a ``.ci/`` entry script)."""
    return any(n.startswith((".github/workflows/", ".ci/")) or n == gitlab.FILE for n in evidence)


def commands(evidence: Mapping[str, str]) -> tuple[CiCommand, ...]:
    """Every command the automation files in ``evidence`` (name -> text) run, most trusted first.

    Calls of ``make``/``just`` are replaced by the targets' recipe commands. tox environments and nox
    sessions run by default only as the CI's calls of tox and nox select them (or, without a
    workflow, as their own defaults); the calls themselves are left out."""
    ran = precommit.read(evidence) + github.read(evidence) + gitlab.read(evidence) + scripts.read(evidence)
    calls = [c for c in ran if c.tool in DRIVERS]
    made = make.read(evidence, calls)
    workflow = has_workflow(evidence)
    drivers = calls + [c for c in made if c.tool in DRIVERS]
    runners = tox.read(evidence, selection("tox", tox.file_of(evidence), drivers, workflow))
    runners += nox.read(evidence, selection("nox", nox.FILE, drivers, workflow))
    # A make target tox or nox calls runs as that environment runs.
    more = [c for c in runners if c.tool in {"make", "just"}]
    if more:
        made = make.read(evidence, calls + more)
    found = [c for c in ran + runners + made if c.tool not in DRIVERS]
    return tuple(sorted(found, key=lambda c: c.origin.trust))


__all__ = ["KINDS", "SOURCES", "CiCommand", "HookSelection", "Origin", "commands", "has_workflow"]
