"""The KPI percentages, in-process from a handful of stored runs and incidents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sdetkit.portfolio import kpi
from sdetkit.portfolio.rows import Incident, StoredRun

END = dt.date(2026, 11, 8)


def run(repo: str, day: str, *, fast: bool | None = True, release: bool | None = True) -> StoredRun:
    return StoredRun(
        f"{repo}-{day}", repo, "team", "scale", None, None, None, None, None, f"{day}T10:00:00Z", day, fast, release,
        None, None, bool(release), (), 0, None, "{}", f"{day}T10:00:00Z", None,
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
    assert found["source"] == "1 rollback incidents opened in 2026-11-02..2026-11-08 per 2 release-confident runs"
