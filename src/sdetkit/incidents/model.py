"""An incident record: what happened, how bad, who was affected, and every step of its handling.

Times are ISO 8601 UTC text (``2026-06-17T09:00:00Z``), as the store keeps them, so they compare
as strings. A record's state is derived from its times, never stored beside them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sdetkit.incidents.kinds import IncidentSeverity, IncidentState
from sdetkit.portfolio.rows import Incident

SCHEMA_NAME = "sdetkit.incidents"
SCHEMA_VERSION = "1.0.0"


class AttachedEvidence(NamedTuple):
    """Evidence attached to an incident: a stored artifact (``path`` None) or a validated file."""

    sha256: str
    path: str | None
    attached_at: str


class IncidentUpdate(NamedTuple):
    """A status update: when, by whom, and what was said."""

    at: str
    author: str
    text: str


class IncidentRecord(NamedTuple):
    """One incident (or drill). ``severity`` is None only for records made before severities existed."""

    incident_id: str
    title: str
    severity: IncidentSeverity | None
    opened_at: str
    repos: tuple[str, ...]
    lanes: tuple[str, ...]
    rollback: bool = False
    drill: bool = False
    acknowledged_at: str | None = None
    mitigation_at: str | None = None
    mitigation: str | None = None
    resolved_at: str | None = None
    root_cause: str | None = None
    follow_ups: tuple[str, ...] = ()
    updates: tuple[IncidentUpdate, ...] = ()
    evidence: tuple[AttachedEvidence, ...] = ()

    @property
    def state(self) -> IncidentState:
        """Where the incident stands, from the steps recorded."""
        if self.resolved_at:
            return IncidentState.RESOLVED
        if self.mitigation_at:
            return IncidentState.MITIGATING
        if self.acknowledged_at:
            return IncidentState.ACKNOWLEDGED
        return IncidentState.OPEN

    def kpi_views(self) -> tuple[Incident, ...]:
        """The record as the rollback-rate and time-to-triage KPIs count it. A rollback is one row
        per repository it rolled back (the rate is per release-confident run, and each repository's
        release was rolled back); anything else is one failure row filed under its first repository.
        Every row carries the acknowledgement as its triage time; the KPIs count it once per id."""
        if self.rollback:
            repos = self.repos or ("",)
            return tuple(
                Incident(self.incident_id, r, "rollback", self.opened_at, self.acknowledged_at, self.title)
                for r in repos
            )
        repo = self.repos[0] if self.repos else ""
        return (Incident(self.incident_id, repo, "failure", self.opened_at, self.acknowledged_at, self.title),)

    def document(self) -> dict[str, Any]:
        """The record as one JSON object (an ``incidents[]`` item, and one line of ``incident export``)."""
        return {
            "id": self.incident_id,
            "title": self.title,
            "severity": None if self.severity is None else self.severity.value,
            "state": self.state.value,
            "drill": self.drill,
            "rollback": self.rollback,
            "repos": list(self.repos),
            "lanes": list(self.lanes),
            "opened_at": self.opened_at,
            "acknowledged_at": self.acknowledged_at,
            "mitigation_planned_at": self.mitigation_at,
            "mitigation": self.mitigation,
            "resolved_at": self.resolved_at,
            "root_cause": self.root_cause,
            "follow_ups": list(self.follow_ups),
            "updates": [u._asdict() for u in self.updates],
            "evidence": [e._asdict() for e in self.evidence],
        }


def log_document(records: list[IncidentRecord]) -> dict[str, Any]:
    """The JSON output of the incident commands (schema ``incidents``)."""
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "incidents": [r.document() for r in records],
    }


def from_legacy(incident: Incident) -> IncidentRecord:
    """What ``sdetkit portfolio incident`` records, in the incident model: a rollback is resolved
    when it happened; a failure triaged is acknowledged and resolved at its triage time (the same
    mapping the store's migration applies to rows recorded before incidents had severities)."""
    rollback = incident.kind == "rollback"
    title = incident.note or f"{incident.kind} of {incident.repo_id}"
    return IncidentRecord(
        incident.incident_id,
        title,
        None,
        incident.opened_at,
        (incident.repo_id,),
        (),
        rollback=rollback,
        acknowledged_at=None if rollback else incident.triaged_at,
        resolved_at=incident.opened_at if rollback else incident.triaged_at,
    )
