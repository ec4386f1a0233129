"""The KPI percentages, in-process from a handful of stored runs and incidents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import IncidentRecord
from sdetkit.portfolio import kpi
from sdetkit.portfolio.rows import Incident, StoredRun
from sdetkit.portfolio.store import open_store

END = dt.date(2026, 11, 8)


def run(repo: str, day: str, *, fast: bool | None = True, release: bool | None = True) -> StoredRun:
    # A record run as the Scale lane judges it: its doctor passed, so the gates decide its confidence.
    return StoredRun(
        f"{repo}-{day}", repo, "team", "scale", None, None, None, None, None, f"{day}T10:00:00Z", day, fast, release,
        True, None, bool(fast and release), (), 0, None, "{}", f"{day}T10:00:00Z", None,
    )  # fmt: skip


def compute(runs: list[StoredRun], incidents: Sequence[Incident] = (), ever: int = 0) -> dict[str, dict[str, Any]]:
    return kpi.compute(
        kpi.Inputs(dt.date(2026, 11, 2), END, runs, runs, incidents, ever, dt.date(2026, 10, 1), ["a", "b"])
    )


def test_percentages_are_hits_of_the_sample_with_where_they_came_from() -> None:
    runs = [run("a", "2026-11-03"), run("b", "2026-11-04", fast=False, release=False), run("c", "2026-11-05")]
    found = compute(runs)
    onboarding, frequency = found["first_time_success_onboarding_rate"], found["failed_release_gate_frequency"]
    assert (onboarding["value"], onboarding["sample_size"], onboarding["unit"]) == (66.67, 3, "percent")
    assert "2 of 3 passed gate fast on their first run" in onboarding["source"]
    assert (frequency["value"], frequency["sample_size"]) == (33.33, 3)
    assert frequency["source"] == "release preflight runs with evidence in 2026-11-02..2026-11-08: 1 of 3 failed"


def test_without_a_sample_a_percentage_has_no_value_and_says_why() -> None:
    found = compute([run("a", "2026-11-03", release=None)])
    frequency = found["failed_release_gate_frequency"]
    assert frequency == {"value": None, "unit": "percent", "sample_size": 0, "quality": "seed",
                         "source": "no release preflight evidence in 2026-11-02..2026-11-08"}  # fmt: skip


def test_rollback_rate_counts_rollbacks_per_release_confident_run() -> None:
    rollback = Incident("i1", "a", "rollback", "2026-11-04T10:00:00Z", None, "reverted")
    found = compute([run("a", "2026-11-03"), run("b", "2026-11-04")], [rollback], ever=1)["rollback_rate"]
    assert (found["value"], found["sample_size"]) == (50.0, 2)
    assert found["source"] == (
        "1 repository rolled back by 1 incident opened in 2026-11-02..2026-11-08 (drills not counted) "
        "per 2 release-confident runs"
    )


def test_from_the_incident_log_drills_never_count_and_a_rollback_counts_per_repository(tmp_path: Path) -> None:
    sev = IncidentSeverity.SEV2
    records = [
        # One incident rolled back two repositories: two of the four releases were undone.
        IncidentRecord("INC-1", "bad 1.2", sev, "2026-11-04T10:00:00Z", ("a", "b"), (), rollback=True,
                       acknowledged_at="2026-11-04T10:30:00Z"),
        IncidentRecord("INC-2", "flaky build", sev, "2026-11-05T09:00:00Z", ("c",), (),
                       acknowledged_at="2026-11-05T10:00:00Z"),
        IncidentRecord("INC-3", "not acknowledged yet", sev, "2026-11-06T09:00:00Z", ("c",), ()),
        # A drill, however it is recorded, is practice: not a rollback, not a failure, no triage time.
        IncidentRecord("D-1", "drill", sev, "2026-11-05T09:00:00Z", ("a", "b", "c", "d"), (), rollback=True,
                       drill=True, acknowledged_at="2026-11-05T09:01:00Z"),
    ]  # fmt: skip
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        store.add_runs([run(r, "2026-11-03") for r in ("a", "b", "c", "d")])
        for r in records:
            store.add_incident_record(r)
        found = kpi.compute(kpi.gather(store, dt.date(2026, 11, 2), END, {}))
    rollback, triage = found["rollback_rate"], found["mean_time_to_triage_first_failure"]
    assert (rollback["value"], rollback["sample_size"]) == (50.0, 4)
    assert rollback["source"] == (
        "2 repositories rolled back by 1 incident opened in 2026-11-02..2026-11-08 (drills not counted) "
        "per 4 release-confident runs"
    )
    assert (triage["value"], triage["sample_size"]) == (45.0, 2)  # (30 + 60) / 2, INC-1 once
    assert triage["source"] == (
        "2 incidents opened in 2026-11-02..2026-11-08 and acknowledged, opened to acknowledged (drills not counted)"
    )


def test_without_incidents_the_sources_name_the_incident_commands() -> None:
    found = compute([run("a", "2026-11-03")])
    assert found["rollback_rate"]["source"] == (
        "no incident records in the store (record rollbacks with "
        "`sdetkit incident open --title T --severity SEV --repo ID --rollback`)"
    )
    assert found["mean_time_to_triage_first_failure"]["source"] == (
        "no incident records in the store (open incidents with `sdetkit incident open --title T --severity SEV "
        "--repo ID` and acknowledge them with `sdetkit incident ack ID --by NAME`)"
    )
    assert "portfolio incident" not in str(found)


def test_a_drill_only_store_has_no_incidents_to_count(tmp_path: Path) -> None:
    drill = IncidentRecord("D-1", "drill", IncidentSeverity.SEV1, "2026-11-05T09:00:00Z", ("a",), (),
                           rollback=True, drill=True, acknowledged_at="2026-11-05T09:01:00Z")  # fmt: skip
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        store.add_runs([run("a", "2026-11-03")])
        store.add_incident_record(drill)
        found = kpi.compute(kpi.gather(store, dt.date(2026, 11, 2), END, {}))
    assert found["rollback_rate"]["value"] is None
    assert found["rollback_rate"]["source"].startswith("no incident records in the store")
    assert found["mean_time_to_triage_first_failure"]["value"] is None
