"""The gate artifact (``gate-fast.json``): the report as a canonical JSON document."""

from __future__ import annotations

import json
from typing import Any

from sdetkit.evidence.redact import stabilise
from sdetkit.model import FirstFailure, GateReport, Status, StepResult

SCHEMA_NAMES = {"fast": "sdetkit.gate.fast", "release": "sdetkit.gate.release"}
SCHEMA_VERSION = "1.0.0"


def _failure(f: FirstFailure | None, stable: bool) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "message": stabilise(f.message) if stable else f.message,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "rule": f.rule,
        "test_id": f.test_id,
    }


def _stable_tail(r: StepResult) -> str:
    """A passing step's evidence is its summary line; its full output can vary between identical
    runs (random test order, progress output), which stable mode must not."""
    text = r.log_tail
    if r.status is Status.PASSED:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        text = lines[-1] if lines else ""
    return stabilise(text)


def _step(r: StepResult, stable: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": r.spec.id,
        "kind": r.spec.kind,
        "tool": r.spec.tool,
        "argv": list(r.spec.argv),
        "needs": list(r.spec.needs),
        "reason": r.spec.reason,
        "status": r.status.value,
        "exit_code": r.exit_code,
        "message": r.message,
        "first_failure": _failure(r.first_failure, stable),
        "log_tail": _stable_tail(r) if stable else r.log_tail,
    }
    if not stable:
        # Whether a result came from the cache is a fact about this run, not about the tree.
        doc["cached"] = r.cached
    if r.spec.version_source:  # a pinned tool: the version that ran, and why that one
        doc["tool_version"] = r.spec.tool_version
        doc["version_source"] = r.spec.version_source
    if r.side_effects:
        doc["side_effects"] = list(r.side_effects)
    if r.spec.origin:
        doc["origin"] = r.spec.origin
    return doc


def document(report: GateReport, stable: bool) -> dict[str, Any]:
    """The artifact as a dict. ``stable`` leaves out everything that varies between runs of the
    same repository state (the ``run`` block, cache hits) and masks times inside log tails."""
    counts = {s.value: 0 for s in Status}
    for r in report.results:
        counts[r.status.value] += 1
    doc: dict[str, Any] = {
        "schema_name": SCHEMA_NAMES[report.profile],
        "schema_version": SCHEMA_VERSION,
        "profile": report.profile,
        "ok": report.verdict.ok,
        "failed_steps": list(report.verdict.failed_steps),
        "reason": report.verdict.reason,
        "commit": report.repo.commit,
        "branch": report.repo.branch,
        "dirty": report.repo.dirty,
        "project_path": report.repo.project_path,
        "selection": {"only": sorted(report.only), "skip": sorted(report.skip)},
        "counts": counts,
        "steps": [_step(r, stable) for r in report.results],
    }
    doc |= dict(report.extra)
    if not stable:
        doc["run"] = dict(report.run)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
