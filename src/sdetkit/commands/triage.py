"""``sdetkit triage`` (alias ``sdetkit investigate failure``): the first meaningful failure in CI
evidence, and the exact command that reproduces it.

Exit 0 only when no input shows a failure (``ok``), 1 when one does, 2 for input that cannot be
read: a CI step can trust the exit code.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sdetkit.errors import EXIT_FAILED, EXIT_OK, UsageError
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver, preflight
from sdetkit.settings import TriageSettings
from sdetkit.triage import fixes
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.rule import CAUSAL

SCHEMA_NAME = "sdetkit.triage"
SCHEMA_VERSION = "1.1.0"
SHOWN = 50


def _finding(f: TriageFinding) -> dict[str, Any]:
    return {
        "classification": f.classification,
        "tool": f.tool,
        "affected_file": f.affected_file,
        "line": f.line,
        "test_id": f.test_id,
        "message": f.message,
        "next_command": f.next_command,
        "source": f.source,
        "rule": f.rule,
        "excerpt": f.excerpt,
        "occurrences": f.occurrences,
        "fix": f.fix,
    }


def _project(settings: TriageSettings) -> fixes.Project | None:
    """The project whose dependency sets the fixes name: ``--project``, else the current folder
    when it is a project, else none (the fixes then install into the current environment)."""
    from sdetkit.repo import config

    root = settings.project
    if root is not None and not root.is_dir():
        raise UsageError(f"--project {root}: not a folder")
    if root is None:
        root = Path.cwd()
        if not fixes.is_project(root):
            return None
    return fixes.project(config.load(root))


def run(settings: TriageSettings) -> int:
    from sdetkit.triage.readers import reading

    if not settings.inputs:
        raise UsageError("give at least one log, JUnit XML report or gate artifact (or - for standard input)")
    preflight(settings.output)
    findings: list[TriageFinding] = []
    success: list[str | None] = []
    for path in settings.inputs:
        got = reading(path)
        findings += got.findings  # per input: causal first, then weak, then wrappers
        success.append(got.success)
    # Across inputs too, a cause in any input beats wrapper noise in an earlier one.
    ordered = sorted(findings, key=lambda f: f.tier)
    if ordered:
        where = _project(settings)
        ordered[:SHOWN] = [fixes.complete(f, where) for f in ordered[:SHOWN]]
    doc = {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not ordered,  # the contract every artifact keeps: true only when no failure was found
        "inputs": [str(p) for p in settings.inputs],
        "first": _finding(ordered[0]) if ordered else None,
        "findings": [_finding(f) for f in ordered[:SHOWN]],
        "total_findings": len(ordered),
        "causal_findings": sum(1 for f in ordered if f.tier == CAUSAL),
        "counts": dict(sorted(Counter(f.classification for f in ordered).items())),
        "success": success,
    }
    deliver(DocumentReport("triage", doc), settings.output, sys.stdout)
    return EXIT_FAILED if ordered else EXIT_OK
