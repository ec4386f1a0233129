"""Checklist compliance, the Regulated lane's KPI beside rollback rate: of the SHIP decisions stored
for a period in Regulated-lane repositories, the share whose repository and commit a passing
release checklist result names, checked by the period's end. Computed here only; the reports show
it next to the lane's emphasis (it is not part of the weekly KPI payload, whose six KPIs are fixed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sdetkit.portfolio.rows import StoredRun
from sdetkit.portfolio.store_checklists import StoredChecklist

LANE = "regulated"


class ChecklistCompliance(NamedTuple):
    """The figure (percent, None without a decision to judge), its sample, the decisions no passing
    checklist covers, and where the figure came from."""

    value: float | None
    compliant: int
    decisions: int
    non_compliant: tuple[StoredRun, ...]
    source: str


def checklist_compliance(
    runs: Sequence[StoredRun], checklists: Sequence[StoredChecklist], start: dt.date, end: dt.date
) -> ChecklistCompliance:
    """Judge the SHIP decisions (``decision_ok`` true) of Regulated-lane runs with evidence in
    ``[start, end]`` against the checklist results checked on or before ``end``."""
    first, last = start.isoformat(), end.isoformat()
    decisions = sorted(
        (r for r in runs if r.decision_ok is True and r.lane == LANE and first <= r.evidence_window_end <= last),
        key=lambda r: (r.repo_id, r.source_timestamp, r.run_id),
    )
    passing = [c for c in checklists if c.ok and c.checked_at[:10] <= last]
    missing = tuple(r for r in decisions if not any(c.covers(r.repo_id, r.commit_sha) for c in passing))
    period = f"{first}..{last}"
    if not decisions:
        return ChecklistCompliance(None, 0, 0, (), f"no SHIP decision of a {LANE}-lane repository in {period}")
    compliant = len(decisions) - len(missing)
    return ChecklistCompliance(
        round(100.0 * compliant / len(decisions), 2),
        compliant,
        len(decisions),
        missing,
        f"{compliant} of {len(decisions)} SHIP decisions of {LANE}-lane repositories in {period} are covered by "
        f"a passing release checklist result (their repository and commit) checked by {last}",
    )
