"""The incident log in the store, on SQLite and PostgreSQL: incidents recorded before severities
move into it losslessly, and the rollback-rate and time-to-triage KPIs give the same values."""

from __future__ import annotations

import datetime as dt

import pytest

from sdetkit.incidents.kinds import IncidentSeverity, IncidentState
from sdetkit.incidents.model import AttachedEvidence, IncidentRecord, IncidentUpdate
from sdetkit.portfolio import kpi, migrations
from sdetkit.portfolio import store as st
from sdetkit.portfolio.rows import Incident, StoredRun

# The last version before the incident log (the rows of ``incidents`` are migrated from it).
BEFORE = next(i for i, m in enumerate(migrations.MIGRATIONS) if any("incident_log" in s for s in m))

LEGACY = [
    ("r1", "api", "rollback", "2026-11-03T10:00:00Z", None, "reverted 1.2"),
    ("f1", "api", "failure", "2026-11-04T09:00:00Z", "2026-11-04T09:40:00Z", ""),
    ("f2", "web", "failure", "2026-11-05T09:00:00Z", "2026-11-05T11:00:00Z", "flaky build"),
    ("f3", "web", "failure", "2026-11-06T09:00:00Z", None, "not triaged yet"),
]


def _run(repo: str, day: str) -> StoredRun:
    return StoredRun(
        f"{repo}-{day}", repo, "team", "scale", None, None, None, None, None, f"{day}T10:00:00Z", day, True, True,
        True, None, True, (), 0, None, "{}", f"{day}T10:00:00Z", None,
    )  # fmt: skip


def _kpis(store: st.Store) -> dict[str, object]:
    found = kpi.compute(kpi.gather(store, dt.date(2026, 11, 2), dt.date(2026, 11, 8), {}))
    return {k: found[k] for k in ("rollback_rate", "mean_time_to_triage_first_failure")}


def test_incidents_recorded_before_severities_are_migrated_and_the_kpis_do_not_move(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:BEFORE])
        with st.open_store(db) as old:
            old.add_runs([_run("api", "2026-11-03"), _run("web", "2026-11-04"), _run("api", "2026-11-05")])
            with old.transaction() as cur:
                for row in LEGACY:
                    cur.execute(
                        old.sql(
                            "INSERT INTO incidents (incident_id, repo_id, kind, opened_at, triaged_at, note) "
                            "VALUES (?, ?, ?, ?, ?, ?)"
                        ),
                        row,
                    )
            # What the KPIs said of the legacy rows, read the way the sdetkit of that version did.
            legacy = [Incident(*r) for r in old.query("SELECT * FROM incidents ORDER BY opened_at")]
            runs = old.runs_between("2026-11-02", "2026-11-08")
            before = kpi.compute(
                kpi.Inputs(dt.date(2026, 11, 2), dt.date(2026, 11, 8), runs, runs, legacy, 4, dt.date(2026, 11, 3), [])
            )
    with st.open_store(db) as new:
        assert migrations.schema_version(new) == migrations.VERSION
        assert _kpis(new) == {k: before[k] for k in ("rollback_rate", "mean_time_to_triage_first_failure")}
        assert _kpis(new)["mean_time_to_triage_first_failure"]["value"] == 80.0  # type: ignore[index]
        # Every fact kept; an empty note reads back as the title it was given ("failure of api").
        migrated = {i.incident_id: i for i in new.incidents_between("2026-11-01", "2026-11-30")}
        untitled = {
            k: i._replace(note="" if i.note == f"{i.kind} of {i.repo_id}" else i.note) for k, i in migrated.items()
        }
        assert untitled == {i.incident_id: i for i in legacy}
        records = {r.incident_id: r for r in new.incident_records()}
    assert records["r1"] == IncidentRecord(
        "r1", "reverted 1.2", None, "2026-11-03T10:00:00Z", ("api",), (), rollback=True,
        resolved_at="2026-11-03T10:00:00Z",
    )  # fmt: skip
    assert records["f1"] == IncidentRecord(
        "f1", "failure of api", None, "2026-11-04T09:00:00Z", ("api",), (),
        acknowledged_at="2026-11-04T09:40:00Z", resolved_at="2026-11-04T09:40:00Z",
    )  # fmt: skip
    assert records["f3"].state == IncidentState.OPEN and records["f3"].title == "not triaged yet"


def test_a_record_round_trips_with_its_steps_updates_and_evidence(db: str) -> None:
    record = IncidentRecord(
        "INC-1", "checkout down", IncidentSeverity.SEV2, "2026-11-04T09:00:00Z", ("api", "web"), ("scale",),
        updates=(IncidentUpdate("2026-11-04T09:10:00Z", "Bo", "looking"),),
        evidence=(AttachedEvidence("a" * 64, None, "2026-11-04T09:05:00Z"),),
    )  # fmt: skip
    with st.open_store(db) as store:
        assert store.add_incident_record(record) is True
        assert store.add_incident_record(record) is False
        store.record_incident_step(
            "INC-1",
            {"acknowledged_at": "2026-11-04T09:15:00Z", "follow_ups": ("add a canary",)},
            [IncidentUpdate("2026-11-04T09:30:00Z", "Cy", "rolled forward")],
            [AttachedEvidence("b" * 64, "build/gate-fast.json", "2026-11-04T09:30:00Z")],
        )
        got = store.incident_record("INC-1")
        assert store.incident_record("nope") is None
        drill = record._replace(incident_id="D-1", drill=True)
        store.add_incident_record(drill)
        assert store.incident_count() == 1  # a drill is practice, not an incident
        assert [i.incident_id for i in store.incidents_between("2026-11-04", "2026-11-04")] == ["INC-1"]
    assert got is not None
    assert got.acknowledged_at == "2026-11-04T09:15:00Z" and got.follow_ups == ("add a canary",)
    assert [u.author for u in got.updates] == ["Bo", "Cy"]
    assert [e.path for e in got.evidence] == [None, "build/gate-fast.json"]
    assert (got.repos, got.lanes, got.state) == (("api", "web"), ("scale",), IncidentState.ACKNOWLEDGED)
