"""The store's incident queries (a part of :class:`sdetkit.portfolio.store.Store`): the incident
log, its repositories and lanes, updates and evidence, and the view the KPIs count."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import AttachedEvidence, IncidentRecord, IncidentUpdate, from_legacy
from sdetkit.portfolio.rows import Incident
from sdetkit.portfolio.store_queries import StoreConnection

_LOG = (
    "incident_id", "title", "severity", "opened_at", "acknowledged_at", "mitigation_at", "mitigation", "resolved_at",
    "root_cause", "follow_ups", "rollback", "drill",
)  # fmt: skip
# The steps a command may record on an existing incident (column names are never user input).
STEPS = ("acknowledged_at", "mitigation_at", "mitigation", "resolved_at", "root_cause", "follow_ups")
_SELECT_LOG = "SELECT " + ", ".join(_LOG) + " FROM incident_log"  # noqa: S608


class IncidentQueries(StoreConnection):
    """Incident reads and writes over the store's connection (mixed into ``Store``)."""

    def add_incident(self, incident: Incident) -> bool:
        """Store a rollback or failure as ``sdetkit portfolio incident`` gives it (opened and, when
        rolled back or triaged, resolved in one call); returns whether it was new."""
        return self.add_incident_record(from_legacy(incident))

    def add_incident_record(self, record: IncidentRecord) -> bool:
        """Store a new incident with its repositories, lanes, updates and evidence; returns whether
        it was new (an id already stored is left as it is)."""
        values = (
            record.incident_id, record.title, record.severity.value if record.severity else None, record.opened_at,
            record.acknowledged_at, record.mitigation_at, record.mitigation, record.resolved_at, record.root_cause,
            json.dumps(list(record.follow_ups)), int(record.rollback), int(record.drill),
        )  # fmt: skip
        insert = f"INSERT INTO incident_log ({', '.join(_LOG)}) VALUES ({', '.join('?' * len(_LOG))}) "  # noqa: S608
        with self.transaction() as cur:
            cur.execute(self.sql(insert + "ON CONFLICT (incident_id) DO NOTHING"), values)
            if int(cur.rowcount) != 1:
                return False
            scope = [("repo", r) for r in record.repos] + [("lane", lane) for lane in record.lanes]
            for position, (kind, name) in enumerate(scope):
                cur.execute(
                    self.sql("INSERT INTO incident_scope (incident_id, kind, name, position) VALUES (?, ?, ?, ?)"),
                    (record.incident_id, kind, name, position),
                )
            self._append(cur, record.incident_id, record.updates, record.evidence, 0)
        return True

    def record_incident_step(
        self,
        incident_id: str,
        steps: Mapping[str, Any],
        updates: Sequence[IncidentUpdate] = (),
        evidence: Sequence[AttachedEvidence] = (),
    ) -> None:
        """Record steps (columns of :data:`STEPS`), updates and evidence on a stored incident, in one
        transaction."""
        with self.transaction() as cur:
            for column, value in steps.items():
                if column not in STEPS:
                    raise ValueError(f"not an incident step: {column}")
                stored = json.dumps(list(value)) if column == "follow_ups" else value
                update = f"UPDATE incident_log SET {column} = ? WHERE incident_id = ?"  # noqa: S608 - a known column
                cur.execute(self.sql(update), (stored, incident_id))
            cur.execute(self.sql("SELECT COUNT(*) FROM incident_updates WHERE incident_id = ?"), (incident_id,))
            self._append(cur, incident_id, updates, evidence, int(cur.fetchone()[0]))

    def _append(
        self,
        cur: Any,
        incident_id: str,
        updates: Sequence[IncidentUpdate],
        evidence: Sequence[AttachedEvidence],
        at: int,
    ) -> None:
        for position, u in enumerate(updates, at):
            cur.execute(
                self.sql(
                    "INSERT INTO incident_updates (incident_id, position, at, author, body) VALUES (?, ?, ?, ?, ?)"
                ),
                (incident_id, position, u.at, u.author, u.text),
            )
        for e in evidence:
            cur.execute(
                self.sql(
                    "INSERT INTO incident_evidence (incident_id, sha256, path, attached_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (incident_id, sha256) DO NOTHING"
                ),
                (incident_id, e.sha256, e.path, e.attached_at),
            )

    def incident_records(self, start: str = "0001-01-01", end: str = "9999-12-31") -> list[IncidentRecord]:
        """Incidents (and drills) opened on a day in ``[start, end]``, oldest first."""
        rows = self.query(
            _SELECT_LOG + " WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, incident_id",
            (start, end + "T99"),  # "T99" sorts after any time on the end day
        )
        return list(self._records(rows))

    def incident_record(self, incident_id: str) -> IncidentRecord | None:
        """One incident by id."""
        rows = self.query(_SELECT_LOG + " WHERE incident_id = ?", (incident_id,))
        return next(self._records(rows), None)

    def _records(self, rows: list[tuple[Any, ...]]) -> Iterator[IncidentRecord]:
        if not rows:
            return
        scope: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"repo": [], "lane": []})
        for ident, kind, name in self.query("SELECT incident_id, kind, name FROM incident_scope ORDER BY position"):
            scope[ident][kind].append(name)
        updates: dict[str, list[IncidentUpdate]] = defaultdict(list)
        for ident, at, author, body in self.query(
            "SELECT incident_id, at, author, body FROM incident_updates ORDER BY incident_id, position"
        ):
            updates[ident].append(IncidentUpdate(at, author, body))
        evidence: dict[str, list[AttachedEvidence]] = defaultdict(list)
        for ident, sha, path, at in self.query(
            "SELECT incident_id, sha256, path, attached_at FROM incident_evidence "
            "ORDER BY incident_id, attached_at, sha256"
        ):
            evidence[ident].append(AttachedEvidence(sha, path, at))
        for row in rows:
            v = dict(zip(_LOG, row, strict=True))
            ident = v["incident_id"]
            yield IncidentRecord(
                ident,
                v["title"],
                IncidentSeverity(v["severity"]) if v["severity"] else None,
                v["opened_at"],
                tuple(scope[ident]["repo"]),
                tuple(scope[ident]["lane"]),
                rollback=bool(v["rollback"]),
                drill=bool(v["drill"]),
                acknowledged_at=v["acknowledged_at"],
                mitigation_at=v["mitigation_at"],
                mitigation=v["mitigation"],
                resolved_at=v["resolved_at"],
                root_cause=v["root_cause"],
                follow_ups=tuple(json.loads(v["follow_ups"])),
                updates=tuple(updates[ident]),
                evidence=tuple(evidence[ident]),
            )

    def incidents_between(self, start: str, end: str) -> list[Incident]:
        """Incidents opened on a day in ``[start, end]`` as the KPIs count them (drills are practice,
        not incidents: they are left out; a rollback is one row per repository it rolled back)."""
        return [v for r in self.incident_records(start, end) if not r.drill for v in r.kpi_views()]

    def incident_count(self) -> int:
        """How many incidents are stored (drills not counted)."""
        return int(self.query("SELECT COUNT(*) FROM incident_log WHERE drill = 0")[0][0])

    def artifact_stored(self, sha256: str) -> bool:
        """Whether an ingested artifact has this sha256."""
        return bool(self.query("SELECT 1 FROM artifacts WHERE sha256 = ?", (sha256,)))
