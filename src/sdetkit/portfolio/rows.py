"""The store's rows as values: a stored run, an incident, a repository's owner, and how a run
becomes a table row and back (booleans as 0/1, failed steps as JSON text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

COLUMNS = (
    "run_id", "repo_id", "team", "lane", "commit_sha", "branch", "ci_run_url", "started_at", "finished_at",
    "source_timestamp", "evidence_window_end", "gate_fast_ok", "gate_release_ok", "doctor_ok", "decision_ok",
    "release_confidence_ok", "failed_steps", "failed_steps_count", "sdetkit_version", "schema_versions",
    "ingested_at", "audit_status",
)  # fmt: skip


class StoredRun(NamedTuple):
    """One stored run: one repository's evidence at one time (``None``: that artifact was absent)."""

    run_id: str
    repo_id: str
    team: str
    lane: str
    commit_sha: str | None
    branch: str | None
    ci_run_url: str | None
    started_at: str | None
    finished_at: str | None
    source_timestamp: str
    evidence_window_end: str
    gate_fast_ok: bool | None
    gate_release_ok: bool | None
    doctor_ok: bool | None
    decision_ok: bool | None
    release_confidence_ok: bool
    failed_steps: tuple[str, ...]
    failed_steps_count: int
    sdetkit_version: str | None
    schema_versions: str
    ingested_at: str
    audit_status: str | None


class Owner(NamedTuple):
    """The team and lane a repository is reported under."""

    team: str
    lane: str


class Incident(NamedTuple):
    """An incident as the rollback-rate and time-to-triage KPIs count it: a rollback, or a failure
    of one repository and when (if yet) it was triaged (acknowledged). The whole record, with its
    severity and handling, is :class:`sdetkit.incidents.model.IncidentRecord`."""

    incident_id: str
    repo_id: str
    kind: str  # "rollback" or "failure"
    opened_at: str
    triaged_at: str | None
    note: str


_BOOLS = {"gate_fast_ok", "gate_release_ok", "doctor_ok", "decision_ok", "release_confidence_ok"}
assert StoredRun._fields == COLUMNS  # noqa: S101 - to_row relies on it
_BOOL_AT = tuple(COLUMNS.index(c) for c in sorted(_BOOLS))
_STEPS = COLUMNS.index("failed_steps")


def to_row(run: StoredRun) -> tuple[Any, ...]:
    """The run as the values of :data:`COLUMNS`, in order (the fields of :class:`StoredRun` are in
    that order: one list, no dict per run; bulk ingest stores hundreds of thousands)."""
    values: list[Any] = list(run)
    values[_STEPS] = json.dumps(list(run.failed_steps)) if run.failed_steps else "[]"
    for i in _BOOL_AT:
        if values[i] is not None:
            values[i] = int(values[i])
    return tuple(values)


def from_row(row: Sequence[Any]) -> StoredRun:
    """The run a row of :data:`COLUMNS` holds."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["failed_steps"] = tuple(json.loads(values["failed_steps"]))
    for key in _BOOLS:
        if values[key] is not None:
            values[key] = bool(values[key])
    return StoredRun(**values)
