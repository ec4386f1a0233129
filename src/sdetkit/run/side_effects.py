"""Files a gate's steps left in the work tree.

The gate never writes into the repository itself, but a project's own commands may (a test that
writes ``./output``, a tool that creates a cache folder). Such a file makes the next gate's tree
dirty and fails ``clean-tree``; the run that caused it says so, on the step that caused it, so the
later failure is explained. Steps run in parallel and a file does not say who wrote it: a file is
put on the steps whose run covered its modification time, or on every step that ran when none did
(a deleted file has no time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sdetkit.model import StepResult
from sdetkit.repo.git import GitState

SLACK = 1.0  # seconds: file systems with coarse timestamps, clocks read around a process


def attribute(
    before: GitState, after: GitState, windows: Mapping[str, tuple[float, float]], results: Sequence[StepResult]
) -> list[StepResult]:
    """``results`` with ``side_effects`` set from what changed between ``before`` and ``after``."""
    new = sorted(set(after.changes) - set(before.changes))
    if not new or not windows:
        return list(results)
    by_step: dict[str, list[str]] = {}
    for rel in new:
        when = _mtime(after.toplevel / rel)
        owners = [
            sid for sid, (start, end) in windows.items() if when is None or start - SLACK <= when <= end + SLACK
        ] or list(windows)
        for sid in owners:
            by_step.setdefault(sid, []).append(rel)
    return [r._replace(side_effects=tuple(by_step.get(r.spec.id, ()))) for r in results]


def _mtime(path: Path) -> float | None:
    try:
        return path.lstat().st_mtime
    except OSError:
        return None
